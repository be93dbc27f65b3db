"""tests/binaries.py: the one list of external binaries, as .ci/run and the tests use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import binaries

ROOT = Path(__file__).resolve().parents[1]


def test_ci_installs_and_checks_the_listed_binaries() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "python3 tests/binaries.py packages" in script
    assert "python3 tests/binaries.py check" in script


def test_check_fails_in_ci_and_only_warns_elsewhere(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing installed
    monkeypatch.setenv("CI", "true")
    assert binaries.main(["check"]) == 1
    assert "missing binary: amtool (Debian package prometheus-alertmanager)" in capsys.readouterr().err
    monkeypatch.delenv("CI")
    assert binaries.main(["check"]) == 0
    assert binaries.main(["packages"]) == 0
    assert capsys.readouterr().out.split() == [
        "prometheus",
        "prometheus-alertmanager",
        "prometheus-pushgateway",
        "ceph-mon",
        "ceph-osd",
        "ceph-mgr",
        "radosgw",
        "ceph-common",
        "ceph-base",
        "gcc",
        "jq",
        "chromium",
    ]


def test_a_binary_is_found_under_its_upstream_name_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    alertmanager = tmp_path / "alertmanager"
    alertmanager.write_text("#!/bin/sh\n")
    alertmanager.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert binaries.find("alertmanager") == str(alertmanager)
    assert binaries.find("amtool") is None


def test_require_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must not skip"):
        binaries.require("promtool")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y prometheus"):
        binaries.require("promtool")
