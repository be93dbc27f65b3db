"""Run by the checkov tool environment's interpreter (not the project's): prints, as JSON, every Terraform resource
type that checkov's resource and graph checks name, with the check ids registered for each.

It imports only checkov (never import it from the project): it runs in `.tools/checkov/`, without our packages.
"""

import json
import sys

from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.terraform.checks.resource.registry import resource_registry


def main() -> None:
    checks: dict[str, set[str]] = {}
    for resource_type, registered in resource_registry.checks.items():
        checks.setdefault(resource_type, set()).update(check.id for check in registered)
    graph = get_graph_checks_registry("terraform")
    graph.load_checks()
    for check in graph.checks:
        for resource_type in check.resource_types or []:
            checks.setdefault(resource_type, set()).add(check.id)
    json.dump({name: sorted(ids) for name, ids in sorted(checks.items())}, sys.stdout)


if __name__ == "__main__":
    main()
