"""Monthly cost budgets with notifications at the configured thresholds (FinOps, DESIGN §2)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra.config.model import BudgetConfig
from infra.context import TAG_STACK, TAG_TEAM, StackContext


def cost_filter(ctx: StackContext, budget: BudgetConfig) -> list[dict[str, object]]:
    # Cost-allocation tags appear in Cost Explorer as "user:<key>$<value>".
    key, value = (TAG_TEAM, budget.team) if budget.team else (TAG_STACK, ctx.stack)
    return [{"name": "TagKeyValue", "values": [f"user:{key}${value}"]}]


class Budgets(pulumi.ComponentResource):
    def __init__(
        self, name: str, *, ctx: StackContext, provider: aws.Provider, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ai-platform:finops:Budgets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        region = ctx.config.primary_region.name
        for budget in ctx.config.budgets:
            aws.budgets.Budget(
                f"{name}-{budget.name}",
                name=f"{ctx.project}-{ctx.stack}-{budget.name}",
                budget_type="COST",
                limit_amount=f"{budget.monthly_limit_usd:.2f}",
                limit_unit="USD",
                time_unit="MONTHLY",
                cost_filters=cost_filter(ctx, budget),
                notifications=[
                    {
                        "comparison_operator": "GREATER_THAN",
                        "threshold": float(pct),
                        "threshold_type": "PERCENTAGE",
                        "notification_type": "ACTUAL",
                        "subscriber_email_addresses": budget.emails,
                    }
                    for pct in budget.notify_at_percent
                ],
                tags=ctx.tags(region, team=budget.team or "platform"),
                opts=child,
            )
        self.register_outputs({})
