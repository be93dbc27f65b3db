"""The RGW-vs-local drift benchmark stays runnable: a tiny window end to end on the real RGW; no timing asserted."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.binaries import require

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_rgw", ROOT / "bench" / "storage" / "bench_rgw.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_reports_both_sides_and_the_streaming_ratio(tmp_path: Path) -> None:
    require("radosgw")
    out = tmp_path / "storage_rgw.json"
    assert _bench().main(["--rows", "5000", "--repeats", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["rows"], result["features"]) == (5000, 20)
    for side in ("local", "rgw"):
        assert result[side]["rows_per_s"] > 0 and result[side]["peak_rss_mb_median"] > 0
        assert result[side]["drifted"] == ["f0", "f1", "f4"]
    assert result["rss_ratio_rgw_over_local"] > 0
    assert set(result["streaming"]) == {"max_rss_ratio", "pass"}
    assert result["same_verdict"] is True
