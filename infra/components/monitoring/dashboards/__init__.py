"""The platform's Grafana dashboards, provisioned as ConfigMaps that Grafana's dashboard sidecar loads.

The JSON files next to this module are rendered from spec.yaml by build.py and committed, so a review sees
exactly what Grafana shows; the component ships the committed files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pulumi
import pulumi_kubernetes as k8s

from infra.components.monitoring import names
from infra.context import StackContext

DASHBOARD_DIR: Final = Path(__file__).parent
# The sidecar puts a dashboard in the folder this annotation names once the Grafana values set
# sidecar.dashboards.folderAnnotation to it and sidecar.dashboards.provider.foldersFromFilesStructure to true
# (grafana chart values); without them the annotation is ignored and the dashboards land in General.
FOLDER_ANNOTATION: Final = "grafana_folder"
FOLDER: Final = "AI platform"
CONFIGMAP_PREFIX: Final = "ai-platform-dashboard-"
# The API server refuses a ConfigMap over 1 MiB.
CONFIGMAP_LIMIT_BYTES: Final = 1024 * 1024


def dashboard_files() -> dict[str, str]:
    """Dashboard name (file stem) -> committed JSON text."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(DASHBOARD_DIR.glob("*.json"))}


class Dashboards(pulumi.ComponentResource):
    config_maps: dict[str, k8s.core.v1.ConfigMap]

    def __init__(
        self,
        name: str,
        *,
        ctx: StackContext,
        depends_on: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ai-platform:monitoring:Dashboards", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(depends_on))
        self.config_maps = {}
        for dashboard, text in dashboard_files().items():
            self.config_maps[dashboard] = k8s.core.v1.ConfigMap(
                f"{name}-{dashboard}",
                metadata={
                    "name": f"{CONFIGMAP_PREFIX}{dashboard}",
                    "namespace": names.MONITORING_NAMESPACE,
                    "labels": {
                        names.DASHBOARD_LABEL: names.DASHBOARD_LABEL_VALUE,
                        "app.kubernetes.io/part-of": "ai-platform",
                        "ai-platform/stack": ctx.stack,
                    },
                    "annotations": {FOLDER_ANNOTATION: FOLDER},
                },
                data={f"{dashboard}.json": text},
                opts=child,
            )
        self.register_outputs({})
