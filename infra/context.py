"""What every component needs to know about the stack it builds: names, tags and the validated config."""

from __future__ import annotations

from dataclasses import dataclass

from infra.config.model import PlatformConfig

TAG_STACK = "ai-platform/stack"
TAG_REGION = "ai-platform/region"
TAG_TEAM = "ai-platform/team"
TAG_POOL = "ai-platform/pool"
TAG_DATA_CLASS = "ai-platform/data-class"
PLATFORM_TEAM = "platform"


@dataclass(frozen=True)
class StackContext:
    project: str
    stack: str
    config: PlatformConfig

    def tags(self, region: str, *, team: str = PLATFORM_TEAM, **extra: str) -> dict[str, str]:
        """Cost-allocation tags every taggable AWS resource carries (explicit, so the gate can see them)."""
        return {
            **self.config.tags,
            TAG_STACK: self.stack,
            TAG_REGION: region,
            TAG_TEAM: team,
            "ManagedBy": "pulumi",
            **extra,
        }

    def cluster_name(self, region: str) -> str:
        return f"{self.project}-{self.stack}-{region}"
