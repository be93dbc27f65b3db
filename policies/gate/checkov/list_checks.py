"""Print, as JSON, every check id checkov registers for the frameworks named on the command line.

Runs in checkov's tool environment (`checkov_python()`), never in the project's: checkov is not importable there.
Output: {framework: {check_id: {"name": str, "entities": [resource types or Dockerfile instructions]}}}.
A graph check's (CKV2_*) entities are the resource types its definition and its sub-checks select.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

# Resource-check registries by framework (module, attribute); each framework's graph checks come from
# get_graph_checks_registry(<framework>).
RESOURCE_REGISTRIES = {
    "kubernetes": ("checkov.kubernetes.checks.resource.registry", "registry"),
    "dockerfile": ("checkov.dockerfile.registry", "registry"),
    "github_actions": ("checkov.github_actions.checks.registry", "registry"),
    "terraform": ("checkov.terraform.checks.resource.registry", "resource_registry"),
}


def _resource_checks(module: str, attribute: str) -> dict[str, dict[str, Any]]:
    import importlib  # noqa: PLC0415

    registry = getattr(importlib.import_module(module), attribute)
    found: dict[str, dict[str, Any]] = {}
    # A check registered for several entities appears once per entity; wildcard checks ("*") sit apart.
    for checks in [*registry.checks.values(), *getattr(registry, "wildcard_checks", {}).values()]:
        for check in checks:
            entry = found.setdefault(check.id, {"name": " ".join(str(check.name).split()), "entities": []})
            # Kubernetes, Dockerfile and workflow checks name `supported_entities`; Terraform's `supported_resources`.
            named = (getattr(check, "supported_entities", ()) or ()), (getattr(check, "supported_resources", ()) or ())
            entities = set(entry["entities"]).union(*named)
            entry["entities"] = sorted(entities)
    return found


def _graph_checks(framework: str) -> dict[str, dict[str, Any]]:
    from checkov.common.checks_infra.registry import get_graph_checks_registry  # noqa: PLC0415

    registry = get_graph_checks_registry(framework)
    registry.load_checks()
    return {
        check.id: {"name": " ".join(str(check.name).split()), "entities": sorted(_graph_resource_types(check))}
        for check in registry.checks
    }


def _graph_resource_types(check: Any) -> set[str]:
    # "all" is checkov's wildcard for "every resource type"; it is kept as written.
    found = {str(t) for t in getattr(check, "resource_types", ()) or ()}
    for sub_check in getattr(check, "sub_checks", ()) or ():
        found |= _graph_resource_types(sub_check)
    return found


def main(frameworks: list[str]) -> int:
    # checkov logs its registry loading at import; the JSON on stdout is the only output wanted.
    logging.disable(logging.CRITICAL)
    unknown = sorted(set(frameworks) - RESOURCE_REGISTRIES.keys())
    if unknown:
        print(f"unknown framework(s) {unknown}; known: {sorted(RESOURCE_REGISTRIES)}", file=sys.stderr)
        return 2
    result = {
        framework: {**_resource_checks(*RESOURCE_REGISTRIES[framework]), **_graph_checks(framework)}
        for framework in frameworks
    }
    json.dump(result, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
