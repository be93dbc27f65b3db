"""The `Cluster` of verify.py on a real API server, through the `kubernetes` client (in-cluster config).

Paths are built from the kind table of the contract (`<group/version>/<Kind>` -> plural), so the check
reads exactly the kinds its ClusterRole grants and nothing else.
"""

from __future__ import annotations

import gzip
import json
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from typing import Any

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from storage_jobs.restore_check import contract
from storage_jobs.restore_check.verify import DependencyError

GROUP, VERSION = "velero.io", "v1"

# How each compared kind is listed (the typed client's method per API); keys are contract.COMPARED_KINDS'.
LISTERS: dict[str, tuple[str, str]] = {
    "v1/ConfigMap": ("core", "list_namespaced_config_map"),
    "v1/PersistentVolumeClaim": ("core", "list_namespaced_persistent_volume_claim"),
    "v1/ServiceAccount": ("core", "list_namespaced_service_account"),
    "apps/v1/Deployment": ("apps", "list_namespaced_deployment"),
    "rbac.authorization.k8s.io/v1/Role": ("rbac", "list_namespaced_role"),
    "rbac.authorization.k8s.io/v1/RoleBinding": ("rbac", "list_namespaced_role_binding"),
}


class KubeCluster:
    def __init__(self, velero_namespace: str, *, download_timeout: float = 120.0) -> None:
        config.load_incluster_config()  # type: ignore[no-untyped-call]
        api = client.ApiClient()
        self.api = api
        self.core = client.CoreV1Api(api)
        self.custom = client.CustomObjectsApi(api)
        self.apis: dict[str, Any] = {
            "core": self.core,
            "apps": client.AppsV1Api(api),
            "rbac": client.RbacAuthorizationV1Api(api),
        }
        self.velero_namespace = velero_namespace
        self.download_timeout = download_timeout

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        """The call's result, None on 404; any other API error is a dependency failure."""
        try:
            return call()
        except ApiException as error:
            if error.status == 404:
                return None
            raise DependencyError(f"{what}: {error.status} {error.reason}") from error

    def _velero(self, verb: str, plural: str, **kwargs: Any) -> Any:
        method = getattr(self.custom, f"{verb}_namespaced_custom_object")
        return self._call(f"{verb} {plural}", lambda: method(GROUP, VERSION, self.velero_namespace, plural, **kwargs))

    def list_backups(self, schedule: str) -> list[dict[str, Any]]:
        found = self._velero("list", "backups", label_selector=f"{contract.SCHEDULE_LABEL}={schedule}")
        return list((found or {}).get("items", []))

    def backup_resource_list(self, backup: str) -> dict[str, list[str]]:
        name = f"{backup}-resource-list-{int(time.time())}"
        self._velero(
            "create",
            "downloadrequests",
            body={
                "apiVersion": "velero.io/v1",
                "kind": "DownloadRequest",
                "metadata": {"name": name, "namespace": self.velero_namespace},
                "spec": {"target": {"kind": "BackupResourceList", "name": backup}},
            },
        )
        deadline = time.monotonic() + self.download_timeout
        try:
            while True:
                status = (self._velero("get", "downloadrequests", name=name) or {}).get("status", {})
                if status.get("phase") == "Processed" and status.get("downloadURL"):
                    url = str(status["downloadURL"])
                    break
                if time.monotonic() > deadline:
                    raise DependencyError(f"Velero did not process download request {name}")
                time.sleep(2)
            # A presigned URL of the vault bucket (S3 through the VPC endpoint), valid for minutes.
            with urllib.request.urlopen(url, timeout=60) as response:
                listed: dict[str, list[str]] = json.loads(gzip.decompress(response.read()))
            return listed
        except OSError as error:
            raise DependencyError(f"cannot read the resource list of backup {backup}: {error}") from error
        finally:
            self._velero("delete", "downloadrequests", name=name)

    def create_restore(self, body: dict[str, Any]) -> None:
        self._velero("create", "restores", body=body)

    def get_restore(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self._velero("get", "restores", name=name) or {}
        return found

    def namespace_exists(self, namespace: str) -> bool:
        return self._call("read namespace", lambda: self.core.read_namespace(namespace)) is not None

    def delete_namespace(self, namespace: str) -> None:
        self._call("delete namespace", lambda: self.core.delete_namespace(namespace))

    def list_names(self, kind: str, namespace: str) -> list[str]:
        api, method = LISTERS[kind]
        found = self._call(f"list {kind}", lambda: getattr(self.apis[api], method)(namespace))
        return [] if found is None else [str(item.metadata.name) for item in found.items]

    def get_configmap(self, namespace: str, name: str) -> dict[str, Any] | None:
        found = self._call("read configmap", lambda: self.core.read_namespaced_config_map(name, namespace))
        if found is None:
            return None
        serialized: dict[str, Any] = self.api.sanitize_for_serialization(found)  # type: ignore[no-untyped-call]
        return serialized

    def canary_reports(self, namespace: str) -> list[str]:
        selector = ",".join(f"{k}={v}" for k, v in contract.CANARY_APP_LABELS.items())
        pods = self._call("list pods", lambda: self.core.list_namespaced_pod(namespace, label_selector=selector))
        reports: list[str] = []
        for pod in [] if pods is None else pods.items:
            if pod.status.phase != "Running":
                continue
            read = partial(self.core.read_namespaced_pod_log, pod.metadata.name, namespace, container="canary")
            log = self._call("read the canary log", read)
            reports += [line for line in str(log or "").splitlines() if line.startswith("{") and '"state"' in line]
        return reports
