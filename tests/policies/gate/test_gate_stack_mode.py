"""`python -m policies.gate --stack`: plan, placement and gate as one command; an invalid stack config is findings in
all five reports (exit 2); SARIF locations are repository-relative; fingerprints are unique per object and file."""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from gate_support import HERE, REPO_ROOT, TINY_PACKS, TODAY, GateRunner, plan_document, step, write_plan

from infra.config import ConfigError, load_stack_file
from infra.config.errors import FILE_PROBLEM
from policies.gate.catalog import CONFIG_INVALID
from policies.gate.cli import main
from policies.gate.reports import REPORT_FILES
from policies.gate.reports.sarif import FINGERPRINT_KEY
from policies.gate.reports.sarif_location import SRCROOT, repository_uri

PROD = REPO_ROOT / "stacks" / "Pulumi.prod.yaml"
SARIF_SCHEMA = json.loads((HERE / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@dataclass
class StackRun:
    exit_code: int
    stderr: str
    out: Path

    def text(self, name: str) -> str:
        return (self.out / name).read_text(encoding="utf-8")

    def json(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.text(name))
        return data


def _project(tmp_path: Path, prod_text: str) -> Path:
    """A project root as `make gate` sees it: Pulumi.yaml (the stack identity rules read it) and one stack file."""
    root = tmp_path / "project"
    (root / "stacks").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    (root / "stacks" / "Pulumi.prod.yaml").write_text(prod_text, encoding="utf-8")
    return root


def _run_stack(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    capsys.readouterr()
    return main(["--stack", "prod", "--today", TODAY, "--engine", "regorus", *args])


def _unknown_key(text: str) -> str:
    return text.replace("    flowLogRetentionDays: 365\n", "    flowLogRetentionDays: 365\n    natGatways: single\n", 1)


def _one_region(text: str) -> str:
    """Prod's own rule broken (prod needs a standby region), a cross-field check of the config model."""
    return re.sub(r"    - name: eu-central-1\n      cidr: [^\n]+\n      role: standby\n", "", text, count=1)


def _bad_yaml(text: str) -> str:
    return text.replace("  ai-platform:kubernetesVersion:", "  ai-platform:kubernetesVersion: [\n  x:", 1)


@pytest.mark.parametrize("edit", [_unknown_key, _one_region, _bad_yaml], ids=["unknown-key", "prod-rule", "yaml"])
def test_an_invalid_stack_config_writes_all_five_reports_naming_each_problem_at_its_line(
    edit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = PROD.read_text(encoding="utf-8")
    edited = edit(original)
    assert edited != original, "the edit must change the prod stack"
    root = _project(tmp_path, edited)
    stack_file = root / "stacks" / "Pulumi.prod.yaml"
    with pytest.raises(ConfigError) as raised:
        load_stack_file(stack_file)
    problems = raised.value.problems
    code = _run_stack(capsys, "--root", str(root))
    run = StackRun(code, capsys.readouterr().err, root / "build" / "prod")

    assert run.exit_code == 2  # bad input, as documented
    assert all((run.out / name).is_file() for name in REPORT_FILES)
    assert not (run.out / "plan.json").exists()  # the program refused the config: nothing was planned
    for problem in problems:
        assert problem.line is not None
        assert problem.render() in run.stderr  # the same file:line: key: message line `ai-platform plan` prints
    report = run.json("report.json")
    assert (report["verdict"], report["exitCode"]) == ("fail", 2)
    findings = [f for f in report["findings"] if f["policyId"] == CONFIG_INVALID]
    shown = "stacks/Pulumi.prod.yaml"
    # A whole-file problem's value is the file: the report shows its repository path.
    expected = [replace(p, value=shown) if p.path == FILE_PROBLEM else p for p in problems]
    assert [(f["message"], f["location"]) for f in findings] == [
        (p.describe(), {"file": shown, "line": p.line}) for p in expected
    ]
    assert all(f["blocking"] and f["severity"] == "critical" for f in findings)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(run.json("report.sarif"))
    results = [r for r in run.json("report.sarif")["runs"][0]["results"] if r["ruleId"] == CONFIG_INVALID]
    assert [r["locations"][0]["physicalLocation"] for r in results] == [
        {"artifactLocation": {"uri": "stacks/Pulumi.prod.yaml", "uriBaseId": SRCROOT}, "region": {"startLine": p.line}}
        for p in problems
    ]
    failures = [
        failure.text or ""
        for case in ET.parse(run.out / "report.xml").getroot().iter("testcase")
        if case.get("name", "").startswith(CONFIG_INVALID)
        for failure in case.iter("failure")
    ]
    # Markdown table cells escape pipes and HTML and turn backticks into quotes; HTML escapes its text.
    markdown = html.unescape(run.text("report.md")).replace("\\|", "|")
    page = html.unescape(run.text("report.html"))
    for finding in findings:
        where = f"stacks/Pulumi.prod.yaml:{finding['location']['line']}"
        assert any(finding["message"] in text and where in text for text in failures)
        assert finding["message"].replace("`", "'") in markdown and where in markdown
        assert finding["message"] in page and where in page
    assert str(root) not in run.text("report.sarif")


def test_pack_rules_of_an_invalid_config_run_read_not_evaluated_never_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, _unknown_key(PROD.read_text(encoding="utf-8")))
    assert _run_stack(capsys, "--root", str(root)) == 2
    report = json.loads((root / "build" / "prod" / "report.json").read_text(encoding="utf-8"))
    rego_rules = [r for r in report["rules"] if r["engine"] == "rego"]
    assert rego_rules and not any(r["evaluated"] for r in rego_rules)
    verdicts = {c["verdict"] for c in report["controls"]}
    assert "pass" not in verdicts and "not-evaluated" in verdicts


def test_an_unknown_stack_is_bad_input_naming_the_stacks_there_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, PROD.read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["--stack", "nope", "--root", str(root)]) == 2
    assert "known stacks: prod" in capsys.readouterr().err


@pytest.mark.slow
def test_the_prod_stack_in_one_command_plans_checks_placement_and_gates_with_repository_relative_sarif(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "prod"
    code = _run_stack(capsys, "--root", str(REPO_ROOT), "--out", str(out), "--no-checkov")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert {"plan.json", "placement.json", *REPORT_FILES} <= {p.name for p in out.iterdir()}
    assert "placement: prod:" in captured.out and ": consistent" in captured.out
    sarif_text = (out / "report.sarif").read_text(encoding="utf-8")
    results = json.loads(sarif_text)["runs"][0]["results"]
    assert results
    for result in results:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == SRCROOT
        assert not artifact["uri"].startswith(("/", "./", "../")) and "/../" not in artifact["uri"]
        assert (REPO_ROOT / artifact["uri"]).is_file()
    assert str(REPO_ROOT) not in sarif_text and str(tmp_path) not in sarif_text
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]
    assert len(set(prints)) == len(prints)


def test_a_file_outside_the_repository_gets_no_physical_location_and_no_absolute_path(
    gate: GateRunner, tmp_path: Path
) -> None:
    # No sourcePosition and no stack file: the finding points at the plan itself, which lies in /tmp.
    plan = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "site", {"acl": "public-read"})))
    run = gate(plan=plan, packs=TINY_PACKS)
    assert any(f["location"]["file"] == plan.as_posix() for f in run.findings)  # the JSON audit keeps the path
    text = (run.out / "report.sarif").read_text(encoding="utf-8")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(text))
    results = json.loads(text)["runs"][0]["results"]
    assert results and all("physicalLocation" not in r["locations"][0] for r in results)
    assert all(r["locations"][0]["logicalLocations"] for r in results)
    assert str(tmp_path) not in text


