"""Helpers for the drift job tests: synthetic tables and files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from drift_jobs.config import parse_config
from drift_jobs.evaluate.evaluator import Evaluation, evaluate
from drift_jobs.read.readers import TableSource
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import build_profile
from drift_jobs.summarise.summary import summarise_window

from tests import binaries

SHIFTED = ("f0", "f1", "f2", "f3", "f4")


def shifted_table(n: int, seed: int, shift: bool, n_features: int = 20) -> pa.Table:
    """Twenty standard-normal features; with shift, f0..f4 move in five different ways."""
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    for j in range(n_features):
        x = rng.standard_normal(n)
        if shift and j < 5:
            x = [
                x + 0.5,  # location
                x * 1.8,  # scale
                rng.exponential(1.0, n) - 1.0,  # shape
                x - 0.6,  # location, other side
                np.where(rng.random(n) < 0.4, x + 2.5, x),  # mixture
            ][j]
        cols[f"f{j}"] = x
    return pa.table(cols)


def write_parquet(table: pa.Table, path: Path, row_group_size: int | None = None) -> Path:
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def report(self, out: Path) -> dict[str, Any]:
        return dict(json.loads((out / "drift_report.json").read_text()))


def evaluate_tables(
    tmp_path: Path, reference: pa.Table, current: pa.Table, config: dict[str, Any] | None = None
) -> Evaluation:
    """Profile `reference`, summarise `current` and evaluate, in process (no CLI, no outputs)."""
    ref = write_parquet(reference, tmp_path / "eval-ref.parquet")
    cur = write_parquet(current, tmp_path / "eval-cur.parquet")
    cfg = parse_config(config or {})
    with Storage() as st:
        profile = build_profile(cfg, str(ref), st)
        summary = summarise_window(profile, TableSource(str(cur), st, cfg.chunk_rows), (0, 1))
    return evaluate(cfg, profile, summary, [], None)


# Kept for importers of this module: the one helper for every external tool lives in tests/binaries.py.
missing_tool = binaries.missing_tool
