"""The scheduling-consistency checker (infra/placement): every workload of every stack can land where it must,
the Kubernetes matching semantics it relies on, and mutations of the config or the plan that break placement
fail with a message naming the workload, the pool and the unmatched taint or label."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from infra.components.nodes.spec import accelerators
from infra.config import PlatformConfig, load_stack_file
from infra.config.model import Taint as ConfigTaint
from infra.offline.plan import plan_document, run_with_config
from infra.placement.__main__ import main
from infra.placement.check import Report, check
from infra.placement.matcher import affinity_failure, mismatches, selector_failures, tolerates
from infra.placement.model import Placement, PlacementInputError, Pool, Taint
from infra.placement.plan import Plan
from infra.placement.pools import pools_of
from infra.placement.workloads import accelerator_resources, addon_workloads, helm_merge, release_workloads
from tests.infra.plan_view import PlanView

ROOT = Path(__file__).resolve().parents[2]
NVIDIA = accelerators()["nvidia"]
GPU_RESOURCE = NVIDIA.resource
(GPU_TAINT,) = NVIDIA.taints
(GPU_LABEL,) = NVIDIA.labels.items()
JOB = "kubernetes:batch/v1:Job"
RELEASE = "kubernetes:helm.sh/v3:Release"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"


# --- the project's own stacks ------------------------------------------------------------------------------


def test_every_stack_places_every_workload(plan: PlanView) -> None:
    report = check(Plan(plan.document))
    assert report.consistent, "\n".join(str(p) for p in report.problems)
    assert report.unchecked == [], "a release or add-on the chart table does not describe"


def test_the_gpu_daemonsets_and_node_agents_are_checked_in_every_cluster(plans: dict[str, PlanView]) -> None:
    """Not vacuous: in every cluster the checker saw the GPU pools, the DCGM exporter and the node agents."""
    for stack, view in plans.items():
        parsed = Plan(view.document)
        pools = pools_of(parsed)
        releases, _ = release_workloads(parsed)
        addons, _ = addon_workloads(parsed)
        for cluster, cluster_pools in pools.items():
            assert any(p.accelerator == "nvidia" for p in cluster_pools), (stack, cluster)
            names = {w.name for w in [*releases, *addons] if w.cluster == cluster}
            assert {"dcgm-exporter", "node-exporter", "aws-node", "kube-proxy", "ebs-csi-node"} <= names, (
                stack,
                cluster,
                names,
            )


def test_the_accelerator_resource_is_the_scheduling_contracts() -> None:
    assert accelerator_resources() == {GPU_RESOURCE: "nvidia"}


# --- matcher semantics on tiny inputs -----------------------------------------------------------------------


def _pool(labels: dict[str, str] | None = None, *taints: Taint) -> Pool:
    return Pool("c", "p", "urn", labels or {}, tuple(taints), "none")


NO_SCHEDULE = Taint("k", "v", "NoSchedule")


@pytest.mark.parametrize(
    ("toleration", "taint", "expected"),
    [
        ({"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"}, NO_SCHEDULE, True),
        ({"key": "k", "value": "v"}, NO_SCHEDULE, True),  # operator defaults to Equal, empty effect: all
        ({"key": "k", "operator": "Equal", "value": "other"}, NO_SCHEDULE, False),
        ({"key": "other", "operator": "Exists"}, NO_SCHEDULE, False),
        ({"key": "k", "operator": "Exists"}, NO_SCHEDULE, True),
        ({"operator": "Exists"}, NO_SCHEDULE, True),  # empty key + Exists: every taint
        ({"operator": "Exists", "effect": "NoExecute"}, NO_SCHEDULE, False),
        ({"operator": "Equal", "value": "v"}, NO_SCHEDULE, False),  # empty key with Equal tolerates nothing
        ({"key": "k", "operator": "Exists", "effect": "NoSchedule"}, Taint("k", "v", "NoExecute"), False),
        ({"key": "k", "operator": "Exists", "effect": "NoExecute"}, Taint("k", "v", "NoExecute"), True),
    ],
)
def test_toleration_semantics(toleration: dict[str, str], taint: Taint, expected: bool) -> None:
    assert tolerates(toleration, taint) is expected


def test_only_noschedule_and_noexecute_taints_must_be_tolerated() -> None:
    pool = _pool({}, Taint("soft", "x", "PreferNoSchedule"), Taint("hard", "x", "NoExecute"))
    assert mismatches(Placement(), pool) == ["taint hard=x:NoExecute not tolerated"]


def test_node_selector_must_be_a_subset_of_the_pool_labels() -> None:
    labels = {"a": "1", "b": "2"}
    assert selector_failures({"a": "1"}, labels) == []
    assert selector_failures({"a": "2"}, labels) == ["nodeSelector a=2: pool has a=1"]
    assert selector_failures({"c": "1"}, labels) == ["nodeSelector c=1: pool has no label c"]


def _required(*terms: list[dict[str, Any]]) -> dict[str, Any]:
    node_terms = [{"matchExpressions": expressions} for expressions in terms]
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": node_terms}}}


@pytest.mark.parametrize(
    ("expression", "holds"),
    [
        ({"key": "zone", "operator": "In", "values": ["a", "b"]}, True),
        ({"key": "zone", "operator": "In", "values": ["c"]}, False),
        ({"key": "absent", "operator": "In", "values": ["a"]}, False),
        ({"key": "zone", "operator": "NotIn", "values": ["a"]}, False),
        ({"key": "zone", "operator": "NotIn", "values": ["c"]}, True),
        ({"key": "absent", "operator": "NotIn", "values": ["a"]}, True),  # an absent label is not in any set
        ({"key": "zone", "operator": "Exists"}, True),
        ({"key": "absent", "operator": "Exists"}, False),
        ({"key": "zone", "operator": "DoesNotExist"}, False),
        ({"key": "absent", "operator": "DoesNotExist"}, True),
        ({"key": "gpus", "operator": "Gt", "values": ["3"]}, True),
        ({"key": "gpus", "operator": "Gt", "values": ["4"]}, False),
        ({"key": "gpus", "operator": "Lt", "values": ["5"]}, True),
        ({"key": "absent", "operator": "Lt", "values": ["5"]}, False),
    ],
)
def test_affinity_operators(expression: dict[str, Any], holds: bool) -> None:
    labels = {"zone": "a", "gpus": "4"}
    assert (affinity_failure(_required([expression]), labels) is None) is holds


def test_affinity_terms_are_ored_and_expressions_anded() -> None:
    labels = {"a": "1", "b": "2"}
    in_a = {"key": "a", "operator": "In", "values": ["1"]}
    in_b_wrong = {"key": "b", "operator": "In", "values": ["9"]}
    assert affinity_failure(_required([in_a, in_b_wrong]), labels) == "required node affinity unmatched: b In ['9']"
    assert affinity_failure(_required([in_b_wrong], [in_a]), labels) is None
    assert affinity_failure(_required(), labels) == "required node affinity has no terms (matches no node)"
    assert affinity_failure({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}}, labels) is None


@pytest.mark.parametrize(
    "placement",
    [
        Placement(node_selector={"a": "[secret]"}),
        Placement(tolerations=({"key": "k", "operator": "Maybe"},)),
        Placement(affinity=_required([{"key": "a", "operator": "Near", "values": ["1"]}])),
        Placement(affinity=_required([{"key": "a", "operator": "Gt", "values": ["one"]}])),
        Placement(affinity={"nodeAffinity": "[secret]"}),
    ],
)
def test_unreadable_scheduling_fields_fail_closed(placement: Placement) -> None:
    with pytest.raises(PlacementInputError):
        mismatches(placement, _pool({"a": "1"}, NO_SCHEDULE))


def test_helm_merge_merges_maps_and_replaces_lists() -> None:
    defaults = {"nodeSelector": {"os": "linux"}, "tolerations": [{"operator": "Exists"}], "affinity": {"x": 1}}
    given = {"nodeSelector": {"pool": "gpu"}, "tolerations": [], "affinity": None}
    assert helm_merge(defaults, given) == {"nodeSelector": {"os": "linux", "pool": "gpu"}, "tolerations": []}


# --- mutations of the config and the plan ------------------------------------------------------------------


def _config(stack: str) -> tuple[PlatformConfig, dict[str, Any]]:
    return load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")


def _plan_with(stack: str, pool: str, taints: list[ConfigTaint]) -> dict[str, Any]:
    config, config_map = _config(stack)
    pools = dict(config.node_pools)
    pools[pool] = pools[pool].model_copy(update={"taints": taints})
    recorded, strings = run_with_config(stack, config.model_copy(update={"node_pools": pools}), config_map, ROOT)
    return plan_document(recorded, strings)


def _inject(document: dict[str, Any], type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A copy of the plan with one more Kubernetes resource on the first cluster's provider."""
    document = copy.deepcopy(document)
    template = next(s for s in document["steps"] if s["newState"]["type"].startswith("kubernetes:"))
    urn = f"urn:pulumi:{Plan(document).stack}::ai-platform::{type_}::{name}"
    state = {**copy.deepcopy(template["newState"]), "urn": urn, "type": type_, "inputs": inputs}
    document["steps"].append({"op": "create", "urn": urn, "provider": template["provider"], "newState": state})
    return document


