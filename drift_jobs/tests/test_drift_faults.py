"""Faults of the environment: each ends with the documented exit code, one line naming the path, and a report
wherever one can be written; reports are never truncated.

Read-only and full filesystems are real tmpfs mounts where this process may mount (root with CAP_SYS_ADMIN), and
otherwise the same fault injected where the job touches the disk (`os.open` for a read-only folder,
`report_json._write_all` for a disk that fills after N bytes); the `mount` cases skip with a reason when they cannot
mount, the `injected` ones always run.
"""

from __future__ import annotations

import errno
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from drift_jobs.contract import EXIT_BAD_INPUT, EXIT_DEPENDENCY, EXIT_INTERNAL
from drift_jobs.errors import BadInputError, DependencyUnavailableError
from drift_jobs.export import report_json
from drift_testkit import CliResult, shifted_table, write_parquet

from drift_jobs import commands, errors

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    ref = write_parquet(shifted_table(4_000, 1, False, 4), tmp_path / "ref.parquet")
    cur = write_parquet(shifted_table(3_000, 2, True, 4), tmp_path / "cur.parquet")
    return ref, cur


def _run(cli: Callable[..., CliResult], data: tuple[Path, Path], out: Path, *extra: str) -> CliResult:
    ref, cur = data
    return cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out), "--run-id", "r1", *extra)


def _error_lines(res: CliResult) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if ln.startswith("drift-job:")]


def _mount_tmpfs(path: Path, options: str) -> Callable[[], None]:
    path.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}); the injected case covers this fault")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the injected case covers this fault")
    return lambda: subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@pytest.fixture(params=["mount", "injected"])
