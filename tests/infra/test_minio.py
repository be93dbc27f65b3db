"""MinIO, the legacy backend: dev (storage.backend minio) plans the operator and a Tenant with cert-manager TLS,
the contract's buckets with object lock where the contract locks, and each object-store user's Secret; the
ceph stacks plan no Tenant; a prod stack switched to minio still plans and its gate warns with the notice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from storage_jobs.buckets.store import ACCESS_KEY_FILE_ENV

from infra.components.access.namespaces import container_limit_range
from infra.components.monitoring import names
from infra.components.storage import contract
from infra.components.storage.minio import tenant
from infra.components.storage.minio.component import credential_data
from infra.components.storage.users import credentials_secret, object_store_users
from infra.config import load_stack_file
from infra.offline.plan import plan_document, run_with_config
from policies.gate.pipeline import GateOptions, run_gate
from tests.infra.object_store_pod import mounted_keys
from tests.infra.plan_view import PlanView, Resource

ROOT = Path(__file__).resolve().parents[2]
TENANT = "kubernetes:minio.min.io/v2:Tenant"
CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate"
SECRET = "kubernetes:core/v1:Secret"
RELEASE = "kubernetes:helm.sh/v3:Release"


def _only(resources: list[Resource]) -> Resource:
    assert len(resources) == 1, [r.urn for r in resources]
    return resources[0]


@pytest.fixture
def dev(plans: dict[str, PlanView]) -> PlanView:
    return plans["dev"]


def test_dev_runs_the_pinned_operator_in_its_namespace(dev: PlanView) -> None:
    release = _only([r for r in dev.of_type(RELEASE) if r.inputs["name"] == tenant.OPERATOR_RELEASE])
    pin = tenant.operator_pin()
    assert (release.inputs["chart"], release.inputs["version"]) == (pin.chart, pin.version)
    assert release.inputs["repositoryOpts"]["repo"] == pin.repository
    assert release.inputs["namespace"] == contract.namespace("minioOperator")
    # STS would need an operator-signed CSR certificate; it is off.
    assert {"name": "OPERATOR_STS_ENABLED", "value": "off"} in release.inputs["values"]["operator"]["env"]


def test_dev_tenant_serves_tls_from_a_cert_manager_certificate_not_autocert(dev: PlanView) -> None:
    spec = _only(dev.of_type(TENANT)).inputs["spec"]
    assert spec["requestAutoCert"] is False
    (external,) = spec["externalCertSecret"]
    certificate = _only(
        [c for c in dev.of_type(CERTIFICATE) if c.inputs["metadata"]["namespace"] == contract.namespace("minioTenant")]
    )
    assert external["name"] == certificate.inputs["spec"]["secretName"]
    assert certificate.inputs["spec"]["issuerRef"]["kind"] == "ClusterIssuer"
    assert certificate.inputs["spec"]["issuerRef"]["name"] == contract.cluster_issuer()
    endpoint_host = contract.endpoint_url("minio").split("://")[1].rsplit(":", 1)[0]
    assert endpoint_host in certificate.inputs["spec"]["dnsNames"]


def test_the_operator_trusts_the_platform_ca(dev: PlanView) -> None:
    trust = _only(
        [
            c
            for c in dev.of_type(CERTIFICATE)
            if c.inputs["metadata"]["namespace"] == contract.namespace("minioOperator")
        ]
    )
    assert trust.inputs["spec"]["secretName"].startswith(tenant.OPERATOR_CA_PREFIX)
    assert trust.inputs["spec"]["issuerRef"]["name"] == contract.cluster_issuer()


def test_dev_tenant_has_the_contracts_buckets_with_object_lock_on_locked_purposes(dev: PlanView) -> None:
    (region,) = [r["name"] for r in dev.config("regions")]
    buckets = {b["name"]: b["objectLock"] for b in _only(dev.of_type(TENANT)).inputs["spec"]["buckets"]}
    expected = {
        contract.bucket_name("ai-platform", "dev", region, p): p in contract.locked_purposes()
        for p in contract.purposes()
    }
    assert buckets == expected
    assert any(expected.values())


def test_one_secret_per_user_for_the_operator_and_one_in_the_users_namespace(dev: PlanView) -> None:
    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    users = object_store_users(config)
    secrets = {(s.inputs["metadata"]["namespace"], s.inputs["metadata"]["name"]): s for s in dev.of_type(SECRET)}
    spec = _only(dev.of_type(TENANT)).inputs["spec"]
    referenced = [u["name"] for u in spec["users"]]
    assert referenced == [credentials_secret("minio", u.name).name for u in users]
    for user in users:
        ref = credentials_secret("minio", user.name)
        for namespace in (contract.namespace("minioTenant"), user.namespace):
            assert (namespace, ref.name) in secrets  # its data is secret in the plan: credential_data below


def test_credentials_carry_the_keys_the_operator_reads() -> None:
    data = credential_data("drift-churn", "s3cr3t")
    assert data == {"CONSOLE_ACCESS_KEY": "drift-churn", "CONSOLE_SECRET_KEY": "s3cr3t"}
    ref = credentials_secret("minio", "drift-churn")
    assert set(data) == {ref.access_key_key, ref.secret_key_key}


def test_the_reconciler_leaves_only_itself_with_console_admin_and_grants_name_tenant_users() -> None:
    """The reconciler skips the user whose access key it runs with (storage_jobs minio_users): on MinIO that
    key is bucket-admin's name, and every user the dev contract grants is a user of the Tenant."""
    from storage_jobs.buckets.desired import granted_users  # noqa: PLC0415

    from infra.components.storage.bucket_reconciler import reconciler_pod  # noqa: PLC0415
    from infra.components.storage.buckets import bucket_contract  # noqa: PLC0415
    from infra.components.storage.users import BUCKET_ADMIN  # noqa: PLC0415
    from infra.context import StackContext  # noqa: PLC0415

    config, _ = load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    ctx = StackContext("ai-platform", "dev", config)
    region = config.regions[0].name
    pod = reconciler_pod(ctx, region)
    (container,) = pod["containers"]
    ref = credentials_secret("minio", BUCKET_ADMIN)
    assert mounted_keys(pod, container)[ACCESS_KEY_FILE_ENV] == (ref.name, ref.access_key_key)
    assert credential_data(BUCKET_ADMIN, "s")[ref.access_key_key] == BUCKET_ADMIN
    granted = set(granted_users(bucket_contract(ctx, region).buckets))
    assert BUCKET_ADMIN in granted and granted <= {u.name for u in object_store_users(config)}