def _gpu_job(tolerations: list[dict[str, str]]) -> dict[str, Any]:
    container = {"name": "train", "image": "x", "resources": {"limits": {GPU_RESOURCE: "1"}}}
    pod = {"containers": [container], "tolerations": tolerations, "restartPolicy": "Never"}
    return {"metadata": {"name": "train", "namespace": "ml"}, "spec": {"template": {"spec": pod}}}


GPU_TOLERATION = {"key": GPU_TAINT.key, "operator": "Equal", "value": GPU_TAINT.value, "effect": GPU_TAINT.effect}


def _messages(report: Report) -> list[str]:
    return [str(p) for p in report.problems]


def test_a_gpu_job_lands_on_a_gpu_pool_only_when_it_tolerates_the_taint(plans: dict[str, PlanView]) -> None:
    good = _inject(plans["dev"].document, JOB, "train", _gpu_job([GPU_TOLERATION]))
    assert check(Plan(good)).consistent
    bad = _inject(plans["dev"].document, JOB, "train", _gpu_job([]))
    (message,) = _messages(check(Plan(bad)))
    assert "Job ml/train requests nvidia.com/gpu: must fit at least one nvidia pool" in message
    assert f"pool 'gpu': taint {GPU_TAINT.key}={GPU_TAINT.value}:NoSchedule not tolerated" in message


