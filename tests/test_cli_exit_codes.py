"""Every command-line tool's --help lists its exit codes, taken from the module's own exit-code constants.

The cases name each CLI's main() and the constants it returns; a code renumbered or added without its help line
fails here. A last test finds every argparse parser in the source tree (benchmarks aside), so a new CLI that is
not listed here fails too.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import drift_jobs.cli as drift_cli
import drift_jobs.contract as drift_contract
import pytest
import storage_jobs.buckets.command as buckets_command
import storage_jobs.cli as storage_cli
import storage_jobs.exit_codes as storage_codes
import storage_jobs.restore_check.command as restore_command
import storage_jobs.restore_check.contract as restore_contract

import infra.components.monitoring.dashboards.build as dashboards_build
import infra.offline.cli as plan_cli
import infra.placement.__main__ as placement_cli
import policies.gate.cli as gate_cli
import policies.gate.docs as gate_docs
from infra.config import pin_image
from policies.gate import verdict

ROOT = Path(__file__).resolve().parents[1]
# Benchmarks are run by `make bench` only and report figures, not verdicts.
NOT_CLIS = ("bench/",)


def _body_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_gh_body_help", ROOT / ".ci" / "gh" / "body.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


body = _body_module()


@dataclass(frozen=True)
class Cli:
    name: str
    main: Callable[[list[str]], object]
    argv: tuple[str, ...]
    codes: tuple[int, ...]
    source: Path


def _source(module: ModuleType) -> Path:
    return Path(module.__file__ or "").resolve()


STORAGE_CODES = (
    storage_codes.EXIT_OK,
    storage_codes.EXIT_INTERNAL,
    storage_codes.EXIT_BAD_INPUT,
    storage_codes.EXIT_UNREACHABLE,
    storage_codes.EXIT_MISMATCH,
)
RESTORE_CODES = (
    restore_contract.EXIT_OK,
    restore_contract.EXIT_VERIFICATION_FAILED,
    restore_contract.EXIT_USAGE,
    restore_contract.EXIT_DEPENDENCY,
    restore_contract.EXIT_NO_BACKUP,
)
DRIFT_CODES = (
    drift_contract.EXIT_OK,
    drift_contract.EXIT_INTERNAL,
    drift_contract.EXIT_BAD_INPUT,
    drift_contract.EXIT_DEPENDENCY,
    drift_cli.EXIT_INTERRUPTED,
)
GATE_CODES = (verdict.EXIT_COMPLIANT, verdict.EXIT_BLOCKING, verdict.EXIT_BAD_INPUT)
PLAN_CODES = (plan_cli.EXIT_OK, plan_cli.EXIT_BAD_INPUT)

CLIS = (
    Cli("python -m policies.gate", gate_cli.main, ("--help",), GATE_CODES, _source(gate_cli)),
    Cli("ai-platform", plan_cli.main, ("--help",), PLAN_CODES, _source(plan_cli)),
    Cli("ai-platform plan", plan_cli.main, ("plan", "--help"), PLAN_CODES, _source(plan_cli)),
    Cli(
        "python -m infra.placement",
        placement_cli.main,
        ("--help",),
        (placement_cli.EXIT_OK, placement_cli.EXIT_UNSATISFIABLE, placement_cli.EXIT_BAD_INPUT),
        _source(placement_cli),
    ),
    Cli(
        "python -m infra.config.pin_image",
        pin_image.main,
        ("--help",),
        (pin_image.EXIT_OK, pin_image.EXIT_BAD_INPUT),
        _source(pin_image),
    ),
    Cli(
        "python -m policies.gate.docs",
        gate_docs.main,
        ("--help",),
        (gate_docs.EXIT_OK, gate_docs.EXIT_STALE, gate_docs.EXIT_USAGE),
        _source(gate_docs),
    ),
    Cli(
        "python -m infra.components.monitoring.dashboards.build",
        dashboards_build.main,
        ("--help",),
        (dashboards_build.EXIT_OK, dashboards_build.EXIT_STALE, dashboards_build.EXIT_USAGE),
        _source(dashboards_build),
    ),
    Cli("drift-job", drift_cli.main, ("--help",), DRIFT_CODES, _source(drift_cli)),
    *(
        Cli(f"drift-job {c}", drift_cli.main, (c, "--help"), DRIFT_CODES, _source(drift_cli))
        for c in ("profile", "run", "merge")
    ),
    Cli("storage-jobs", storage_cli.main, ("--help",), STORAGE_CODES, _source(storage_cli)),
    Cli(
        "storage-jobs buckets",
        storage_cli.main,
        (buckets_command.NAME, "--help"),
        STORAGE_CODES,
        _source(buckets_command),
    ),
    Cli(
        "storage-jobs restore-check",
        storage_cli.main,
        (restore_command.NAME, "--help"),
        RESTORE_CODES,
        _source(restore_command),
    ),
    Cli(
        "storage-jobs restore-check (its own parser)",
        lambda argv: restore_command.parser().parse_args(list(argv)),
        ("--help",),
        RESTORE_CODES,
        _source(restore_command),
    ),
    Cli(
        "python3 .ci/gh/body.py",
        body.main,
        ("--help",),
        (body.EXIT_OK, body.EXIT_BAD_INPUT),
        (ROOT / ".ci" / "gh" / "body.py").resolve(),
    ),
)


def _help(cli: Cli, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.main(list(cli.argv))
    assert exit_.value.code == 0
    out: str = capsys.readouterr().out
    return out


@pytest.mark.parametrize("cli", CLIS, ids=lambda cli: cli.name)
def test_help_lists_every_exit_code(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(cli, capsys)
    _, marker, epilog = text.partition("\nexit codes:\n")
    assert marker, f"{cli.name} --help has no 'exit codes:' section:\n{text}"
    listed = [int(m.group(1)) for m in re.finditer(r"^  (\d+)  \S", epilog, re.MULTILINE)]
    assert listed == list(cli.codes), f"{cli.name}: --help lists {listed}, the module's constants are {cli.codes}"


def test_every_cli_in_the_source_tree_is_checked() -> None:
    parsers = {
        path.resolve()
        for top in ("infra", "policies", "drift_jobs/src", "storage_jobs/src", ".ci")
        for path in (ROOT / top).rglob("*.py")
        if "argparse.ArgumentParser(" in path.read_text(encoding="utf-8")
        and not str(path.relative_to(ROOT)).startswith(NOT_CLIS)
    }
    checked = {cli.source for cli in CLIS}
    # restore-check and buckets build their parsers as subcommands of storage-jobs (cli.py holds the call).
    assert parsers - checked == set(), "a CLI whose --help exit codes no test checks"
