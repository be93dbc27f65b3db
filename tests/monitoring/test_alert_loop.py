"""The whole alerting loop on the real binaries, from the dev stack's own config.

drift-job (the real CLI, on shifted data) → Pushgateway → Prometheus (the generated model and GPU rule groups)
→ Alertmanager (the generated routes, receivers pointed at a local webhook) → the on-call receiver; then
unshifted data resolves it. A DCGM-shaped XID series pushed for a GPU reaches the receivers its route picks.
The expected receivers come from amtool's route matcher on the alert's labels, so the test holds whatever
receiver names the generator chooses, and fails when the route picks a receiver that notifies nobody.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from drift_jobs import contract
from infra.components.models.model_cards import drift_job_config
from infra.components.monitoring import names
from infra.components.monitoring.alertmanager import alertmanager_config
from infra.components.monitoring.alerts import rule_groups
from infra.config.loader import load_stack_file
from infra.config.model import ModelConfig, PlatformConfig
from infra.context import PLATFORM_TEAM, StackContext
from infra.offline.plan import PROJECT
from tests.monitoring.harness import AlertingPipeline, Notification, alerting_pipeline, receivers_with_integrations

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STACK = "dev"
STACK_FILE = ROOT / "stacks" / f"Pulumi.{STACK}.yaml"
GPU_GROUP = "ai-platform.gpu"
SHIFTED_FEATURES = ("f0", "f1", "f2", "f3", "f4")
N_FEATURES = 20
FIRE_TIMEOUT_S = 30.0
DRIFT_JOB_TIMEOUT_S = 120.0


PSI_METRIC = "model_drift_psi"
XID_METRIC = "DCGM_FI_DEV_XID_ERRORS"
assert PSI_METRIC in contract.METRICS
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_UNIT_S = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def duration_s(text: str) -> float:
    """A Prometheus duration (`1m30s`) in seconds."""
    return sum(int(n) * _UNIT_S[unit] for n, unit in _DURATION.findall(text))


def model_group(model: str) -> str:
    return f"ai-platform.model.{model}"


# --- the stack --------------------------------------------------------------------------------------------


class DevStack:
    """The dev stack's config, its first model and primary region, and the generated rules and routes."""

    def __init__(self) -> None:
        self.config: PlatformConfig = load_stack_file(STACK_FILE)[0]
        assert self.config.models, f"{STACK_FILE.name} declares no model: the loop has nothing to watch"
        self.model: ModelConfig = self.config.models[0]
        self.region = self.config.primary_region.name
        self.ctx = StackContext(project=PROJECT, stack=STACK, config=self.config)
        self.cluster = self.ctx.cluster_name(self.region)
        groups = {g["name"]: g for g in rule_groups(self.config, stack=STACK, region=self.region)}
        wanted = (model_group(self.model.name), GPU_GROUP)
        missing = [name for name in wanted if name not in groups]
        assert not missing, f"rule_groups() has no group {missing}; it has {sorted(groups)}"
        self.groups = [groups[name] for name in wanted]
        self.alertmanager = alertmanager_config(self.config, stack=STACK)

    @property
    def external_labels(self) -> dict[str, str]:
        # What the stack's Prometheus stamps on every series and alert (item 1 of the issue).
        return {"stack": STACK, "region": self.region, "cluster": self.cluster}

    def fire_timeout(self, metric: str) -> float:
        """The wait for an alert on `metric`: the pipeline's own latency plus the longest `for` of its rules."""
        holds = [duration_s(str(r.get("for", "0s"))) for g in self.groups for r in g["rules"] if metric in r["expr"]]
        assert holds, f"no generated rule reads {metric}"
        return FIRE_TIMEOUT_S + max(holds)

    def alertnames(self, group: str) -> set[str]:
        return {r["alert"] for g in self.groups if g["name"] == group for r in g["rules"] if "alert" in r}


@pytest.fixture
def dev() -> DevStack:
    return DevStack()


@pytest.fixture
def pipeline(dev: DevStack, tmp_path: Path) -> Iterator[AlertingPipeline]:
    with alerting_pipeline(
        tmp_path / "pipeline",
        rule_groups=dev.groups,
        alertmanager_config=dev.alertmanager,
        external_labels=dev.external_labels,
    ) as running:
        yield running


# --- the drift job ----------------------------------------------------------------------------------------


def drift_table(n: int, seed: int, *, shifted: bool, model: ModelConfig) -> pa.Table:
    """Twenty standard-normal features (f0..f4 moved five ways when shifted) and the model's own columns."""
    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {}
    for j in range(N_FEATURES):
        x = rng.standard_normal(n)
        if shifted and j < len(SHIFTED_FEATURES):
            x = [
                x + 0.5,
                x * 1.8,
                rng.exponential(1.0, n) - 1.0,
                x - 0.6,
                np.where(rng.random(n) < 0.4, x + 2.5, x),
            ][j]
        columns[f"f{j}"] = x
    # Prediction and label drawn alike in every window: performance does not move, only the features do.
    probability = rng.random(n)
    if model.drift.prediction_column:
        columns[model.drift.prediction_column] = probability
    if model.drift.label_column:
        columns[model.drift.label_column] = (probability + rng.normal(0, 0.1, n) > 0.5).astype(np.int64)
    return pa.table(columns)


