"""The JSON report's bytes, atomic local writes, and the local output folder (`--out`) of one run.

Every local output is written to a temporary file in the same folder, fsynced and renamed over the old one, so a
kill or a full disk mid-write never leaves a truncated report: readers see the old file or the new one. A failed
local write is an environment fault (exit 2 or 3 by errno, `drift_jobs.errors`), collected, not raised, so that the
run still delivers what it can (the Pushgateway, the uploads).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drift_jobs.contract import REPORT_SCHEMA_VERSION
from drift_jobs.errors import DriftJobError, describe_os_error, fault_class, os_fault
from drift_jobs.evaluate.report import DriftReport, json_bytes

REPORT_JSON = "drift_report.json"
REPORT_HTML = "drift_report.html"
METRICS_FILE = "metrics.prom"


def report_bytes(report: DriftReport | dict[str, Any]) -> bytes:
    """The report as written everywhere (local file, uploads): the typed report, or a minimal error report."""
    return report.to_json() if isinstance(report, DriftReport) else json_bytes(report)


def error_report(labels: dict[str, str], message: str, code: int, run_id: str | None = None) -> dict[str, Any]:
    """What a failed run leaves where its report would be: small, so it fits where the full one did not."""
    doc: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "kind": "drift_report",
        "status": "error",
        "error": message,
        "exit_code": code,
        **labels,
    }
    if run_id is not None:
        doc["run_id"] = run_id
    return doc


def _write_all(fd: int, data: bytes) -> None:
    """The one place bytes of a local output reach the disk (the fault tests patch it)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename itself is still atomic
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that `path` holds either its old content or all of `data`, never a part.

    Temp file in the same folder (same filesystem, so the rename is atomic), fsync, rename, fsync the folder.
    On any failure the temp file is removed (on a full disk that gives its space back) and the error raised.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides, as for open()
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


class OutputFolder:
    """The run's `--out` folder: atomic writes whose faults are collected with their exit code."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.report_written = False  # this run's full JSON report is on disk
        self._last: DriftJobError | None = None
        # Files refused for one reason are one fault: `--out X: cannot write a, b: Read-only file system [EROFS]`.
        self._refused: dict[tuple[type[DriftJobError], str], list[str]] = {}

    @property
    def faults(self) -> list[DriftJobError]:
        return [
            cls(f"--out {self.out}: cannot write {', '.join(names)}: {reason}")
            for (cls, reason), names in self._refused.items()
        ]

    def _fault(self, exc: OSError, name: str) -> DriftJobError:
        cls = fault_class(exc)
        if cls is None:
            raise exc  # an errno that is no environment fault: a bug, not hidden
        reason = describe_os_error(exc)
        self._refused.setdefault((cls, reason), []).append(name)
        return cls(f"--out {self.out}: cannot write {name}: {reason}")

    def prepare(self) -> DriftJobError | None:
        """Create the folder and prove it writable (root ignores modes, so try, don't stat); the fault if not."""
        probe = self.out / f".write-test.{os.getpid()}.{secrets.token_hex(4)}"
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            probe.unlink()
        except OSError as exc:
            fault = os_fault(exc, f"--out {self.out}: not writable")
            if fault is None:
                raise
            return fault
        return None

    def write(self, name: str, data: bytes | Callable[[], bytes], label: str | None = None) -> bool:
        """Write one output atomically; False (fault collected, as `label` or `name`) when the environment refused."""
        try:
            payload = data() if callable(data) else data
            self.out.mkdir(parents=True, exist_ok=True)
            atomic_write(self.out / name, payload)
        except OSError as exc:
            self._last = self._fault(exc, label or name)
            return False
        return True

    def write_report(self, report: DriftReport, labels: dict[str, str], run_id: str | None) -> bool:
        """The full JSON report; when it cannot be written, a minimal error report in its place (if that fits)."""
        if self.write(REPORT_JSON, lambda: report_bytes(report)):
            self.report_written = True
            return True
        fault = self._last
        assert fault is not None  # write() returned False
        self.write_error(labels, str(fault), fault.exit_code, run_id)
        return False

    def write_error(self, labels: dict[str, str], message: str, code: int, run_id: str | None = None) -> None:
        """Best effort: leave a machine-readable trace of a failed run. Never replaces this run's full report."""
        if self.report_written:
            return
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            atomic_write(self.out / REPORT_JSON, report_bytes(error_report(labels, message, code, run_id)))
        except OSError:
            pass  # the error line on stderr is the record; nothing else can be written here
