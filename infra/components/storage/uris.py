"""The drift jobs' s3:// URIs: templates in the config (`{region}` in the bucket), one region's URIs in the plan.

A model's drift URIs name the purpose buckets of the stack with a `{region}` placeholder, e.g.
`s3://ai-platform-prod-{region}-datasets/fraud/reference/`: the job in each region reads its own cluster's
object store, and a standby region's job, activated on failover, reads the standby's replica. The config rules
(infra/config/storage_rules.py) check the templates; the program resolves them here for each region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from infra.components.storage.contract import bucket_name, storage_contract

if TYPE_CHECKING:
    from infra.config.model import ModelConfig

REGION_PLACEHOLDER: Final = "{region}"
# Which purpose's bucket each drift URI must name: the reference window is a dataset, the current window the
# model's inference logs, the reports go to drift-reports (each purpose has its own lifecycle and grants).
DRIFT_URI_PURPOSES: Final = {"reference": "datasets", "current": "inference-logs", "reports": "drift-reports"}


@dataclass(frozen=True)
class DriftUris:
    """One model's drift URIs in one region (buckets named, prefixes ending in `/`)."""

    reference: str
    current: str
    reports: str


def split_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/prefix` -> (bucket, prefix)."""
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    return bucket, prefix


def in_region(uri: str, region: str) -> str:
    return uri.replace(REGION_PLACEHOLDER, region)


def bucket_template(project: str, stack: str, purpose: str) -> str:
    """The config's spelling of this stack's `purpose` bucket: the name with `{region}` left in."""
    return bucket_name(project, stack, REGION_PLACEHOLDER, purpose)


def any_stack_bucket_template(purpose: str) -> re.Pattern[str]:
    """Matches the template of `purpose`'s bucket of any project and stack (when the stack is not known)."""
    parts = re.split(r"(\{project\}|\{stack\}|\{region\}|\{purpose\})", storage_contract()["bucketName"])
    fields = {
        "{project}": "[a-z0-9][a-z0-9-]*",
        "{stack}": "[a-z0-9][a-z0-9-]*",
        "{region}": re.escape(REGION_PLACEHOLDER),
        "{purpose}": re.escape(purpose),
    }
    return re.compile("".join(fields.get(part, re.escape(part)) for part in parts))


def default_reports_template(project: str, stack: str, model: str) -> str:
    return f"s3://{bucket_template(project, stack, DRIFT_URI_PURPOSES['reports'])}/{model}/"


def drift_uris(project: str, stack: str, model: ModelConfig, region: str) -> DriftUris:
    drift = model.drift
    reports = drift.reports or default_reports_template(project, stack, model.name)
    return DriftUris(
        reference=in_region(drift.reference, region),
        current=in_region(drift.current, region),
        reports=in_region(reports, region),
    )