class DriftJob:
    """Runs the real `drift-job run` CLI with the config the program mounts for the model, on local data."""

    def __init__(self, dev: DevStack, root: Path, pushgateway: str) -> None:
        self.root = root
        self.pushgateway = pushgateway
        root.mkdir(parents=True, exist_ok=True)
        model = dev.model
        self.reference = root / "reference.parquet"
        pq.write_table(drift_table(20_000, 1, shifted=False, model=model), self.reference)
        self.config = root / "config.json"
        self.config.write_text(json.dumps(drift_job_config(dev.ctx, model, dev.region)))
        self.binary = Path(sys.executable).with_name("drift-job")
        assert self.binary.exists(), f"{self.binary}: the workspace installs drift-job (uv sync --all-packages)"
        self.runs = 0

    def run(self, *, shifted: bool, model: ModelConfig) -> None:
        self.runs += 1
        current = self.root / f"current-{self.runs}.parquet"
        pq.write_table(drift_table(10_000, 100 + self.runs, shifted=shifted, model=model), current)
        log = self.root / f"drift-job-{self.runs}.log"
        # The S3 locations of the mounted config become local ones; model labels and thresholds stay its own.
        argv = [
            str(self.binary),
            "run",
            f"--config={self.config}",
            f"--reference={self.reference}",
            f"--current={current}",
            f"--out={self.root / f'out-{self.runs}'}",
            f"--reports={self.root / 'reports'}",
            f"--history={self.root / 'history'}",
            f"--profile={self.root / 'profile.json'}",
            f"--pushgateway={self.pushgateway}",
            "--log-format=text",
        ]
        result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=DRIFT_JOB_TIMEOUT_S)
        log.write_text(f"$ {' '.join(argv)}\n{result.stdout}\n{result.stderr}")
        assert result.returncode == 0, f"drift-job exited {result.returncode}:\n{result.stderr[-4000:]}"


# --- assertions on notifications ---------------------------------------------------------------------------


def delivered(pipeline: AlertingPipeline, receiver: str, status: str, match: Mapping[str, str]) -> list[Any]:
    """Alerts with `status` and the labels in `match` that reached `receiver`'s webhook so far."""
    return [
        alert
        for n in pipeline.webhook.notifications
        if n.receiver == receiver
        for alert in n.alerts
        if alert.get("status") == status and all(alert["labels"].get(k) == v for k, v in match.items())
    ]


def last_status_by_alert(notifications: list[Notification]) -> dict[tuple[str, str], str]:
    last: dict[tuple[str, str], str] = {}
    for n in notifications:
        for alert in n.alerts:
            last[(n.receiver, alert["fingerprint"])] = alert["status"]
    return last


def routed(pipeline: AlertingPipeline, labels: Mapping[str, str]) -> list[str]:
    """The receivers the route tree picks for an alert as Alertmanager sees it (with the external labels)."""
    return pipeline.routed_receivers({**labels, **pipeline.external_labels})


# --- the tests ------------------------------------------------------------------------------------------------


def test_critical_drift_alert_pages_on_call_then_resolves(
    dev: DevStack, pipeline: AlertingPipeline, tmp_path: Path
) -> None:
    with pipeline.logs_on_failure():
        drift_loop(dev, pipeline, tmp_path)


def test_gpu_xid_error_reaches_the_platform_team(dev: DevStack, pipeline: AlertingPipeline) -> None:
    with pipeline.logs_on_failure():
        gpu_xid_loop(dev, pipeline)


