"""Inhibition on a real Alertmanager (Debian prometheus-alertmanager) loaded with the generated prod config:
a critical alert silences the same check's warning, and ClusterUnreachable silences its own region only."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.components.monitoring.alerts.drift import SCHEMA_ALERT
from infra.components.monitoring.names import CLUSTER_UNREACHABLE_ALERT
from tests import binaries
from tests.monitoring.alertmanager_support import local_config, stack_config

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WAIT_S = 15.0
PRIMARY, STANDBY = "eu-west-1", "eu-central-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _silent_receivers(path: Path) -> None:
    """Keep names and routes, drop the integrations: the test must not try to reach PagerDuty or SMTP."""
    config = yaml.safe_load(path.read_text())
    config["receivers"] = [{"name": r["name"]} for r in config["receivers"]]
    path.write_text(yaml.safe_dump(config))


class Alertmanager:
    def __init__(self, url: str) -> None:
        self.url = url

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def post(self, *label_sets: dict[str, str]) -> None:
        starts = dt.datetime.now(dt.UTC).isoformat()
        self._request("POST", "/api/v2/alerts", [{"labels": labels, "startsAt": starts} for labels in label_sets])

    def alerts(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._request("GET", "/api/v2/alerts")
        return result

    def inhibited(self) -> dict[str, bool]:
        """Alert key -> whether an inhibition rule mutes it."""
        return {a["labels"]["key"]: bool(a["status"]["inhibitedBy"]) for a in self.alerts()}

    def wait_for(self, condition: Callable[[dict[str, bool]], bool]) -> dict[str, bool]:
        deadline = time.monotonic() + WAIT_S
        state = self.inhibited()
        while not condition(state) and time.monotonic() < deadline:
            time.sleep(0.2)
            state = self.inhibited()
        return state


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[Alertmanager]:
    binary = binaries.require("alertmanager")
    config = local_config(stack_config("prod"), "prod", tmp_path)
    _silent_receivers(config)
    port = _free_port()
    log = tmp_path / "alertmanager.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",  # no gossip: a single local instance
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                urllib.request.urlopen(f"{url}/-/ready", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"alertmanager did not become ready; log:\n{log.read_text()}")
                time.sleep(0.1)
        yield Alertmanager(url)
    except BaseException:
        print(f"alertmanager log ({log}):\n{log.read_text()}")
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _alert(key: str, **labels: str) -> dict[str, str]:
    base = {"stack": "prod", "cluster": f"ai-platform-prod-{labels.get('region', PRIMARY)}", "region": PRIMARY}
    return base | labels | {"key": key}


DRIFT = {"alertname": "ModelFeatureDrift", "model": "fraud-scoring", "team": "risk-models"}


def test_a_critical_alert_inhibits_its_own_warning_only(alertmanager: Alertmanager) -> None:
    alertmanager.post(
        _alert("warning", **DRIFT, feature="merchant_category", severity="warning"),
        _alert("other-feature", **DRIFT, feature="amount", severity="warning"),
        _alert("other-model", **DRIFT | {"model": "demand-forecast"}, feature="merchant_category", severity="warning"),
    )
    before = alertmanager.wait_for(lambda s: len(s) == 3)
    assert before == {"warning": False, "other-feature": False, "other-model": False}
    alertmanager.post(_alert("critical", **DRIFT, feature="merchant_category", severity="critical"))
    after = alertmanager.wait_for(lambda s: s.get("warning", False))
    assert after == {"warning": True, "critical": False, "other-feature": False, "other-model": False}


def test_a_critical_schema_finding_inhibits_its_own_warning_not_another_reasons(alertmanager: Alertmanager) -> None:
    schema = {
        "alertname": SCHEMA_ALERT,
        "model": "fraud-scoring",
        "team": "risk-models",
        "feature": "merchant_category",
    }
    alertmanager.post(
        _alert("missing-warning", **schema, reason="missing_column", severity="warning"),
        _alert("cardinality-warning", **schema, reason="cardinality_explosion", severity="warning"),
        _alert("window-warning", **schema | {"feature": ""}, reason="nothing_evaluated", severity="warning"),
    )
    before = alertmanager.wait_for(lambda s: len(s) == 3)
    assert not any(before.values()), before
    alertmanager.post(
        _alert("missing-critical", **schema, reason="missing_column", severity="critical"),
        _alert("window-critical", **schema | {"feature": ""}, reason="nothing_evaluated", severity="critical"),
    )
    after = alertmanager.wait_for(lambda s: s.get("missing-warning", False) and s.get("window-warning", False))
    assert after == {
        "missing-warning": True,
        "cardinality-warning": False,
        "window-warning": True,
        "missing-critical": False,
        "window-critical": False,
    }


def test_cluster_unreachable_inhibits_its_region_and_not_the_others(alertmanager: Alertmanager) -> None:
    node = {"alertname": "KubeNodeNotReady", "severity": "warning", "team": "platform"}
    alertmanager.post(
        _alert("standby-node", **node, region=STANDBY),
        _alert("standby-drift", **DRIFT, feature="amount", severity="critical", region=STANDBY),
        _alert("primary-node", **node, region=PRIMARY),
    )
    before = alertmanager.wait_for(lambda s: len(s) == 3)
    assert not any(before.values()), before
    alertmanager.post(_alert("unreachable", alertname=CLUSTER_UNREACHABLE_ALERT, severity="critical", region=STANDBY))
    after = alertmanager.wait_for(lambda s: s.get("standby-node", False) and s.get("standby-drift", False))
    assert after == {"standby-node": True, "standby-drift": True, "primary-node": False, "unreachable": False}
