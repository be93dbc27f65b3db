"""One checkov process per gate run over every target, started early and collected late.

checkov costs about 2 s to start, so all files go to one process (`-f` each, every framework named). It is
started as soon as the manifests and the Terraform-plan JSON are written and collected after the Rego source
ran, so the two overlap. `--soft-fail` makes checkov exit 0 with failed checks, so any other exit is a crash.
A missing executable, a crash, a timeout, output that cannot be parsed or a file checkov could not parse is a
CheckovError: the source turns it into a critical engine-error finding, never a silent pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from policies.gate.checkov.settings import CheckovSettings, checkov_settings
from policies.gate.checkov.toolenv import OFFLINE_ARGUMENTS, checkov_executable, offline_environment
from policies.gate.inputs.manifests import display_path

CheckStatus = Literal["passed", "failed", "skipped"]
RESULTS_FILE = "results_json.json"  # what `-o json --output-file-path DIR` writes
_STATUS_KEYS: dict[str, CheckStatus] = {
    "passed_checks": "passed",
    "failed_checks": "failed",
    "skipped_checks": "skipped",
}


class CheckovError(RuntimeError):
    """checkov gave no trustworthy result: the message says what happened (with checkov's stderr tail)."""


@dataclass(frozen=True)
class CheckResult:
    """One check on one resource, as checkov reported it."""

    framework: str
    target: str  # the gate's name for the framework (manifests, dockerfiles, workflows, plan)
    check_id: str
    check_name: str
    status: CheckStatus
    file: str  # repository-relative where inside the repository
    path: Path  # absolute
    lines: tuple[int, int]
    resource: str  # checkov's id: Kind.namespace.name, a Terraform address, Dockerfile.INSTRUCTION, jobs.<job>
    check_class: str = ""
    guideline: str | None = None
    suppress_comment: str | None = None  # skipped checks: the inline skip's reason
    job: str | None = None  # github_actions: the workflow job


@dataclass(frozen=True)
class CheckovReport:
    version: str
    results: tuple[CheckResult, ...]
    seconds: float  # wall time of the process, start to exit


class CheckovProcess:
    """`start()` launches checkov in the background; `collect()` waits (up to the timeout) and parses."""

    def __init__(
        self,
        files: Sequence[Path],
        work_dir: Path,
        repo_root: Path,
        settings: CheckovSettings | None = None,
        *,
        required: Sequence[Path] = (),
    ) -> None:
        self.files = list(files)
        # Files that always have checks (a Dockerfile, a workflow, a non-empty plan): checkov skips a file it
        # cannot parse without a word (parsing_errors stays 0), so one of these without a result is an error.
        self.required = list(required)
        self.work_dir = work_dir
        self.repo_root = repo_root
        self.settings = settings or checkov_settings()
        self._process: subprocess.Popen[bytes] | None = None
        self._start_error: str | None = None
        self._started = 0.0
        self._streams: list[IO[bytes]] = []

    @property
    def results_path(self) -> Path:
        return self.work_dir / RESULTS_FILE

    @property
    def stderr_path(self) -> Path:
        return self.work_dir / "stderr.txt"

    def command(self) -> list[str]:
        arguments = [str(checkov_executable())]
        for path in self.files:
            arguments += ["-f", str(path)]
        return [
            *arguments,
            "--framework",
            *self.settings.frameworks,
            "-o",
            "json",
            "--output-file-path",
            str(self.work_dir),
            # Exit 0 with failed checks: a non-zero exit then means checkov itself failed.
            "--soft-fail",
            *OFFLINE_ARGUMENTS,
        ]

    def start(self) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.results_path.unlink(missing_ok=True)
        self._started = time.perf_counter()
        if not self.files:
            return
        # stdout repeats the JSON (megabytes): to a file, so a full pipe can never stall checkov.
        stdout = (self.work_dir / "stdout.txt").open("wb")
        stderr = self.stderr_path.open("wb")
        self._streams = [stdout, stderr]
        try:
            self._process = subprocess.Popen(
                self.command(),
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env=offline_environment(),
                cwd=self.repo_root,
                start_new_session=True,  # its own process group: a timeout ends checkov and its workers
            )
        except OSError as error:
            self._start_error = f"checkov could not be started ({checkov_executable()}): {error.strerror or error}"
            self._close()

    def collect(self) -> CheckovReport:
        if self._start_error is not None:
            raise CheckovError(self._start_error)
        if self._process is None:
            if self.files:
                raise CheckovError("checkov was never started")
            return CheckovReport(version="", results=(), seconds=0.0)
        remaining = self.settings.timeout_seconds - (time.perf_counter() - self._started)
        try:
            code = self._process.wait(timeout=max(remaining, 0.0))
        except subprocess.TimeoutExpired:
            _kill_group(self._process)
            self._close()
            raise CheckovError(
                f"checkov did not finish within {self.settings.timeout_seconds:g} s "
                f"(timeoutSeconds in policies/gate/data/checkov.yaml) and was stopped{self._stderr_tail()}"
            ) from None
        seconds = time.perf_counter() - self._started
        self._close()
        if code != 0:
            raise CheckovError(f"checkov exited with code {code}{self._stderr_tail()}")
        return CheckovReport(version=self._version(), results=tuple(self._parse()), seconds=seconds)

    def cancel(self) -> None:
        """Stop the process if it still runs (the gate failed before collecting it)."""
        if self._process is not None and self._process.poll() is None:
            _kill_group(self._process)
        self._close()

    def _parse(self) -> list[CheckResult]:
        if not self.results_path.is_file():
            raise CheckovError(f"checkov exited 0 but wrote no {self.results_path}{self._stderr_tail()}")
        try:
            data: Any = json.loads(self.results_path.read_text(encoding="utf-8"))
            reports = _reports(data)
            results = [r for report in reports for r in self._framework_results(report)]
        except (ValueError, KeyError, TypeError) as error:
            raise CheckovError(
                f"checkov's output {self.results_path} cannot be read: {error}{self._stderr_tail()}"
            ) from error
        unparsed = sorted({str(p) for report in reports for p in report["results"].get("parsing_errors") or []})
        if unparsed:
            shown = ", ".join(display_path(Path(p), self.repo_root) for p in unparsed)
            raise CheckovError(f"checkov could not parse (so never checked): {shown}")
        seen = {r.path.resolve() for r in results}
        silent = [display_path(p, self.repo_root) for p in self.required if p.resolve() not in seen]
        if silent:
            raise CheckovError(f"checkov reported no check on {', '.join(silent)} (not parsed, so never checked)")
        return results

    def _framework_results(self, report: dict[str, Any]) -> list[CheckResult]:
        framework = str(report["check_type"])
        target = self.settings.target_of(framework)
        results: list[CheckResult] = []
        for key, status in _STATUS_KEYS.items():
            for entry in report["results"].get(key) or []:
                results.append(self._result(framework, target, status, entry))
        return results

    def _result(self, framework: str, target: str, status: CheckStatus, entry: dict[str, Any]) -> CheckResult:
        path = Path(entry.get("file_abs_path") or entry["file_path"])
        if not path.is_absolute():
            path = self.repo_root / str(entry["file_path"]).lstrip("/")
        start, end = (entry.get("file_line_range") or [0, 0])[:2]
        outcome = entry.get("check_result") or {}
        jobs = entry.get("job")
        return CheckResult(
            framework=framework,
            target=target,
            check_id=str(entry["check_id"]),
            check_name=str(entry.get("check_name") or entry["check_id"]),
            status=status,
            file=display_path(path, self.repo_root),
            path=path,
            lines=(int(start), int(end)),
            resource=str(entry.get("resource_address") or entry.get("resource") or ""),
            check_class=str(entry.get("check_class") or ""),
            guideline=str(entry["guideline"]) if entry.get("guideline") else None,
            suppress_comment=str(outcome["suppress_comment"]) if outcome.get("suppress_comment") else None,
            job=str(jobs[0]) if isinstance(jobs, list) and jobs else None,
        )

    def _version(self) -> str:
        try:
            data: Any = json.loads(self.results_path.read_text(encoding="utf-8"))
            return str(next(r["summary"]["checkov_version"] for r in _reports(data)))
        except (OSError, ValueError, KeyError, TypeError, StopIteration):
            return ""

    def _stderr_tail(self) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""
        if not text:
            return ""
        tail = text[-self.settings.stderr_tail :]
        return f"; stderr: {tail}"

    def _close(self) -> None:
        for stream in self._streams:
            stream.close()
        self._streams = []


def _reports(data: Any) -> list[dict[str, Any]]:
    """checkov writes a list (one report per framework with results), a single report, or an empty summary."""
    if isinstance(data, list):
        reports = data
    elif isinstance(data, dict) and "check_type" in data:
        reports = [data]
    elif isinstance(data, dict) and "passed" in data and "failed" in data:
        reports = []  # no framework had anything to check
    else:
        raise ValueError(f"unexpected JSON document of type {type(data).__name__}")
    for report in reports:
        if not isinstance(report, dict) or not isinstance(report.get("results"), dict) or "check_type" not in report:
            raise ValueError("a framework report lacks check_type or results")
    return reports


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have exited between the timeout and the kill
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
