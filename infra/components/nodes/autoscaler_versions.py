"""Which Cluster Autoscaler release runs on which Kubernetes minor (autoscaler_versions.yaml).

Kept apart from autoscaler.py (no Pulumi imports) so that the config rules can report a missing entry
before any resource is declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import yaml

from infra.components.nodes.contract import ROOT

if TYPE_CHECKING:
    from infra.config.errors import ConfigProblem

VERSIONS_FILE: Final = Path(__file__).resolve().with_name("autoscaler_versions.yaml")


@dataclass(frozen=True)
class AutoscalerVersion:
    chart: str
    image: str


def _table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = yaml.safe_load(VERSIONS_FILE.read_text(encoding="utf-8"))
    return table


def version_problem(kubernetes_version: str) -> ConfigProblem | None:
    # Imported here: the config package's rules call this function, so a module-level import would be circular.
    from infra.config.errors import ConfigProblem, key_path  # noqa: PLC0415

    table = _table()
    if kubernetes_version in table:
        return None
    return ConfigProblem(
        path=key_path(("kubernetesVersion",)),
        value=kubernetes_version,
        message=f"no Cluster Autoscaler release for this Kubernetes version: add it to "
        f"{VERSIONS_FILE.relative_to(ROOT)} (known: {', '.join(sorted(table))})",
    )


def autoscaler_version(kubernetes_version: str) -> AutoscalerVersion:
    """The CA chart and image for a Kubernetes minor; a ConfigError naming the table when it has none."""
    from infra.config.errors import ConfigError  # noqa: PLC0415 (see version_problem)

    problem = version_problem(kubernetes_version)
    if problem is not None:
        raise ConfigError([problem])
    entry = _table()[kubernetes_version]
    return AutoscalerVersion(chart=str(entry["chart"]), image=str(entry["image"]))
