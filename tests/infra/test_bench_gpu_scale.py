"""The GPU-scale benchmark's output shape on a tiny stack (2 regions x 2 pools); no timing is asserted."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "gpu" / "bench_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_reports_resources_stages_and_memory(tmp_path: Path) -> None:
    out = tmp_path / "gpu_scale.json"
    assert _bench().main(["--regions", "2", "--pools", "2", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["regions"], result["poolsPerRegion"], result["nodeGroups"]) == (2, 2, 4)
    assert result["resources"] > 0 and result["peakRssMiB"] > 0
    assert set(result["stagesSeconds"]) == {"plan", "placement", "gate"}
    assert set(result["secondsPerResource"]) == {"plan", "placement", "gate", "total"}
    assert result["placement"]["consistent"] is True
    assert result["gate"]["engine"] == "regorus" and result["gate"]["verdict"] in ("pass", "fail")