def drift_loop(dev: DevStack, pipeline: AlertingPipeline, tmp_path: Path) -> None:
    model = dev.model
    job = DriftJob(dev, tmp_path / "drift", pipeline.pushgateway_url)
    job.run(shifted=True, model=model)

    def critical_drift() -> list[dict[str, Any]]:
        return [
            a
            for a in pipeline.prometheus_alerts()
            if a["state"] == "firing"
            and a["labels"].get("model") == model.name
            and a["labels"].get("severity") == "critical"
            and "feature" in a["labels"]
        ]

    firing = pipeline.wait("a critical per-feature drift alert to fire", critical_drift, dev.fire_timeout(PSI_METRIC))
    features = {a["labels"]["feature"] for a in firing}
    assert features <= set(SHIFTED_FEATURES), f"unshifted features alerted: {sorted(features - set(SHIFTED_FEATURES))}"

    # On-call: where critical alerts go that the same team's warnings do not (the escalation).
    labels = dict(firing[0]["labels"])
    critical_receivers = routed(pipeline, labels)
    warning_receivers = routed(pipeline, {**labels, "severity": "warning"})
    on_call = [r for r in critical_receivers if r not in warning_receivers]
    assert on_call, f"critical alerts go to {critical_receivers}, the same as warnings: no escalation to on-call"
    silent = [r for r in on_call if r not in receivers_with_integrations(pipeline.alertmanager_config)]
    assert not silent, f"critical alerts route to {silent}, which have no integrations: nobody is paged"

    page = {"model": model.name, "severity": "critical", "team": model.owner, **pipeline.external_labels}
    for receiver in on_call:
        alerts = pipeline.wait(
            f"the critical drift alert at on-call receiver {receiver!r}",
            functools.partial(delivered, pipeline, receiver, "firing", page),
            FIRE_TIMEOUT_S,
        )
        for alert in alerts:
            assert alert["labels"].get("feature") in features, alert["labels"]
            assert alert["annotations"].get("runbook_url", "").strip(), f"no runbook_url: {alert['annotations']}"

    # Unshifted data: every drift alert resolves, a resolved notification reaches on-call, nothing else fires.
    job.run(shifted=False, model=model)
    for receiver in on_call:
        pipeline.wait(
            f"a resolved notification at on-call receiver {receiver!r}",
            functools.partial(delivered, pipeline, receiver, "resolved", page),
            FIRE_TIMEOUT_S,
        )
    pipeline.wait("Prometheus to have no pending or firing alert", lambda: not pipeline.prometheus_alerts(), 15)
    pipeline.wait(
        "every notified alert to be notified resolved",
        lambda: all(s == "resolved" for s in last_status_by_alert(pipeline.webhook.notifications).values()),
        15,
    )
    model_alerts = dev.alertnames(model_group(model.name))
    for n in pipeline.webhook.notifications:
        for alert in n.alerts:
            assert alert["labels"].get("model") == model.name, f"an alert of no concern fired: {alert['labels']}"
            assert alert["labels"].get("alertname") in model_alerts, alert["labels"]


def gpu_xid_loop(dev: DevStack, pipeline: AlertingPipeline) -> None:
    gpu = {
        "gpu": "0",
        "UUID": "GPU-5a1c3f9e-7d2b-4c8e-9f01-23456789abcd",
        "device": "nvidia0",
        "modelName": "NVIDIA L4",
        "Hostname": "ip-10-40-12-7.eu-west-1.compute.internal",
    }
    series = ",".join(f'{k}="{v}"' for k, v in gpu.items())

    def push_xid(value: int) -> None:
        # What the DCGM exporter exposes: the last XID seen by the GPU, 0 when none.
        pipeline.push(
            names.DCGM_EXPORTER_RELEASE,
            {"instance": "10.40.12.7:9400"},
            f"# HELP {XID_METRIC} Value of the last XID error encountered.\n"
            f"# TYPE {XID_METRIC} gauge\n"
            f"{XID_METRIC}{{{series}}} {value}\n",
        )

    def xid_alerts() -> list[dict[str, Any]]:
        return [a for a in pipeline.prometheus_alerts() if a["labels"].get("UUID") == gpu["UUID"]]

    # A healthy history first, so that rules reading a change (changes/increase) see one.
    push_xid(0)
    pipeline.wait(
        "two scraped samples of the healthy XID series",
        lambda: pipeline.query(f'count_over_time({XID_METRIC}{{UUID="{gpu["UUID"]}"}}[1m]) >= 2'),
        FIRE_TIMEOUT_S,
    )
    assert not xid_alerts(), f"the GPU alerts before any XID: {xid_alerts()}"
    push_xid(79)  # GPU has fallen off the bus

    def firing_xid() -> list[dict[str, Any]]:
        return [a for a in xid_alerts() if a["state"] == "firing"]

    firing = pipeline.wait("the GPU XID alert to fire", firing_xid, dev.fire_timeout(XID_METRIC))
    labels = dict(firing[0]["labels"])
    assert labels.get("alertname") in dev.alertnames(GPU_GROUP), labels
    assert labels.get("team") == PLATFORM_TEAM, f"GPU alerts belong to the platform team: {labels}"
    assert labels.get("severity") in {"warning", "critical"}, labels

    receivers = routed(pipeline, labels)
    paged = [r for r in receivers if r in receivers_with_integrations(pipeline.alertmanager_config)]
    assert paged, f"the XID alert routes to {receivers}, none of which has integrations: nobody hears of it"
    match = {"UUID": gpu["UUID"], "team": PLATFORM_TEAM, **pipeline.external_labels}
    for receiver in paged:
        alerts = pipeline.wait(
            f"the XID alert at receiver {receiver!r}",
            functools.partial(delivered, pipeline, receiver, "firing", match),
            FIRE_TIMEOUT_S,
        )
        assert alerts[0]["annotations"].get("runbook_url", "").strip(), alerts[0]["annotations"]
