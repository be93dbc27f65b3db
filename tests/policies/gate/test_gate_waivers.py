"""Waivers accept findings with an owner, a ticket and an expiry; the gate reports what became of each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from gate_support import BROKEN_PACKS, REPO_ROOT, TODAY, GateRunner, plan_document, step, urn, write_plan

from policies.gate.waivers import load_waivers

BUCKET_URN = urn("aws:s3/bucket:Bucket", "public")


def _waiver(**overrides: Any) -> dict[str, Any]:
    waiver = {
        "id": "WVR-1",
        "policy": "tiny.deny_bucket_public",
        "resource": {"urn": BUCKET_URN},
        "owner": "web-team@example.com",
        "justification": "Static website bucket; contents are public by design.",
        "ticket": "WEB-42",
        "expires": "2027-06-30",
    }
    waiver.update(overrides)
    return waiver


def _waivers(tmp_path: Path, *waivers: dict[str, Any]) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": list(waivers)}, sort_keys=False), encoding="utf-8")
    return path


def _plan(tmp_path: Path) -> Path:
    plan: Path = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "public", {"acl": "public-read"})))
    return plan


def test_a_matching_waiver_accepts_the_finding(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver()))
    finding = next(f for f in run.findings if f["policyId"] == "tiny.deny_bucket_public")
    assert finding["waived"] and not finding["blocking"]
    assert finding["waiver"]["owner"] == "web-team@example.com"
    assert run.report["waivers"]["applied"][0]["findings"] == 1
    assert run.exit_code == 0


def test_selectors_match_by_glob_on_any_resource_field(gate: GateRunner, tmp_path: Path) -> None:
    waiver = _waiver(resource={"type": "aws:s3/bucket:Bucket", "name": "pub*"})
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, waiver))
    assert run.exit_code == 0


def test_an_expired_waiver_stops_applying_and_is_reported(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(expires="2026-11-19")))
    assert run.exit_code == 1
    assert [w["id"] for w in run.report["waivers"]["expired"]] == ["WVR-1"]
    assert not any(f["waived"] for f in run.findings)


def test_a_waiver_is_valid_through_its_expiry_day_and_listed_as_expiring(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(expires=TODAY)))
    assert run.exit_code == 0
    assert [w["id"] for w in run.report["waivers"]["expiringSoon"]] == ["WVR-1"]


def test_waivers_expiring_within_30_days_are_listed(gate: GateRunner, tmp_path: Path) -> None:
    soon, later = _waiver(id="WVR-1", expires="2026-12-20"), _waiver(id="WVR-2", expires="2026-12-21")
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, soon, later))
    assert [w["id"] for w in run.report["waivers"]["expiringSoon"]] == ["WVR-1"]


def test_a_waiver_that_matches_nothing_is_stale(gate: GateRunner, tmp_path: Path) -> None:
    unused = _waiver(id="WVR-9", resource={"name": "some-other-bucket"})
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(), unused))
    assert [w["id"] for w in run.report["waivers"]["stale"]] == ["WVR-9"]


def test_a_waiver_scoped_to_other_stacks_is_neither_applied_nor_stale(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(stacks=["prod"])))
    assert run.exit_code == 1
    assert run.report["waivers"]["stale"] == []
    assert [w["id"] for w in run.report["waivers"]["outOfScope"]] == ["WVR-1"]


def test_malformed_waivers_exit_2_with_reports_still_written(gate: GateRunner, tmp_path: Path) -> None:
    no_owner = {k: v for k, v in _waiver(id="WVR-2").items() if k != "owner"}
    run = gate(
        plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(), no_owner, _waiver(id="WVR-3", expires="soon"))
    )
    assert run.exit_code == 2
    problems = {m["id"]: m["problem"] for m in run.report["waivers"]["malformed"]}
    assert "owner" in problems["WVR-2"]
    assert "YYYY-MM-DD" in problems["WVR-3"]
    assert "waivers.yaml:" in run.stderr and "WVR-2" in run.stderr
    assert (run.out / "report.sarif").is_file()


def test_a_waiver_for_a_policy_id_no_rule_has_is_malformed(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(policy="tiny.deny_bucket_pubic")))
    assert run.exit_code == 2
    assert "no rule has policy id" in run.report["waivers"]["malformed"][0]["problem"]


def test_a_waiver_file_that_is_not_yaml_is_malformed(gate: GateRunner, tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers: [\n", encoding="utf-8")
    run = gate(plan=_plan(tmp_path), waivers=path)
    assert run.exit_code == 2
    assert "invalid YAML" in run.report["waivers"]["malformed"][0]["problem"]


def test_waivers_never_accept_engine_errors(gate: GateRunner, tmp_path: Path) -> None:
    waiver = _waiver(policy="gate.engine_error", resource={"name": "*"})
    run = gate(plan=_plan(tmp_path), packs=BROKEN_PACKS, waivers=_waivers(tmp_path, waiver))
    assert run.exit_code == 1
    assert not any(f["waived"] for f in run.findings)


def test_the_project_waiver_file_is_well_formed() -> None:
    waivers = load_waivers(REPO_ROOT / "policies" / "waivers.yaml", required=True)
    assert waivers.malformed == []
