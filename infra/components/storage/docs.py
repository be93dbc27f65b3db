"""The purposes-and-lifecycle table of docs/storage.md, generated from the storage contract's data file.

`python -m infra.components.storage.docs` rewrites the table between its markers; a test keeps it current.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

from infra.components.storage.contract import ROOT, locked_purposes, log_purpose, storage_contract

DOC: Final = ROOT / "docs" / "storage.md"
# The key layout of each purpose. The first segment is always the model (or, for backups, the application): the
# grants of the bucket contract and the per-model log retention key on it.
KEY_LAYOUT: Final = {
    "datasets": "`<model>/<dataset version>/…`; reference windows `<model>/reference/`",
    "models": "`<model>/<model version>/…`",
    "inference-logs": "`<model>/<model version>/<yyyy>/<mm>/<dd>/…`; the current window `<model>/latest/`",
    "drift-reports": "`<model>/runs/<yyyymmdd>/…`, `<model>/latest/`, `<model>/history/`",
    "backups": "`<application>/<yyyy>/<mm>/<dd>/…`",
}
START: Final = "<!-- purposes:start (generated: python -m infra.components.storage.docs) -->"
END: Final = "<!-- purposes:end -->"


def _days(value: int) -> str:
    return "never" if value == 0 else f"{value} days"


def render_table() -> str:
    rows = [
        "| Purpose | Keys | Cold after (Ceph) | Expire after | Noncurrent versions expire | Object lock |",
        "|---|---|---|---|---|---|",
    ]
    for purpose, entry in storage_contract()["purposes"].items():
        lifecycle = entry["lifecycle"]
        expire = _days(int(lifecycle["expireAfterDays"]))
        if purpose == log_purpose():
            expire += "; each model's `logRetentionDays` under `<model>/`"
        if purpose in locked_purposes():
            expire = "`storage.backup.retentionDays`"
        noncurrent = _days(int(lifecycle["expireNoncurrentAfterDays"]))
        lock = "—"
        if purpose in locked_purposes():
            noncurrent = "the longer of `retentionDays` and `objectLockDays`"
            lock = "`storage.backup.objectLockDays`, COMPLIANCE"
        rows.append(
            f"| `{purpose}` | {KEY_LAYOUT[purpose]} | {_days(int(lifecycle['coldAfterDays']))} | {expire} "
            f"| {noncurrent} | {lock} |"
        )
    return "\n".join(rows)


def current_table(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def rewrite(path: Path = DOC) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{render_table()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    rewrite()
    sys.exit(0)
