"""The external binaries the tests start: which Debian package provides each, and what a test does without one.

One list for `.ci/run` (which installs the packages and, with CI set, fails when a binary is still missing) and
for the tests (which skip locally and fail in CI). Runs as a script with the system python3 before the project
environment exists, so only the standard library is imported at module level.

    python3 tests/binaries.py packages   # the packages whose binaries are missing, one a line
    python3 tests/binaries.py check      # lists missing binaries; exit 1 if any and CI is set
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class Binary:
    package: str
    names: tuple[str, ...]  # Debian's name first; upstream's where it differs


BINARIES: dict[str, Binary] = {
    "prometheus": Binary("prometheus", ("prometheus",)),
    "promtool": Binary("prometheus", ("promtool",)),
    "alertmanager": Binary("prometheus-alertmanager", ("prometheus-alertmanager", "alertmanager")),
    "amtool": Binary("prometheus-alertmanager", ("amtool",)),
    "pushgateway": Binary("prometheus-pushgateway", ("prometheus-pushgateway", "pushgateway")),
    # A single-node Ceph with RGW for the object-store tests (tests/support/ceph.py).
    "ceph-mon": Binary("ceph-mon", ("ceph-mon",)),
    "ceph-osd": Binary("ceph-osd", ("ceph-osd",)),
    "ceph-mgr": Binary("ceph-mgr", ("ceph-mgr",)),
    "radosgw": Binary("radosgw", ("radosgw",)),
    "radosgw-admin": Binary("ceph-common", ("radosgw-admin",)),
    "ceph": Binary("ceph-common", ("ceph",)),
    "monmaptool": Binary("ceph-base", ("monmaptool",)),
    # Compiles the drift job's C module (drift_jobs/src/drift_jobs/summarise/_edgescan.c) when `uv sync` builds the
    # package; without it the package installs on the numpy path and test_the_compiled_scan_is_built fails.
    "gcc": Binary("gcc", ("gcc", "cc")),
    # gh's --jq filters, applied by the stand-in gh of tests/test_ci_gh.py as GitHub's CLI would.
    "jq": Binary("jq", ("jq",)),
    # Lays out report.html at 1280 px (tests/policies/gate/test_gate_html_layout.py). Ubuntu's `chromium` package is a
    # snap stub, but GitHub's Ubuntu runners ship Google Chrome (the same engine, the same flags) on PATH.
    "chromium": Binary("chromium", ("chromium", "chromium-browser", "google-chrome")),
}


def find(binary: str) -> str | None:
    """The path of `binary` (a key of BINARIES) on PATH, under any of its names."""
    return next((path for name in BINARIES[binary].names if (path := shutil.which(name))), None)


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing_tool(what: str) -> NoReturn:
    """Skip outside CI; in CI (`CI` set), where .ci/run installs every tool, a missing one is a failure."""
    import pytest  # noqa: PLC0415 (the script mode runs without the project environment)

    if in_ci():
        pytest.fail(f"{what}: .ci/run installs it, so CI must not skip this test")
    pytest.skip(what)


def require(binary: str) -> str:
    """The binary's path; skips the test (fails it in CI) when it is not installed."""
    path = find(binary)
    if path is None:
        missing_tool(f"{binary} not installed (apt-get install -y {BINARIES[binary].package})")
    return path


def main(argv: list[str]) -> int:
    missing = [name for name in BINARIES if find(name) is None]
    if argv == ["packages"]:
        for package in dict.fromkeys(BINARIES[name].package for name in missing):
            print(package)
        return 0
    if argv == ["check"]:
        for name in missing:
            print(f"missing binary: {name} (Debian package {BINARIES[name].package})", file=sys.stderr)
        return 1 if missing and in_ci() else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
