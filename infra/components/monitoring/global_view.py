"""One metrics view across regions (docs/adr/0002-global-metrics-view.md).

Every cluster's Prometheus remote-writes a chosen set of series, SigV4-signed with Pod Identity credentials, to
one Amazon Managed Service for Prometheus (AMP) workspace in the primary region; the primary's Grafana reads it
through a SigV4 datasource. Nothing crosses between the VPCs: the standby writes to AMP's public regional
endpoint through its NAT gateways. Single-region stacks have no global store: their Prometheus is the view.

IAM documents are built from names, the account id and a tag, never from the workspace's generated ARN, so a
first `pulumi preview` can assess them: access is granted on the primary region's workspaces carrying this
stack's global-view tag (`aws:ResourceTag`, which AMP evaluates on every workspace action).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_aws as aws
import yaml

from drift_jobs import contract
from infra.components.access.iam import PodIdentityNames, account_id, pod_identity
from infra.components.aws_names import partition_of
from infra.components.monitoring import names
from infra.components.security.encryption import key_alias, key_policy
from infra.config.model import PlatformConfig, RegionConfig
from infra.context import StackContext

VALUES_FILE: Final = Path(__file__).with_name("global_view.yaml")

# The tag that names the stack's global workspace; the IAM policies grant access through it.
GLOBAL_VIEW_TAG: Final = "ai-platform/global-view"

# The chart names these service accounts after the release; set explicitly so the Pod Identity associations
# and the Helm values cannot drift apart.
PROMETHEUS_SERVICE_ACCOUNT: Final = f"{names.KUBE_PROMETHEUS_RELEASE}-prometheus"
GRAFANA_SERVICE_ACCOUNT: Final = f"{names.KUBE_PROMETHEUS_RELEASE}-grafana"

REMOTE_WRITE_ACTIONS: Final = ("aps:RemoteWrite",)
QUERY_ACTIONS: Final = ("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata")
KEY_PURPOSE: Final = "metrics"


def _settings() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    return data


def global_view_enabled(config: PlatformConfig) -> bool:
    """A global store only where there is more than one region to join (ADR 0002, "Single-region stacks")."""
    return len(config.regions) > 1


def workspace_tag_value(ctx: StackContext) -> str:
    return f"{ctx.project}-{ctx.stack}"


def kept_metrics() -> list[str]:
    """Metric-name patterns sent to the global store: the drift contract, the serving contract, the extras."""
    serving = [
        re.escape(names.INFERENCE_REQUESTS_METRIC),
        re.escape(names.INFERENCE_DURATION_METRIC) + "_(bucket|sum|count)",
    ]
    return [*sorted(re.escape(metric) for metric in contract.METRICS), *serving, *_settings()["extraMetrics"]]


def workspace_access_policy(
    *, partition: str, account: str, region: str, tag_value: str, actions: Sequence[str]
) -> str:
    """Least privilege on the stack's workspace: the named actions, on workspaces carrying the stack's tag only."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "GlobalMetricsWorkspace",
                    "Effect": "Allow",
                    "Action": list(actions),
                    "Resource": f"arn:{partition}:aps:{region}:{account}:workspace/*",
                    "Condition": {"StringEquals": {f"aws:ResourceTag/{GLOBAL_VIEW_TAG}": tag_value}},
                }
            ],
        }
    )


def overlay_values(*, role: str, workspace_region: str, endpoint: pulumi.Input[str]) -> dict[str, Any]:
    """The kube-prometheus-stack values for one cluster: remote write everywhere, the datasource on the primary.

    A plain dict whose only outputs are the two URLs (leaves): everything else is known before apply, so a
    first preview shows the values with just the workspace's generated endpoint unknown."""
    settings = _settings()
    base = pulumi.Output.from_input(endpoint).apply(lambda url: url.rstrip("/"))
    values: dict[str, Any] = {
        "prometheus": {
            "serviceAccount": {"create": True, "name": PROMETHEUS_SERVICE_ACCOUNT},
            "prometheusSpec": {
                "remoteWrite": [
                    {
                        "name": "global-view",
                        "url": base.apply(lambda url: f"{url}/api/v1/remote_write"),
                        "sigv4": {"region": workspace_region},
                        "queueConfig": dict(settings["queueConfig"]),
                        "writeRelabelConfigs": [
                            {
                                "sourceLabels": ["__name__"],
                                "regex": "|".join(f"({pattern})" for pattern in kept_metrics()),
                                "action": "keep",
                            }
                        ],
                    }
                ]
            },
        }
    }
    if role == "primary":
        datasource = settings["datasource"]
        values["grafana"] = {
            "serviceAccount": {"create": True, "name": GRAFANA_SERVICE_ACCOUNT},
            "plugins": [datasource["plugin"]],
            "additionalDataSources": [
                {
                    "name": datasource["name"],
                    "uid": datasource["uid"],
                    "type": datasource["type"],
                    "access": "proxy",
                    "url": base.apply(lambda url: f"{url}/"),
                    "editable": False,
                    "jsonData": {
                        "httpMethod": "POST",
                        "sigV4Auth": True,
                        # The AWS SDK's default chain: the Pod Identity credentials of Grafana's service account.
                        "sigV4AuthType": "default",
                        "sigV4Region": workspace_region,
                    },
                }
            ],
        }
    return values