def test_tenant_pods_run_as_non_root_spread_over_zones(dev: PlanView) -> None:
    (pool,) = _only(dev.of_type(TENANT)).inputs["spec"]["pools"]
    assert pool["securityContext"]["runAsNonRoot"] is True
    container = pool["containerSecurityContext"]
    assert container["runAsNonRoot"] is True and container["allowPrivilegeEscalation"] is False
    assert container["capabilities"] == {"drop": ["ALL"]}
    assert pool["topologySpreadConstraints"][0]["topologyKey"] == tenant.ZONE_KEY
    assert "storageClassName" not in pool["volumeClaimTemplate"]["spec"]  # the cluster's default (gp3)


def test_prometheus_scrapes_the_tenant_with_the_platform_selector_label(dev: PlanView) -> None:
    monitor = _only(
        [m for m in dev.k8s_objects("ServiceMonitor") if m.inputs["metadata"]["namespace"] == "object-store"]
    )
    labels: dict[str, Any] = monitor.inputs["metadata"]["labels"]
    assert names.SELECTOR_LABELS.items() <= labels.items()
    service_labels = _only(dev.of_type(TENANT)).inputs["spec"]["serviceMetadata"]["minioServiceLabels"]
    assert monitor.inputs["spec"]["selector"]["matchLabels"] == service_labels
    assert monitor.inputs["spec"]["endpoints"][0]["scheme"] == "https"


def test_dev_has_no_rook_objects_and_the_ceph_stacks_no_tenant(plans: dict[str, PlanView]) -> None:
    assert not [r for r in plans["dev"].resources if ":ceph.rook.io/" in r.type]
    assert plans["dev"].config("storage")["backend"] == "minio"
    for stack in ("staging", "prod"):
        assert not plans[stack].of_type(TENANT)
        assert not [r for r in plans[stack].of_type(RELEASE) if r.inputs["name"] == tenant.OPERATOR_RELEASE]


def test_prod_switched_to_minio_plans_and_the_gate_warns_with_the_upstream_notice(tmp_path: Path) -> None:
    config, config_map = load_stack_file(ROOT / "stacks" / "Pulumi.prod.yaml")
    storage = dict(config_map.get("ai-platform:storage", {})) | {"backend": "minio"}
    config_map = {**config_map, "ai-platform:storage": storage}
    config = config.model_copy(update={"storage": config.storage.model_copy(update={"backend": "minio"})})
    recorded, strings = run_with_config("prod", config, config_map, ROOT)
    plan = plan_document(recorded, strings)
    tenants = PlanView(plan).of_type(TENANT)
    assert len(tenants) == len(config.regions)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    result = run_gate(
        GateOptions(out=tmp_path / "gate", plan=plan_file, engine="regorus", repo_root=ROOT, checkov=False)
    )
    warnings = [f for f in result.findings if f.policy_id == "storage.stack_warn_minio_in_prod"]
    assert len(warnings) == len(tenants)
    notice = contract.backend_notice("minio")
    assert notice is not None
    assert all(notice in w.message and w.effect == "warn" for w in warnings)
    # A warning, not a block: the rest of the MinIO component passes prod's gate.
    blocking = [
        (f.policy_id, f.message)
        for f in result.findings
        if f.status == "fail" and f.effect == "deny" and "minio" in f.message.lower()
    ]
    assert blocking == []
    assert result.exit_code == 0


def test_the_sidecars_limits_are_the_namespace_defaults_the_quota_counts() -> None:
    defaults = container_limit_range()["default"]
    assert tenant._tenant_values()["sidecarLimits"] == defaults


def test_the_tenant_namespace_quota_holds_every_server_and_one_more(dev: PlanView) -> None:
    quota = _only(
        [
            q
            for q in dev.k8s_objects("ResourceQuota")
            if q.inputs["metadata"]["namespace"] == contract.namespace("minioTenant")
            and q.inputs["metadata"]["name"] != "platform-priority-classes"
        ]
    )
    servers = dev.config("storage").get("minio", {}).get("servers", 4)
    per_pod = tenant.per_pod_limits()
    hard = quota.inputs["spec"]["hard"]
    assert hard["limits.cpu"] == f"{per_pod.cpu_millis * (servers + 1)}m"
    assert hard["limits.memory"] == f"{per_pod.memory_mib * (servers + 1)}Mi"
