"""Config rules of the in-cluster object storage: drift URIs name this stack's purpose buckets per region,
bucket names fit S3's limit, and inference logs always expire. Each problem carries the key path.

The stack's project and name are known to the program and to a stack file of this repository
(`stacks/Pulumi.<stack>.yaml` next to `Pulumi.yaml`); elsewhere (a config parsed on its own) the rules
that need them check what they can without: the URI templates against any stack's bucket of the purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from infra.components.storage.contract import bucket_name, log_purpose, max_bucket_name_length, purposes
from infra.components.storage.uris import (
    DRIFT_URI_PURPOSES,
    REGION_PLACEHOLDER,
    any_stack_bucket_template,
    bucket_template,
    split_uri,
)
from infra.config.errors import ConfigProblem, key_path
from infra.config.model import PlatformConfig


@dataclass(frozen=True)
class StackIdentity:
    """The Pulumi project and stack a config belongs to (they name the buckets)."""

    project: str
    stack: str


def check_storage(config: PlatformConfig, identity: StackIdentity | None = None) -> Iterator[ConfigProblem]:
    yield from _drift_uris(config, identity)
    if identity is not None:
        yield from _bucket_name_lengths(config, identity)
    yield from _log_expiry(config)


def _drift_uris(config: PlatformConfig, identity: StackIdentity | None) -> Iterator[ConfigProblem]:
    for i, model in enumerate(config.models):
        for field, purpose in DRIFT_URI_PURPOSES.items():
            uri: str | None = getattr(model.drift, field)
            if uri is None:
                continue  # reports: the program defaults to the drift-reports bucket
            path = ("models", i, "drift", field)
            bucket, prefix = split_uri(uri)
            if not prefix.startswith(f"{model.name}/"):
                # The grants, the per-model log retention and the docs' key convention all key on <model>/.
                yield _problem(path, uri, f"keys must start with the model's prefix {model.name}/")
            if REGION_PLACEHOLDER not in bucket:
                yield _problem(
                    path,
                    uri,
                    f"the bucket must name the region as {REGION_PLACEHOLDER} (each region's drift job reads "
                    "its own cluster's object store), e.g. "
                    f"s3://{_expected(identity, purpose)}/{model.name}/",
                )
            elif identity is not None and bucket != bucket_template(identity.project, identity.stack, purpose):
                yield _problem(
                    path,
                    uri,
                    f"{field} must be in this stack's {purpose} bucket {_expected(identity, purpose)}",
                )
            elif identity is None and not any_stack_bucket_template(purpose).fullmatch(bucket):
                yield _problem(path, uri, f"{field} must be in the stack's {purpose} bucket {_expected(None, purpose)}")


def _expected(identity: StackIdentity | None, purpose: str) -> str:
    if identity is None:
        return bucket_template("<project>", "<stack>", purpose)
    return bucket_template(identity.project, identity.stack, purpose)


def _bucket_name_lengths(config: PlatformConfig, identity: StackIdentity) -> Iterator[ConfigProblem]:
    limit = max_bucket_name_length()
    for i, region in enumerate(config.regions):
        longest = max((bucket_name(identity.project, identity.stack, region.name, p) for p in purposes()), key=len)
        if len(longest) > limit:
            yield _problem(
                ("regions", i, "name"),
                region.name,
                f"bucket {longest} is {len(longest)} characters; S3 allows {limit} "
                f"(<project>-<stack>-<region>-<purpose>: shorten the stack name)",
            )


def _log_expiry(config: PlatformConfig) -> Iterator[ConfigProblem]:
    logs = log_purpose()
    override = config.storage.buckets.get(logs)  # type: ignore[call-overload]
    if override is not None and override.expire_after_days == 0:
        yield _problem(
            ("storage", "buckets", logs, "expireAfterDays"),
            0,
            "inference logs hold personal data and must expire (GDPR storage limitation): set days > 0; "
            "each model's logRetentionDays applies under its own prefix",
        )


def _problem(path: tuple[str | int, ...], value: object, message: str) -> ConfigProblem:
    return ConfigProblem(path=key_path(path), value=value, message=message)