@pytest.mark.parametrize(
    ("file", "uri"),
    [
        ("infra/cluster.py", "infra/cluster.py"),
        ("./stacks/Pulumi.prod.yaml", "stacks/Pulumi.prod.yaml"),
        ("build/prod/../prod/manifests/a b#1.yaml", "build/prod/manifests/a%20b%231.yaml"),
        ("../elsewhere/plan.json", None),
        ("a/../../plan.json", None),
        ("/definitely/not/the/repo/plan.json", None),
        ("", None),
    ],
)
def test_repository_uris_are_relative_normalised_and_encoded(file: str, uri: str | None) -> None:
    assert repository_uri(file, REPO_ROOT) == uri


def test_an_absolute_path_inside_the_repository_becomes_relative() -> None:
    assert repository_uri(str(REPO_ROOT / "infra" / "program.py"), REPO_ROOT) == "infra/program.py"


def test_the_same_object_in_two_manifest_files_gets_two_fingerprints(gate: GateRunner, tmp_path: Path) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "apps"},
        "spec": {"containers": [{"name": "app", "image": "nginx", "securityContext": {"privileged": True}}]},
    }
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (manifests / name).write_text(yaml.safe_dump(pod), encoding="utf-8")

    def prints() -> list[tuple[str, str]]:
        run = gate(manifests=manifests, packs=TINY_PACKS)
        privileged = [f for f in run.findings if f["policyId"] == "tiny_k8s.deny_privileged"]
        assert len(privileged) == 2 and len({f["message"] for f in privileged}) == 1
        return sorted((f["location"]["file"], f["fingerprint"]) for f in privileged)

    first = prints()
    assert [file.rsplit("/", 1)[-1] for file, _ in first] == ["a.yaml", "b.yaml"]
    assert first[0][1] != first[1][1]
    assert prints() == first  # stable across runs of the same input (what --baseline matches on)


