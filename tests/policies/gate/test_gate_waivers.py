"""Waivers accept findings with an owner, a ticket and an expiry; the gate reports what became of each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from gate_support import BROKEN_PACKS, REPO_ROOT, TODAY, GateRunner, plan_document, step, urn, write_plan

import policies.gate.waiver_policy as waiver_policy_module
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
    waiver = _waiver(resource={"type": "aws:s3/bucket:Bucket", "name": "pub*"}, scope="all")
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
    waiver = _waiver(policy="gate.engine_error", resource={"name": "*"}, scope="all")
    run = gate(plan=_plan(tmp_path), packs=BROKEN_PACKS, waivers=_waivers(tmp_path, waiver))
    assert run.exit_code == 1
    assert not any(f["waived"] for f in run.findings)


def test_the_project_waiver_file_is_well_formed() -> None:
    waivers = load_waivers(REPO_ROOT / "policies" / "waivers.yaml", required=True)
    assert waivers.malformed == []


# --- hardening: wildcard selectors and the expiry cap (policies/gate/data/waiver_policy.yaml) ---

SAYS_WHY = "Every bucket of the static site is public by design; CloudFront OAC limits writes. Reviewed monthly."


def _malformed(run: Any) -> dict[str, str]:
    return {m["id"]: m["problem"] for m in run.report["waivers"]["malformed"]}


def test_a_urn_star_waiver_valid_until_9999_is_never_accepted(gate: GateRunner, tmp_path: Path) -> None:
    waivers = _waivers(tmp_path, _waiver(resource={"urn": "*"}, expires="9999-12-31"))
    run = gate(plan=_plan(tmp_path), waivers=waivers)
    assert run.exit_code == 2
    assert not any(f["waived"] for f in run.findings)
    assert "wildcard" in _malformed(run)["WVR-1"]
    assert f"{waivers}:2: malformed waiver WVR-1" in run.stderr  # names the file and the line


def test_the_same_waiver_with_scope_all_is_still_refused_beyond_the_expiry_cap(
    gate: GateRunner, tmp_path: Path
) -> None:
    waiver = _waiver(resource={"urn": "*"}, scope="all", justification=SAYS_WHY, expires="9999-12-31")
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, waiver))
    assert run.exit_code == 2
    assert "beyond the cap of 365 days" in _malformed(run)["WVR-1"]
    assert "2027-11-20" in _malformed(run)["WVR-1"]
    assert "beyond the cap" in (run.out / "report.md").read_text(encoding="utf-8")
    assert "beyond the cap" in (run.out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "selector",
    [
        {"urn": "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::*"},
        {"urn": "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::publi?"},
        {"type": "aws:s3/bucket:Bucket"},
        {"kind": "Deployment", "namespace": "default"},
        {"type": "aws:s3/*", "name": "public"},
    ],
)
def test_a_wildcard_selector_without_scope_all_is_malformed(
    gate: GateRunner, tmp_path: Path, selector: dict[str, str]
) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(resource=selector, justification=SAYS_WHY)))
    assert run.exit_code == 2
    assert "scope: all" in _malformed(run)["WVR-1"]


@pytest.mark.parametrize("justification", ["TODO", "n/a", "temporary", "public on purpose"])
def test_a_wildcard_waiver_needs_a_justification_that_says_something(
    gate: GateRunner, tmp_path: Path, justification: str
) -> None:
    waiver = _waiver(resource={"type": "aws:s3/bucket:Bucket"}, scope="all", justification=justification)
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, waiver))
    assert run.exit_code == 2
    assert "justification" in _malformed(run)["WVR-1"]


def test_a_wildcard_waiver_with_scope_all_and_a_justification_applies(gate: GateRunner, tmp_path: Path) -> None:
    waiver = _waiver(resource={"type": "aws:s3/bucket:Bucket"}, scope="all", justification=SAYS_WHY)
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, waiver))
    assert run.exit_code == 0
    assert run.report["waivers"]["applied"][0]["scope"] == "all"


def test_an_exact_selector_needs_no_scope(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(justification="Public by design.")))
    assert run.exit_code == 0


def test_scope_takes_only_all(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(scope="some")))
    assert run.exit_code == 2
    assert "scope must be 'all'" in _malformed(run)["WVR-1"]


def test_expiry_is_capped_at_the_run_date_plus_the_configured_days(gate: GateRunner, tmp_path: Path) -> None:
    at_cap, beyond = _waiver(id="WVR-1", expires="2027-11-20"), _waiver(id="WVR-2", expires="2027-11-21")
    assert gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, at_cap)).exit_code == 0
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, at_cap, beyond))
    assert run.exit_code == 2
    assert list(_malformed(run)) == ["WVR-2"]


def test_a_waiver_beyond_the_cap_is_refused_even_when_scoped_to_another_stack(gate: GateRunner, tmp_path: Path) -> None:
    run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(stacks=["prod"], expires="2099-01-01")))
    assert run.exit_code == 2


def test_the_cap_is_data(monkeypatch: pytest.MonkeyPatch, gate: GateRunner, tmp_path: Path) -> None:
    data = yaml.safe_load((REPO_ROOT / "policies/gate/data/waiver_policy.yaml").read_text(encoding="utf-8"))
    data["maxExpiryDays"] = 30
    changed = tmp_path / "waiver_policy.yaml"
    changed.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(waiver_policy_module, "_DATA", changed)
    waiver_policy_module.waiver_policy.cache_clear()
    try:
        run = gate(plan=_plan(tmp_path), waivers=_waivers(tmp_path, _waiver(expires="2027-01-31")))
    finally:
        monkeypatch.undo()
        waiver_policy_module.waiver_policy.cache_clear()
    assert run.exit_code == 2
    assert "cap of 30 days" in _malformed(run)["WVR-1"]


def test_an_unknown_top_level_key_is_malformed(gate: GateRunner, tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers: []\nwaiver: [{id: x}]\n", encoding="utf-8")
    run = gate(plan=_plan(tmp_path), waivers=path)
    assert run.exit_code == 2
