"""The one checkov process per gate run: the real checkov's output parsed per target, and every way it can fail."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest
from gate_support import FIXTURES, REPO_ROOT

from policies.gate.checkov.runner import CheckovError, CheckovProcess, CheckovReport, CheckResult
from policies.gate.checkov.settings import checkov_settings
from policies.gate.checkov.targets import dockerfiles, workflows
from policies.gate.checkov.toolenv import EXECUTABLE_VARIABLE, pinned_version

CHECKOV_FIXTURES = FIXTURES / "checkov"
FILES = (
    CHECKOV_FIXTURES / "Dockerfile",
    CHECKOV_FIXTURES / "manifests" / "pod.yaml",
    CHECKOV_FIXTURES / ".github" / "workflows" / "build.yml",
)
SHOWN = "tests/policies/gate/fixtures/checkov"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> CheckovReport:
    process = CheckovProcess(FILES, tmp_path_factory.mktemp("checkov"), REPO_ROOT)
    process.start()
    return process.collect()


def _one(report: CheckovReport, check_id: str, status: str, resource_part: str) -> CheckResult:
    found = [r for r in report.results if r.check_id == check_id and r.status == status and resource_part in r.resource]
    assert len(found) == 1, [(r.check_id, r.status, r.resource) for r in report.results if r.check_id == check_id]
    return found[0]


def test_the_pinned_checkov_reports_its_version(report: CheckovReport) -> None:
    assert report.version == pinned_version()
    assert report.seconds > 0


def test_failed_passed_and_skipped_checks_are_parsed_per_target(report: CheckovReport) -> None:
    targets = {(r.target, r.status) for r in report.results}
    assert {("manifests", "failed"), ("manifests", "passed"), ("manifests", "skipped")} <= targets
    assert {("dockerfiles", "passed"), ("dockerfiles", "skipped"), ("workflows", "failed")} <= targets


def test_a_kubernetes_failure_names_the_object_the_file_and_its_lines(report: CheckovReport) -> None:
    privileged = _one(report, "CKV_K8S_16", "failed", "privileged")
    assert privileged.resource == "Pod.team-a.privileged"
    assert privileged.file == f"{SHOWN}/manifests/pod.yaml"  # repository-relative
    assert privileged.lines == (15, 25)  # the second document of the file
    assert privileged.check_name.startswith("Container should not be privileged")


def test_inline_skips_come_back_as_skipped_checks_with_their_reason(report: CheckovReport) -> None:
    annotated = _one(report, "CKV_K8S_21", "skipped", "skipper")
    assert annotated.suppress_comment == "the team-a namespace is not default"
    commented = _one(report, "CKV_DOCKER_2", "skipped", "Dockerfile")
    assert commented.suppress_comment == "batch job, no long-running process to health-check"
    assert commented.file == f"{SHOWN}/Dockerfile"


def test_a_workflow_failure_names_its_job(report: CheckovReport) -> None:
    injection = _one(report, "CKV_GHA_2", "failed", "build")
    assert injection.job == "build"
    assert injection.file == f"{SHOWN}/.github/workflows/build.yml"
    assert injection.lines[0] == 9


def test_the_repository_dockerfiles_come_from_the_workspace_members() -> None:
    found = [p.relative_to(REPO_ROOT).as_posix() for p in dockerfiles(REPO_ROOT, checkov_settings())]
    assert found == ["drift_jobs/Dockerfile", "storage_jobs/Dockerfile"]


def test_a_member_without_a_dockerfile_is_skipped_and_a_new_one_is_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["jobs/*"]\n', encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / "jobs" / name).mkdir(parents=True)
    (tmp_path / "jobs" / "b" / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    assert dockerfiles(tmp_path, checkov_settings()) == [tmp_path / "jobs" / "b" / "Dockerfile"]


def test_the_repository_workflows_are_scanned() -> None:
    found = {p.name for p in workflows(REPO_ROOT, checkov_settings())}
    assert found == {p.name for p in (REPO_ROOT / ".github" / "workflows").glob("*.y*ml")}
    assert found


# -- failure modes: each is a CheckovError naming what happened, never an empty (passing) report ----------------


def _script(directory: Path, body: str) -> Path:
    path = directory / "fake-checkov"
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _collect(tmp_path: Path, timeout: float | None = None) -> CheckovReport:
    settings = checkov_settings()
    if timeout is not None:
        settings = dataclasses.replace(settings, timeout_seconds=timeout)
    process = CheckovProcess(FILES, tmp_path / "work", REPO_ROOT, settings)
    process.start()
    return process.collect()


def test_a_missing_executable_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXECUTABLE_VARIABLE, str(tmp_path / "no-such-checkov"))
    with pytest.raises(CheckovError, match=r"could not be started.*no-such-checkov"):
        _collect(tmp_path)


def test_a_crash_is_an_error_quoting_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXECUTABLE_VARIABLE, str(_script(tmp_path, "echo 'Traceback: boom' >&2\nexit 3\n")))
    with pytest.raises(CheckovError, match=r"exited with code 3; stderr: Traceback: boom"):
        _collect(tmp_path)


def test_a_hung_checkov_is_stopped_at_the_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXECUTABLE_VARIABLE, str(_script(tmp_path, "sleep 30\n")))
    with pytest.raises(CheckovError, match=r"did not finish within 0.5 s"):
        _collect(tmp_path, timeout=0.5)


def test_garbage_output_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Writes garbage where checkov writes its JSON (the directory after --output-file-path) and exits 0.
    body = (
        'while [ "$1" != "--output-file-path" ]; do shift; done\n'
        'echo "not json {" > "$2/results_json.json"\necho "not json {"\nexit 0\n'
    )
    monkeypatch.setenv(EXECUTABLE_VARIABLE, str(_script(tmp_path, body)))
    with pytest.raises(CheckovError, match="cannot be read"):
        _collect(tmp_path)


def test_exit_zero_without_a_results_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXECUTABLE_VARIABLE, str(_script(tmp_path, "echo all good\nexit 0\n")))
    with pytest.raises(CheckovError, match="wrote no"):
        _collect(tmp_path)


def test_a_required_file_checkov_cannot_parse_is_an_error(tmp_path: Path) -> None:
    # checkov itself skips an unparseable file silently (parsing_errors 0); the runner must not.
    broken = tmp_path / "tfplan.json"
    broken.write_text('{"format_version": "1.2", "terraform_version": ', encoding="utf-8")
    process = CheckovProcess([FILES[0], broken], tmp_path / "work", REPO_ROOT, required=[FILES[0], broken])
    process.start()
    with pytest.raises(CheckovError, match=r"no check on .*tfplan.json"):
        process.collect()