@pytest.mark.slow
def test_an_unschedulable_workload_is_a_blocking_finding_at_the_node_pools_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every dev pool tainted with a key nothing tolerates: valid config, compliant plan, unplaceable workloads.
    text = (REPO_ROOT / "stacks" / "Pulumi.dev.yaml").read_text(encoding="utf-8")
    taint = "      taints:\n        - key: dedicated\n          value: ml\n          effect: NoSchedule\n"
    tainted = re.sub(r"(      diskSizeGib: \d+\n)", lambda m: m.group(1) + taint, text)
    assert tainted.count(taint) >= 2
    root = _project(tmp_path, PROD.read_text(encoding="utf-8"))
    (root / "stacks" / "Pulumi.dev.yaml").write_text(tainted, encoding="utf-8")
    capsys.readouterr()
    code = main(["--stack", "dev", "--root", str(root), "--today", TODAY, "--engine", "regorus", "--no-checkov"])
    captured = capsys.readouterr()
    out = root / "build" / "dev"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    placement = json.loads((out / "placement.json").read_text(encoding="utf-8"))
    assert code == 1 and report["exitCode"] == 1 and report["verdict"] == "fail"
    assert all((out / name).is_file() for name in REPORT_FILES)
    assert placement["problems"] and "taint dedicated=ml:NoSchedule not tolerated" in captured.err
    unschedulable = [f for f in report["findings"] if f["policyId"] == "gate.placement_unsatisfiable"]
    assert len(unschedulable) == len(placement["problems"])
    assert all(f["blocking"] for f in unschedulable)
    pools_line = next(
        n for n, line in enumerate(tainted.splitlines(), 1) if line.startswith("  ai-platform:nodePools:")
    )
    assert {f["location"]["line"] for f in unschedulable} == {pools_line}
    assert any("taint dedicated=ml:NoSchedule not tolerated" in f["message"] for f in unschedulable)
    declared = {f["resource"].get("urn") for f in unschedulable}
    assert None not in declared, "every problem names the plan resource that declares the workload"


@pytest.mark.parametrize(
    "argv",
    [
        ["--plan", "plan.json"],  # --out is only optional with --stack
        ["--plan", "plan.json", "--out", "x", "--root", "."],  # --root goes with --stack
        ["--stack", "prod", "--stack-file", "stacks/Pulumi.prod.yaml"],  # --stack sets the stack file itself
        ["--stack", "prod", "--plan", "plan.json"],  # one input
    ],
)
def test_stack_mode_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_help_names_stack_mode_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--stack STACK" in text and "exit codes:" in text
    assert "placement check cannot place" in text and "invalid stack config" in text


def test_with_plan_the_stack_file_only_locates_findings_and_is_not_validated(gate: GateRunner, tmp_path: Path) -> None:
    """A plan exists only if the program accepted its config: --plan runs never report gate.config_invalid."""
    invalid = tmp_path / "Pulumi.prod.yaml"
    invalid.write_text(_unknown_key(PROD.read_text(encoding="utf-8")), encoding="utf-8")
    plan = write_plan(tmp_path, plan_document(step("aws:s3/bucket:Bucket", "site", {"acl": "public-read"})))
    run = gate("--stack-file", str(invalid), plan=plan, packs=TINY_PACKS)
    assert run.exit_code == 1 and CONFIG_INVALID not in run.policy_ids()
