"""Fixtures for the drift job tests: an in-process CLI runner and acceptance data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from drift_jobs.cli import main
from drift_testkit import CliResult, shifted_table, write_parquet


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def acceptance_data(tmp_path: Path) -> tuple[Path, Path]:
    ref = write_parquet(shifted_table(20_000, 1, False), tmp_path / "ref.parquet", 5_000)
    cur = write_parquet(shifted_table(10_000, 2, True), tmp_path / "cur.parquet", 2_500)
    return ref, cur
