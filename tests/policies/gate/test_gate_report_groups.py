"""Reports people act on: findings grouped by rule with the fix, placed by stack/region, new findings first."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from gate_support import REPO_ROOT, urn
from report_cases import CENTRAL, WEST, gate_result, placed_plan, with_baseline

from policies.gate.findings import AppliedWaiver, Finding, ResourceRef
from policies.gate.pipeline import GateResult
from policies.gate.reports.groups import group_findings
from policies.gate.reports.html_report import html_report
from policies.gate.reports.markdown import MAX_CHARS, markdown_report
from policies.gate.reports.placement import Placements

RUN_URL = "https://example.invalid/actions/runs/1"


def _body_module() -> ModuleType:
    """.ci/gh/body.py runs with the system python3, outside any package: loaded from its path."""
    spec = importlib.util.spec_from_file_location("ci_gh_body_groups", REPO_ROOT / ".ci" / "gh" / "body.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def placed(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    return gate_result(tmp_path_factory.mktemp("placed"), placed_plan())


def test_one_group_per_rule_carrying_the_rules_remediation_and_controls(placed: GateResult) -> None:
    grouping = group_findings(placed)
    ids = [g.policy_id for g in grouping.lead]
    assert len(ids) == len(set(ids)) == len({f.policy_id for f in placed.findings if f.status != "info"})
    for group in grouping.lead:
        rule = placed.rules[group.policy_id]
        assert (group.remediation, group.controls, group.title) == (rule.remediation, rule.controls, rule.title)
        assert {e.finding.policy_id for e in group.entries} == {group.policy_id}
    buckets = next(g for g in grouping.lead if g.policy_id == "tiny.deny_bucket_public")
    assert buckets.remediation == "Remove the public ACL." and len(buckets.entries) == 2


def test_blocking_groups_come_first_most_severe_first(placed: GateResult) -> None:
    grouping = group_findings(placed)
    flags = [bool(g.blocking) for g in grouping.lead]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True), "a non-blocking group precedes a blocking one"
    assert grouping.lead_blocking[0].severity == "critical"


def test_a_waived_critical_group_follows_the_blocking_high_ones(placed: GateResult) -> None:
    waiver = AppliedWaiver(id="WVR-1", owner="o", justification="j", ticket="T-1", expires="2027-01-01")
    findings = [f.with_waiver(waiver) if f.policy_id == "tiny_k8s.deny_privileged" else f for f in placed.findings]
    blocking = [f for f in placed.verdict.blocking if f.policy_id != "tiny_k8s.deny_privileged"]
    result = replace(placed, findings=findings, verdict=replace(placed.verdict, blocking=blocking))
    order = [g.policy_id for g in group_findings(result).lead]
    assert order.index("tiny_k8s.deny_privileged") > order.index("tiny.deny_bucket_public"), order
    markdown = markdown_report(result)
    assert markdown.index("#### `tiny_k8s.deny_privileged`") > markdown.index("that do not block")
    assert "waived (WVR-1)" in markdown


def test_each_finding_is_placed_in_its_providers_region_and_kubernetes_objects_in_their_cluster(
    placed: GateResult,
) -> None:
    entries = {
        (e.finding.policy_id, e.finding.resource.name if e.finding.resource else None): e.placement
        for g in group_findings(placed).lead
        for e in g.entries
    }
    assert entries[("tiny.deny_bucket_public", "public-0")].region == WEST
    assert entries[("tiny.deny_cluster_unencrypted", "central-eks")].region == CENTRAL
    pod = entries[("tiny_k8s.deny_privileged", "runner")]
    assert (pod.stack, pod.region, pod.cluster) == ("test", CENTRAL, "central-eks")
    assert entries[("tiny.stack_warn_no_budget", None)].text() == "test"


def test_manifest_objects_have_no_placement(placed: GateResult) -> None:
    manifest = Finding(
        policy_id="x.deny",
        engine="rego",
        severity="high",
        controls=(),
        message="m",
        resource=ResourceRef(type="kubernetes:core/v1:Pod", kind="Pod", namespace="a", name="p"),
    )
    assert Placements(placed.subject).of(manifest).text() == ""
    unknown = Finding(
        policy_id="x.deny",
        engine="rego",
        severity="high",
        controls=(),
        message="m",
        resource=ResourceRef(type="aws:s3/bucket:Bucket", urn=urn("aws:s3/bucket:Bucket", "gone", stack="other")),
    )
    assert Placements(placed.subject).of(unknown).text() == "other"


def test_markdown_and_html_list_each_group_with_its_fix_blocking_first(placed: GateResult) -> None:
    markdown = markdown_report(placed)
    html = html_report(placed)
    for text in (markdown, html):
        assert "Remove the public ACL." in text and "Add the ai-platform/team tag." in text
        assert text.index("tiny_k8s.deny_privileged") < text.index("tiny.deny_bucket_public")
        assert text.index("tiny.deny_bucket_public") < text.index("tiny.warn_missing_team_tag")
    assert markdown.index("#### `tiny.deny_bucket_public`") < markdown.index("| Severity | Fail |")
    assert f"test / {WEST}" in markdown and f"test / {CENTRAL} / central-eks" in markdown
    assert html.index('class="group blocking"') < html.index('id="controls"') < html.index("<h2>Provenance</h2>")


def test_without_a_baseline_the_headline_counts_blocking_findings(placed: GateResult) -> None:
    blocking = len(placed.verdict.blocking)
    assert f"**{blocking} blocking findings**" in markdown_report(placed)
    assert "unchanged" not in markdown_report(placed)


def test_with_a_baseline_new_findings_lead_and_the_rest_are_counted(placed: GateResult) -> None:
    fixed = Finding(
        policy_id="tiny.deny_short_log_retention",
        engine="rego",
        severity="medium",
        controls=(),
        resource=ResourceRef(type="aws:cloudwatch/logGroup:LogGroup", urn=urn("aws:cloudwatch/logGroup:LogGroup", "l")),
        message="log group l keeps logs 7 days",
    )
    result = with_baseline(placed, new={"tiny.deny_cluster_unencrypted"}, absent=[fixed])
    grouping = group_findings(result)
    assert [g.policy_id for g in grouping.lead] == ["tiny.deny_cluster_unencrypted"]
    unchanged = sum(1 for f in result.findings if f.baseline == "unchanged" and f.status != "info")
    assert grouping.existing_blocking == len(placed.verdict.blocking) - 1
    markdown = markdown_report(result)
    assert f"**1 new finding, 1 blocking** · {unchanged} unchanged, 1 fixed" in markdown
    assert f"{grouping.existing_blocking} unchanged would block" in markdown
    lead_end = markdown.index("Unchanged findings, already on the base branch")
    assert markdown.index("#### `tiny.deny_cluster_unencrypted`") < lead_end
    assert markdown.index("#### `tiny.deny_bucket_public`") > lead_end, "an unchanged finding leads"
    assert markdown.index("#### `tiny.deny_short_log_retention`") > markdown.index("Fixed: in the baseline")
    html = html_report(result)
    assert html.index("tiny.deny_cluster_unencrypted") < html.index("tiny.deny_bucket_public")


def test_in_strict_mode_unchanged_blocking_findings_are_counted_and_shown_open(placed: GateResult) -> None:
    result = with_baseline(placed, new={"tiny.deny_cluster_unencrypted"}, absent=[], strict=True)
    grouping = group_findings(result)
    assert grouping.existing_blocking == 0
    unchanged_blocking = len(result.verdict.blocking) - 1
    markdown = markdown_report(result)
    assert "**1 new finding, 1 blocking**" in markdown
    assert f"{unchanged_blocking} unchanged blocking too" in markdown
    assert "<details open><summary>Unchanged findings" in markdown
    assert "<details open><summary>Unchanged findings" in html_report(result)


def test_the_markdown_limit_fits_githubs_step_summary_at_four_bytes_a_character() -> None:
    assert MAX_CHARS * 4 <= _body_module().GITHUB_STEP_SUMMARY_LIMIT


def test_a_report_of_many_findings_fits_the_comment_and_step_summary_with_new_findings_kept(
    tmp_path: Path,
) -> None:
    result = with_baseline(
        gate_result(tmp_path, placed_plan(buckets=600)), new={"tiny.deny_cluster_unencrypted"}, absent=[]
    )
    markdown = markdown_report(result)
    body_module = _body_module()
    assert len(markdown.encode("utf-8")) <= body_module.GITHUB_STEP_SUMMARY_LIMIT
    assert len(markdown) > body_module.GITHUB_BODY_LIMIT, "the case must need cutting for a comment"
    body = body_module.render("policy-gate:test", markdown, RUN_URL)
    assert len(body) <= body_module.GITHUB_BODY_LIMIT
    assert body.rstrip().endswith(f"[the workflow run's artifacts]({RUN_URL}).")
    assert "#### `tiny.deny_cluster_unencrypted`" in body, "the cut lost the new finding"
    assert body.index("#### `tiny.deny_cluster_unencrypted`") < body.index("Unchanged findings")