def readonly_dir(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An existing folder on a read-only filesystem (root ignores file modes, so chmod would prove nothing).

    Injected: every open for writing under it (`os.open`, and `io.open` that pathlib uses) fails with EROFS.
    """
    path = tmp_path / "ro"
    if request.param == "mount":
        unmount = _mount_tmpfs(path, "ro,size=64k")
        yield path
        unmount()
        return
    path.mkdir()
    real_open = os.open

    def read_only_open(file: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and str(file).startswith(str(path)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, flags, mode, dir_fd=dir_fd)

    real_io_open = io.open

    def read_only_io_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and str(file).startswith(str(path)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_io_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)
    monkeypatch.setattr(io, "open", read_only_io_open)  # pathlib's write_bytes (local storage writes)
    yield path


class DiskFull:
    """The write layer of a disk with `budget` bytes free: it writes what fits, then fails with ENOSPC.

    A file that did not fit gives its bytes back (the job removes its partial temp file, as a real disk would
    see); a file that was written keeps them.
    """

    def __init__(self, budget: int) -> None:
        self.left = budget

    def __call__(self, fd: int, data: bytes) -> None:
        n = min(len(data), self.left)
        os.write(fd, data[:n])
        if n < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.left -= n


@pytest.fixture(params=["mount", "injected"])
def full_dir(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int], Path]]:
    """A factory: a folder with room for `free` bytes of reports (whole tmpfs pages when mounted)."""
    unmounts: list[Callable[[], None]] = []

    def make(free: int) -> Path:
        path = tmp_path / "full"
        if request.param == "mount":
            unmounts.append(_mount_tmpfs(path, f"size={math.ceil(free / PAGE) * PAGE}"))
        else:
            path.mkdir()
            monkeypatch.setattr(report_json, "_write_all", DiskFull(free))
        return path

    yield make
    for unmount in unmounts:
        unmount()


def _report_sizes(cli: Callable[..., CliResult], data: tuple[Path, Path], tmp_path: Path) -> tuple[int, int]:
    out = tmp_path / "sizing"
    assert _run(cli, data, out).code == 0
    return (out / "drift_report.json").stat().st_size, (out / "drift_report.html").stat().st_size


# --- --out unusable ---------------------------------------------------------------------------------------------


def test_read_only_out_exits_2_with_one_line_naming_it(cli, data, readonly_dir: Path) -> None:
    res = _run(cli, data, readonly_dir)
    assert res.code == EXIT_BAD_INPUT, res.stderr
    lines = _error_lines(res)
    assert len(lines) == 1 and f"--out {readonly_dir}" in lines[0] and "[EROFS]" in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert not list(readonly_dir.iterdir())


def test_read_only_out_still_delivers_the_report_to_the_reports_location(
    cli, data, readonly_dir: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    res = _run(cli, data, readonly_dir, "--reports", str(reports))
    assert res.code == EXIT_BAD_INPUT, res.stderr
    assert _error_lines(res) == [
        f"drift-job: error: --out {readonly_dir}: cannot write drift_report.json, drift_report.html, metrics.prom: "
        "Read-only file system [EROFS]"
    ]
    uploaded = json.loads((reports / "latest" / "drift_report.json").read_text())
    assert uploaded["summary"]["drifted_features"]  # the full report, where it could be written
    assert (reports / "runs" / "r1" / "drift_report.html").is_file()


@pytest.mark.parametrize(("where", "errno_name"), [("afile/out", "ENOTDIR"), ("afile", "EEXIST")])
def test_out_under_or_at_a_file_exits_2_naming_the_path(cli, data, tmp_path: Path, where: str, errno_name: str) -> None:
    (tmp_path / "afile").write_text("")
    out = tmp_path / where
    res = _run(cli, data, out)
    assert res.code == EXIT_BAD_INPUT, res.stderr
    lines = _error_lines(res)
    assert len(lines) == 1 and f"--out {out}: not writable" in lines[0] and f"[{errno_name}]" in lines[0], lines
    assert (tmp_path / "afile").read_text() == ""


# --- full disk --------------------------------------------------------------------------------------------------


def test_full_disk_keeps_the_json_report_written_before_the_html_and_exits_3(
    cli, data, tmp_path: Path, full_dir: Callable[[int], Path]
) -> None:
    json_size, html_size = _report_sizes(cli, data, tmp_path)
    assert html_size > json_size
    out = full_dir(html_size + 256)  # room for either report, not for both: the one written first stays
    res = _run(cli, data, out)
    assert res.code == EXIT_DEPENDENCY, res.stderr
    lines = _error_lines(res)
    assert len(lines) == 1 and f"--out {out}: cannot write drift_report.html" in lines[0] and "[ENOSPC]" in lines[0]
    report = json.loads((out / "drift_report.json").read_text())
    assert report["run_id"] == "r1" and report["summary"]["drifted_features"]  # complete, not an error stub
    assert not (out / "drift_report.html").exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # partial temp files removed


def test_disk_too_full_for_the_report_leaves_a_minimal_error_report(cli, data, full_dir: Callable[[int], Path]) -> None:
    out = full_dir(1024)  # less than the full report, enough for the error stub
    res = _run(cli, data, out)
    assert res.code == EXIT_DEPENDENCY, res.stderr
    stub = json.loads((out / "drift_report.json").read_text())
    assert stub["status"] == "error" and stub["exit_code"] == EXIT_DEPENDENCY and stub["run_id"] == "r1"
    assert "cannot write drift_report.json" in stub["error"] and "[ENOSPC]" in stub["error"]


# --- malformed profiles ------------------------------------------------------------------------------------------


def _stored_profile(cli, data) -> dict[str, Any]:
    ref, _ = data
    path = ref.parent / "profile.json"  # the JSON form, to edit (the default is the binary .npz)
    assert cli("profile", "--reference", str(ref), "--profile", str(path)).code == 0
    return dict(json.loads(path.read_text()))


@pytest.mark.parametrize(
    ("shape", "needle"),
    [
        ("list", "not a drift profile (a JSON list)"),
        ("number", "not a drift profile (a JSON int)"),
        ("no-features", "does not match its content id"),  # a key removed is an altered profile
        ("latin-1", "neither a profile archive nor valid JSON"),
    ],
)
def test_malformed_profile_exits_2_naming_it(cli, data, tmp_path: Path, shape: str, needle: str) -> None:
    path = tmp_path / "bad-profile.json"
    if shape == "list":
        path.write_text("[1, 2]")
    elif shape == "number":
        path.write_text("42")
    elif shape == "no-features":
        doc = _stored_profile(cli, data)
        del doc["features"]
        path.write_text(json.dumps(doc))
    else:
        path.write_bytes(b'{"kind": "drift_profile", "model": "caf\xe9"}')
    _, cur = data
    out = tmp_path / "out"
    res = cli("run", "--profile", str(path), "--current", str(cur), "--out", str(out))
    assert res.code == EXIT_BAD_INPUT, res.stderr
    lines = _error_lines(res)
    assert len(lines) == 1 and str(path) in lines[0] and needle in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert res.report(out)["status"] == "error"


def test_shard_summary_that_is_a_json_list_exits_2_naming_it(cli, data, tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    bad = shards / "summary-shard-0000-of-0001.json"
    bad.write_text("[]")
    res = cli("merge", "--inputs", str(shards), "--out", str(tmp_path / "m"))
    assert res.code == EXIT_BAD_INPUT and len(_error_lines(res)) == 1 and str(bad) in _error_lines(res)[0]


# --- atomic writes ------------------------------------------------------------------------------------------------

_KILLED_WRITER = """
import os, sys, time
from pathlib import Path
from drift_jobs.export import report_json

target, marker = Path(sys.argv[1]), Path(sys.argv[2])

def stall(fd):  # every byte is written; the kill lands before the rename
    marker.write_text("written")
    time.sleep(60)

os.fsync = stall
report_json.atomic_write(target, b'{"report": "new", "pad": "' + b"x" * 1_000_000 + b'"}')
"""


def test_kill_between_write_and_rename_leaves_the_old_report_intact(tmp_path: Path) -> None:
    target = tmp_path / "drift_report.json"
    old = b'{"report": "old"}'
    target.write_bytes(old)
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target), str(marker)])
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), "the writer never reached the point between write and rename"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
    assert target.read_bytes() == old
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".drift_report.json.")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 1_000_000  # the new bytes were all there


def test_failed_write_keeps_old_content_and_removes_the_temp_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "drift_report.html"
    target.write_bytes(b"old")
    monkeypatch.setattr(report_json, "_write_all", DiskFull(10))
    with pytest.raises(OSError, match="No space left"):
        report_json.atomic_write(target, b"new content, longer than ten bytes")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["drift_report.html"]


def test_interrupt_mid_write_leaves_a_whole_report_and_exits_130(cli, data, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert _run(cli, data, out).code == 0
    real_fsync = os.fsync
    calls = {"n": 0}

    def interrupt_once(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupt_once)
    res = _run(cli, data, out)
    assert res.code == 130
    doc = json.loads((out / "drift_report.json").read_text())  # whole: the old report or this run's error stub
    assert doc.get("status") == "error" and doc["error"] == "interrupted"
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


# --- order and bugs -----------------------------------------------------------------------------------------------


def test_bug_after_the_json_report_exits_1_and_keeps_the_full_report(cli, data, tmp_path: Path, monkeypatch) -> None:
    def broken(_ev: object) -> str:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("drift_jobs.commands.render_html", broken)
    out = tmp_path / "out"
    res = _run(cli, data, out)
    assert res.code == EXIT_INTERNAL and "renderer bug" in res.stderr
    assert res.report(out)["summary"]["drifted_features"]  # written first, not replaced by an error stub


def test_value_error_outside_input_parsing_stays_a_bug(cli, data, tmp_path: Path, monkeypatch) -> None:
    def broken(*_: object, **__: object) -> object:
        raise ValueError("evaluator bug")

    monkeypatch.setattr("drift_jobs.commands.evaluate", broken)
    out = tmp_path / "out"
    res = _run(cli, data, out)
    assert res.code == EXIT_INTERNAL and "internal error" in res.stderr
    stub = res.report(out)  # a failure after the window is read still leaves a report saying so
    assert stub["status"] == "error" and stub["exit_code"] == EXIT_INTERNAL and "evaluator bug" in stub["error"]


def test_os_error_with_an_errno_that_is_no_environment_fault_stays_a_bug(
    cli, data, tmp_path: Path, monkeypatch
) -> None:
    def broken(*_: object, **__: object) -> object:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    monkeypatch.setattr("drift_jobs.commands.evaluate", broken)
    assert _run(cli, data, tmp_path / "out").code == EXIT_INTERNAL


# --- the rule itself ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.EROFS, BadInputError),
        (errno.EACCES, BadInputError),
        (errno.ENOTDIR, BadInputError),
        (errno.ENOENT, BadInputError),
        (errno.ENOSPC, DependencyUnavailableError),
        (errno.EDQUOT, DependencyUnavailableError),
        (errno.EIO, DependencyUnavailableError),
        (errno.EBADF, type(None)),
        (None, type(None)),
    ],
)
def test_os_errors_map_by_errno(code: int | None, expected: type) -> None:
    exc = OSError(code, os.strerror(code)) if code is not None else OSError("no errno")
    assert type(errors.os_fault(exc, "where")) is expected


def test_the_documented_errno_lists_are_the_ones_the_job_uses() -> None:
    text = " ".join((ROOT / "docs" / "drift-jobs.md").read_text().split())
    bad = re.search(r"errno (?:is )?one of ([A-Z, ]+) exits 2", text)
    dep = re.search(r"one of ([A-Z, ]+) exits 3", text)
    assert bad and dep, "docs/drift-jobs.md states the errno rule"
    names = {errno.errorcode[c] for c in errors.BAD_PATH_ERRNOS}, {errno.errorcode[c] for c in errors.RESOURCE_ERRNOS}
    assert {n.strip() for n in bad.group(1).split(",")} == names[0]
    assert {n.strip() for n in dep.group(1).split(",")} == names[1]


def test_several_faults_give_one_code_bad_input_first() -> None:
    dep, bad = DependencyUnavailableError("a"), BadInputError("b")
    assert errors.combined_exit_code([]) == 0
    assert errors.combined_exit_code([dep]) == EXIT_DEPENDENCY
    assert errors.combined_exit_code([dep, bad]) == EXIT_BAD_INPUT


def test_sigterm_while_writing_exits_130_and_leaves_the_json_report(cli, data, tmp_path: Path, monkeypatch) -> None:
    real = commands.render_html

    def render_then_sigterm(ev: Any) -> str:  # Kubernetes deletes the pod while the outputs are written
        os.kill(os.getpid(), signal.SIGTERM)
        return real(ev)

    monkeypatch.setattr(commands, "render_html", render_then_sigterm)
    unhandled: list[int] = []

    def fallback(signum: int, _frame: object) -> None:  # reached only when main() does not handle SIGTERM
        unhandled.append(signum)

    before = signal.signal(signal.SIGTERM, fallback)
    try:
        out = tmp_path / "out"
        res = _run(cli, data, out)
        assert signal.getsignal(signal.SIGTERM) is fallback  # main() puts the previous handler back
    finally:
        signal.signal(signal.SIGTERM, before)
    assert not unhandled, "SIGTERM reached the previous handler: main() did not install its own"
    assert res.code == 130, res.stderr
    assert _error_lines(res) == ["drift-job: error: terminated (SIGTERM)"]
    report = json.loads((out / "drift_report.json").read_text())
    assert report["run_id"] == "r1" and report["summary"]["drifted_features"]  # written first, kept
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_local_reports_location_under_a_file_exits_2_after_writing_the_local_outputs(cli, data, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    out = tmp_path / "out"
    res = _run(cli, data, out, "--reports", str(tmp_path / "afile" / "reports"))
    assert res.code == EXIT_BAD_INPUT, res.stderr
    lines = _error_lines(res)
    assert len(lines) == 1 and f"reports {tmp_path / 'afile' / 'reports'}" in lines[0], res.stderr
    report = res.report(out)
    assert report["summary"]["drifted_features"] and len(report["dependency_errors"]) == 3  # 2 uploads, history
    assert (out / "drift_report.html").is_file() and (out / "metrics.prom").is_file()


def test_profile_command_on_a_read_only_location_exits_2_naming_the_profile(cli, data, readonly_dir: Path) -> None:
    ref, _ = data
    profile = readonly_dir / "p.json"
    res = cli("profile", "--reference", str(ref), "--profile", str(profile))
    assert res.code == EXIT_BAD_INPUT, res.stderr
    assert _error_lines(res) == [f"drift-job: error: profile {profile}: cannot write: Read-only file system [EROFS]"]


@pytest.mark.parametrize("readonly_dir", ["injected"], indirect=True)
def test_shard_run_on_a_read_only_out_still_uploads_its_summary_and_exits_2(
    cli, data, readonly_dir: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    res = _run(cli, data, readonly_dir, "--shard", "0/2", "--reports", str(reports))
    assert res.code == EXIT_BAD_INPUT, res.stderr
    assert _error_lines(res) == [
        f"drift-job: error: --out {readonly_dir}: cannot write summary-shard-0000-of-0002.json: "
        "Read-only file system [EROFS]"
    ]
    assert (reports / "runs" / "r1" / "shards" / "summary-shard-0000-of-0002.json").is_file()
