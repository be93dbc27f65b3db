"""Where a SARIF result points: a repository-relative artifact URI against `%SRCROOT%`, or no file at all.

GitHub code scanning annotates a PR's diff only at a path relative to the repository root (its SARIF support
resolves `uriBaseId: %SRCROOT%` against the checkout itself). Findings carry display paths (relative to the
repository root where the file lies inside it, else absolute); an absolute path, one that climbs out with `..`,
or a file outside the repository has no repository URI, and the report must never show a machine's paths.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath
from urllib.parse import quote

SRCROOT = "%SRCROOT%"


def repository_uri(file: str, repo_root: Path) -> str | None:
    """`infra/cluster.py` → `infra/cluster.py` (percent-encoded); None for a file outside the repository."""
    if not file:
        return None
    path = file
    if PurePosixPath(path).is_absolute():
        try:
            path = Path(path).resolve().relative_to(repo_root.resolve()).as_posix()
        except ValueError:
            return None
    normal = posixpath.normpath(path)  # drops `./` and `a/../`
    if normal in (".", "..") or normal.startswith("../") or normal.startswith("/"):
        return None
    # A URI reference, not a file name: spaces, `#`, `%` and non-ASCII are percent-encoded; `/` stays.
    return quote(normal, safe="/")


def artifact_location(file: str, repo_root: Path) -> dict[str, str] | None:
    uri = repository_uri(file, repo_root)
    return None if uri is None else {"uri": uri, "uriBaseId": SRCROOT}
