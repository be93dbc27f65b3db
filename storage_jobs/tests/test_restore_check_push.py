"""Integration: the verification's metrics on Debian's real prometheus-pushgateway (own persistence file)."""

from __future__ import annotations

import urllib.request

import pytest
from storage_jobs.restore_check import command, contract
from storage_jobs.restore_check.push import push, registry
from test_restore_check import FakeCluster

from tests.support.pushgateway import free_port

pytestmark = pytest.mark.integration
GROUPING = {"stack": "prod", "region": "eu-west-1", "cluster": "ai-platform-prod-eu-west-1"}


def series(url: str) -> dict[str, float]:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as r:
        text = r.read().decode()
    found: dict[str, float] = {}
    for line in text.splitlines():
        name = line.split("{", 1)[0]
        if name in contract.METRICS and f'job="{contract.PUSH_JOB}"' in line and 'region="eu-west-1"' in line:
            found[name] = float(line.rsplit(" ", 1)[1])
    return found


def test_a_success_then_a_failure_keep_the_last_success_time(pushgateway: str) -> None:
    push(pushgateway, GROUPING, registry(success=True, duration_s=42.0, objects=7, finished_at=1_700_000_000))
    assert series(pushgateway) == {
        contract.SUCCESS_METRIC: 1.0,
        contract.LAST_SUCCESS_METRIC: 1_700_000_000,
        contract.DURATION_METRIC: 42.0,
        contract.OBJECTS_METRIC: 7.0,
    }
    push(pushgateway, GROUPING, registry(success=False, duration_s=5.0, objects=0, finished_at=1_700_086_400))
    after = series(pushgateway)
    assert after[contract.SUCCESS_METRIC] == 0.0
    assert after[contract.LAST_SUCCESS_METRIC] == 1_700_000_000  # the stale alert still sees the old success


def test_the_command_pushes_a_failure_and_exits_1(pushgateway: str) -> None:
    cluster = FakeCluster()
    cluster.restore_phase = "Failed"
    args = command.parser().parse_args(["--pushgateway", pushgateway, *[f"--{k}={v}" for k, v in GROUPING.items()]])
    assert command.verify(args, cluster) == contract.EXIT_VERIFICATION_FAILED
    assert series(pushgateway)[contract.SUCCESS_METRIC] == 0.0


def test_an_unreachable_pushgateway_turns_success_into_exit_3() -> None:
    args = command.parser().parse_args(
        ["--pushgateway", f"http://127.0.0.1:{free_port()}", *[f"--{k}={v}" for k, v in GROUPING.items()]]
    )
    assert command.verify(args, FakeCluster()) == contract.EXIT_DEPENDENCY