def test_mutation_taint_value_changed_in_config_breaks_the_hand_written_gpu_job(plans: dict[str, PlanView]) -> None:
    """The DCGM exporter follows the config; a GPU job written against the old taint value does not."""
    document = _plan_with("dev", "gpu", [ConfigTaint(key=GPU_TAINT.key, value="dedicated", effect="NoSchedule")])
    report = check(Plan(_inject(document, JOB, "train", _gpu_job([GPU_TOLERATION]))))
    (message,) = _messages(report)
    assert message.startswith("dev/ai-platform-dev-")
    assert "Job ml/train requests nvidia.com/gpu" in message
    assert f"pool 'gpu': taint {GPU_TAINT.key}=dedicated:NoSchedule not tolerated" in message


def test_mutation_taint_key_added_in_config_breaks_the_device_plugin_chart_defaults(
    plans: dict[str, PlanView],
) -> None:
    """A device plugin release left on its chart's default tolerations (nvidia.com/gpu only) cannot follow a
    pool that gains a taint with another key; the DCGM exporter, placed from the config, still can."""
    plugin = {"chart": "nvidia-device-plugin", "name": "nvidia-device-plugin", "namespace": "node-agents", "values": {}}
    assert check(Plan(_inject(plans["dev"].document, RELEASE, "plugin", plugin))).consistent
    document = _plan_with("dev", "gpu", [ConfigTaint(key="example.com/dedicated", value="gpu", effect="NoSchedule")])
    (message,) = _messages(check(Plan(_inject(document, RELEASE, "plugin", plugin))))
    assert "release node-agents/nvidia-device-plugin (nvidia-device-plugin): DaemonSet" in message
    assert "must run on every nvidia pool" in message
    assert "pool 'gpu': taint example.com/dedicated=gpu:NoSchedule not tolerated" in message


def test_a_noexecute_taint_in_config_keeps_every_node_agent_on_the_gpu_pool() -> None:
    """node-exporter tolerates every taint (monitoring values) and the GPU agents follow the config."""
    document = _plan_with("dev", "gpu", [ConfigTaint(key=GPU_TAINT.key, value=GPU_TAINT.value, effect="NoExecute")])
    assert check(Plan(document)).consistent


def test_mutation_node_exporter_on_chart_default_tolerations_misses_a_noexecute_pool() -> None:
    document = _plan_with("dev", "gpu", [ConfigTaint(key=GPU_TAINT.key, value=GPU_TAINT.value, effect="NoExecute")])
    for step in document["steps"]:
        inputs = step["newState"]["inputs"]
        if step["newState"]["type"] == RELEASE and inputs["chart"] == "kube-prometheus-stack":
            del inputs["values"]["prometheus-node-exporter"]["tolerations"]  # back to the chart's default
    (message,) = _messages(check(Plan(document)))
    assert "DaemonSet node-agents/node-exporter must run on every pool" in message
    assert f"pool 'gpu': taint {GPU_TAINT.key}={GPU_TAINT.value}:NoExecute not tolerated" in message


def test_mutation_gpu_pool_without_the_gpu_label_loses_the_dcgm_exporter(plans: dict[str, PlanView]) -> None:
    document = copy.deepcopy(plans["prod"].document)
    for step in document["steps"]:
        state = step["newState"]
        if state["type"] == NODE_GROUP and state["inputs"]["labels"].get("ai-platform/pool") == "training":
            del state["inputs"]["labels"][GPU_LABEL[0]]
    messages = _messages(check(Plan(document)))
    dcgm = [m for m in messages if "release node-agents/dcgm-exporter (dcgm-exporter): DaemonSet" in m]
    assert len(dcgm) == 2  # one per prod region
    for message in messages:  # the device plugin, where the plan has one, fails the same way
        assert f"pool 'training': nodeSelector {GPU_LABEL[0]}={GPU_LABEL[1]}: pool has no label" in message


