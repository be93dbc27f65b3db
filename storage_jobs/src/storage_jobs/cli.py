"""`storage-jobs <subcommand>`: a dispatcher; each subcommand's module parses its own arguments."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from storage_jobs.restore_check.command import main as restore_check

USAGE = "usage: storage-jobs restore-check [...]"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "restore-check":
        return restore_check(args[1:])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