def global_view_overlay(
    *,
    region: RegionConfig,
    workspace_region: str,
    endpoint: pulumi.Input[str],
    ready: Sequence[pulumi.Input[Any]] = (),
) -> dict[str, Any]:
    """The values overlay for `region`'s MonitoringStack (a `pulumi.Input[dict]`).

    The URLs wait on `ready` (the Pod Identity associations), so the release, whose values hold them, starts
    its pods after their credentials exist: Pod Identity injects credentials when a pod is created, never
    into a running one."""
    gated = pulumi.Output.all(endpoint, *ready).apply(lambda resolved: str(resolved[0]))
    return overlay_values(role=region.role, workspace_region=workspace_region, endpoint=gated)


class GlobalMetricsStore(pulumi.ComponentResource):
    """The AMP workspace in the primary region, encrypted with its own customer-managed key, logging to CloudWatch."""

    region: str
    provider: aws.Provider
    workspace: aws.amp.Workspace
    endpoint: pulumi.Output[str]

    def __init__(self, name: str, *, ctx: StackContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ai-platform:monitoring:GlobalMetricsStore", name, None, opts)
        self.region = ctx.config.primary_region.name
        # Its own provider for the primary region: the store exists before the regions that write to it.
        self.provider = aws.Provider(
            f"aws-global-view-{self.region}", region=self.region, opts=pulumi.ResourceOptions(parent=self)
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)
        # Moving the primary replaces the store; the old workspace and its key stay (ADR 0002, consequences).
        kept = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True))
        tag_value = workspace_tag_value(ctx)
        tags = ctx.tags(self.region)
        account = account_id(self.provider)
        key = aws.kms.Key(
            f"{name}-{KEY_PURPOSE}",
            description=f"{ctx.project} {ctx.stack} {self.region}: global metrics (AMP workspace and its logs)",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            policy=account.apply(lambda acct: key_policy(acct, self.region)),
            tags=tags,
            opts=kept,
        )
        aws.kms.Alias(f"{name}-{KEY_PURPOSE}", name=key_alias(ctx, KEY_PURPOSE), target_key_id=key.key_id, opts=child)
        # The /aws/vendedlogs/ prefix keeps AMP's log delivery under CloudWatch's resource-policy size limit.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/vendedlogs/prometheus/{ctx.project}-{ctx.stack}-global",
            retention_in_days=ctx.config.cluster.log_retention_days,
            kms_key_id=key.arn,
            tags=tags,
            opts=child,
        )
        self.workspace = aws.amp.Workspace(
            name,
            alias=f"{ctx.project}-{ctx.stack}-global",
            kms_key_arn=key.arn,
            # AMP wants the log group's ARN with its ":*" suffix.
            logging_configuration={"log_group_arn": log_group.arn.apply(lambda arn: f"{arn.removesuffix(':*')}:*")},
            tags={**tags, GLOBAL_VIEW_TAG: tag_value},
            opts=kept,
        )
        self.endpoint = self.workspace.prometheus_endpoint
        self.register_outputs({"workspaceArn": self.workspace.arn, "endpoint": self.endpoint})


class ClusterMetricsAccess(pulumi.ComponentResource):
    """One cluster's identities for the global view: Prometheus may write, the primary's Grafana may read."""

    values_overlay: dict[str, Any]
    associations: list[aws.eks.PodIdentityAssociation]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        region: RegionConfig,
        cluster: aws.eks.Cluster,
        provider: aws.Provider,
        store: GlobalMetricsStore,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:monitoring:ClusterMetricsAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        tags = ctx.tags(region.name)
        account = account_id(provider)
        cluster_name = ctx.cluster_name(region.name)
        tag_value = workspace_tag_value(ctx)
        partition = partition_of(store.region)

        def identity(component: str, service_account: str, actions: Sequence[str]) -> aws.eks.PodIdentityAssociation:
            return pod_identity(
                PodIdentityNames(
                    role=f"{name}-{component}", policy=f"{name}-{component}", association=f"{name}-{component}"
                ),
                cluster=cluster,
                cluster_name=cluster_name,
                namespace=names.MONITORING_NAMESPACE,
                service_account=service_account,
                account=account,
                policy=account.apply(
                    lambda acct: workspace_access_policy(
                        partition=partition, account=acct, region=store.region, tag_value=tag_value, actions=actions
                    )
                ),
                tags=tags,
                opts=child,
            ).association

        self.associations = [identity("prometheus", PROMETHEUS_SERVICE_ACCOUNT, REMOTE_WRITE_ACTIONS)]
        if region.role == "primary":
            self.associations.append(identity("grafana", GRAFANA_SERVICE_ACCOUNT, QUERY_ACTIONS))
        self.values_overlay = global_view_overlay(
            region=region,
            workspace_region=store.region,
            endpoint=store.endpoint,
            ready=[association.id for association in self.associations],
        )
        self.register_outputs({})