def test_an_addon_configuration_replaces_the_default_tolerations(plans: dict[str, PlanView]) -> None:
    document = copy.deepcopy(plans["dev"].document)
    for step in document["steps"]:
        inputs = step["newState"]["inputs"]
        if step["newState"]["type"] == "aws:eks/addon:Addon" and inputs["addonName"] == "eks-pod-identity-agent":
            inputs["configurationValues"] = json.dumps({"tolerations": [{"key": "CriticalAddonsOnly"}]})
    (message,) = _messages(check(Plan(document)))
    assert (
        "addon eks-pod-identity-agent: DaemonSet kube-system/eks-pod-identity-agent must run on every pool" in message
    )
    assert f"pool 'gpu': taint {GPU_TAINT.key}={GPU_TAINT.value}:NoSchedule not tolerated" in message


# --- the CLI -------------------------------------------------------------------------------------------------


def test_cli_exit_codes(plans: dict[str, PlanView], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad, broken, secret = (tmp_path / f"{n}.json" for n in ("good", "bad", "broken", "secret"))
    good.write_text(json.dumps(plans["dev"].document), encoding="utf-8")
    bad.write_text(json.dumps(_inject(plans["dev"].document, JOB, "train", _gpu_job([]))), encoding="utf-8")
    broken.write_text("{not json", encoding="utf-8")
    document = copy.deepcopy(plans["dev"].document)
    for step in document["steps"]:
        if step["newState"]["type"] == NODE_GROUP:
            step["newState"]["inputs"]["taints"] = "[secret]"
    secret.write_text(json.dumps(document), encoding="utf-8")
    report = tmp_path / "report.json"
    assert main([str(good), "--json", str(report)]) == 0
    assert json.loads(report.read_text(encoding="utf-8"))["consistent"] is True
    assert main([str(bad)]) == 1
    assert "Job ml/train" in capsys.readouterr().err
    assert main([str(broken)]) == 2
    assert main([str(secret)]) == 2
    assert "taints: expected a list" in capsys.readouterr().err


def _edit_inputs(document: dict[str, Any], type_: str, match: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for step in document["steps"]:
        inputs = step["newState"]["inputs"]
        if step["newState"]["type"] == type_ and all(inputs.get(k) == v for k, v in match.items()):
            inputs.update(update)
    return document


def test_a_gpu_job_in_a_cluster_without_gpu_pools_is_reported(plans: dict[str, PlanView]) -> None:
    document = copy.deepcopy(plans["dev"].document)
    document["steps"] = [
        s
        for s in document["steps"]
        if not (s["newState"]["type"] == NODE_GROUP and s["newState"]["inputs"]["labels"].get(GPU_LABEL[0]))
    ]
    (message,) = _messages(check(Plan(_inject(document, JOB, "train", _gpu_job([GPU_TOLERATION])))))
    assert "Job ml/train requests nvidia.com/gpu: must fit at least one nvidia pool: the cluster has no such pool" in (
        message
    )


def test_a_disabled_chart_workload_is_not_placed(plans: dict[str, PlanView]) -> None:
    release = {"chart": "kube-prometheus-stack"}
    values = copy.deepcopy(
        next(r for r in plans["dev"].of_type(RELEASE) if r.inputs["chart"] == "kube-prometheus-stack").inputs["values"]
    )
    values["nodeExporter"] = {"enabled": False}
    values["prometheus-node-exporter"] = {"tolerations": []}  # would fail on the GPU pool if it were rendered
    names = {
        w.name
        for w in release_workloads(Plan(_edit_inputs(plans["dev"].document, RELEASE, release, {"values": values})))[0]
    }
    assert "node-exporter" not in names and "prometheus" in names


def test_ebs_csi_node_tolerates_every_taint_only_while_tolerate_all_taints_is_on(plans: dict[str, PlanView]) -> None:
    addon = {"addonName": "aws-ebs-csi-driver"}
    off = json.dumps({"node": {"tolerateAllTaints": False}})
    (message,) = _messages(check(Plan(_edit_inputs(plans["dev"].document, ADDON, addon, {"configurationValues": off}))))
    assert "addon aws-ebs-csi-driver: DaemonSet kube-system/ebs-csi-node must run on every pool" in message
    assert f"taint {GPU_TAINT.key}={GPU_TAINT.value}:NoSchedule not tolerated" in message
