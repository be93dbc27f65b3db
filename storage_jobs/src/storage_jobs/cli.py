"""`storage-jobs`: a small dispatcher, one module per subcommand.

A subcommand module has NAME, HELP, `register(parser)` and `run(args) -> int`. Modules listed here but not
installed are left out, so each subcommand lands on its own.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from storage_jobs.exit_codes import EPILOG, EXIT_INTERNAL

SUBCOMMANDS = (
    "storage_jobs.buckets.command",
    "storage_jobs.restore_check.command",
)

log = logging.getLogger("storage_jobs")


def _installed(module: str) -> bool:
    package = module.rpartition(".")[0]
    return importlib.util.find_spec(package) is not None


def subcommands() -> list[ModuleType]:
    return [importlib.import_module(m) for m in SUBCOMMANDS if _installed(m)]


def parser(modules: Sequence[ModuleType]) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="storage-jobs",
        description="Storage jobs of the platform: apply the bucket contract, verify backups.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
    for module in modules:
        module.register(
            sub.add_parser(
                module.NAME,
                help=module.HELP,
                # Each subcommand documents its own exit codes; the bucket codes are the default.
                epilog=getattr(module, "EPILOG", EPILOG),
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    modules = {m.NAME: m for m in subcommands()}
    args = parser(list(modules.values())).parse_args(argv)
    try:
        return int(modules[args.subcommand].run(args))
    except Exception:
        log.exception("internal error")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
