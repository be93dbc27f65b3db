"""Inputs: config validation, CSV dialect and encoding, NPY read in bounded chunks."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from drift_jobs.cli import build_parser, load_config
from drift_jobs.config import JobConfig, parse_config
from drift_jobs.errors import BadInputError
from drift_jobs.read import readers
from drift_jobs.read.readers import NpyFile, TableSource, detect_delimiter
from drift_jobs.read.storage import Storage
from drift_testkit import write_parquet

from drift_jobs import contract

RNG = np.random.default_rng(17)

# --- config --------------------------------------------------------------------------------


def test_defaults_come_from_the_contract() -> None:
    cfg = parse_config({})
    t = cfg.thresholds
    for key, tier in contract.DEFAULT_THRESHOLDS.items():
        used = t.model_wide(key) or getattr(t, key)
        assert (used.warning, used.critical) == (tier["warning"], tier["critical"])
    assert (t.significance, t.dataset_drift_share, t.min_samples) == (
        contract.DEFAULT_SIGNIFICANCE,
        contract.DEFAULT_DATASET_DRIFT_SHARE,
        contract.DEFAULT_MIN_SAMPLES,
    )
    assert cfg.binning.fine_bins == contract.DEFAULT_FINE_BINS and cfg.chunk_rows == contract.DEFAULT_CHUNK_ROWS
    assert cfg.labels == {"model": "unnamed", "model_version": "", "stack": "local", "region": "", "cluster": ""}
    assert cfg.retry.attempts == 4 and cfg.csv.delimiter is None and cfg.csv.encoding == "utf-8"


def test_partial_tiers_take_the_other_bound_from_the_default() -> None:
    cfg = parse_config({"thresholds": {"psi": {"warning": 0.15}, "features": {"age": {"psi": {"critical": 0.5}}}}})
    assert (cfg.thresholds.psi.warning, cfg.thresholds.psi.critical) == (0.15, 0.2)
    age = cfg.thresholds.for_feature("age", "psi")
    assert age is not None and (age.warning, age.critical) == (0.1, 0.5)
    ks = cfg.thresholds.for_feature("other", "ks_statistic")  # the KS module's declared default
    assert ks is not None and (ks.warning, ks.critical) == tuple(contract.DEFAULT_THRESHOLDS["ks_statistic"].values())
    assert cfg.thresholds.for_feature("other", "hellinger") is None  # a metric without default tiers


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ({"modle": "x"}, "config modle: unknown key; allowed: adaptive,"),
        ({"thresholds": {"features": {"age": {"psi": {"warning": "0.1"}}}}}, "thresholds.features.age.psi.warning"),
        ({"thresholds": {"features": {"age": {"psi": {"warning": 0.3, "critical": 0.2}}}}}, "features.age.psi:"),
        ({"thresholds": {"features": {"age": {"hellinger": {"warning": 0.1}}}}}, "hellinger.critical: required"),
        ({"thresholds": {"hellinger": {"warning": 0.1}}}, "config thresholds.hellinger.critical: required"),
        ({"thresholds": {"ks_statistic": {"warning": 0.5}}}, "config thresholds.ks_statistic: "),
        ({"thresholds": {"psy": {}}}, "config thresholds.psy: unknown key; allowed: accuracy_drop,"),
        ({"thresholds": {"effects": {}}}, "config thresholds.effects : unknown key"),
        ({"thresholds": {"features": {"age": {"psy": {}}}}}, 'thresholds.features.age.psy: "psy" is invalid'),
        ({"thresholds": {"psi": {"warning": True}}}, "config thresholds.psi.warning"),
        ({"binning": {"fine_bins": 8}}, "config binning.fine_bins: 8 is invalid"),
        ({"retry": {"attempts": 0}}, "config retry.attempts"),
        ({"retry": {"jitter": 1}}, "config retry.jitter: unknown key; allowed: attempts, backoff_seconds"),
        ({"chunk_rows": "1000"}, "config chunk_rows"),
        ({"numeric_features": ["a", "a"]}, "config numeric_features"),
        ({"numeric_features": ["a"], "categorical_features": ["a"]}, "config categorical_features"),
        ({"csv": {"delimiter": "::"}}, "config csv.delimiter"),
        ({"csv": {"encoding": "klingon"}}, 'config csv.encoding: "klingon" is invalid: unknown text encoding'),
        ({"reference": ""}, "config reference"),
    ],
)
def test_config_errors_are_one_line_naming_the_key_path(raw: dict, needle: str) -> None:
    with pytest.raises(BadInputError) as err:
        parse_config(raw)
    message = str(err.value)
    assert needle in message and "\n" not in message


def test_config_error_exits_2_through_the_cli(cli, tmp_path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"thresholds": {"features": {"age": {"psi": {"warning": -1}}}}}))
    res = cli("run", "--config", str(path), "--current", "x.parquet", "--out", str(tmp_path / "o"))
    assert res.code == 2 and "config thresholds.features.age.psi.warning: -1 is invalid" in res.stderr


def test_flags_win_over_the_file_for_the_csv_section(cli, tmp_path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"csv": {"delimiter": ";", "encoding": "latin-1"}}))
    args = build_parser().parse_args(["run", "--config", str(path), "--out", "o", "--csv-delimiter", "tab"])
    cfg: JobConfig = load_config(args)
    assert cfg.csv.delimiter == "\t" and cfg.csv.encoding == "iso8859-1"


# --- CSV -------------------------------------------------------------------------------------


def _reference(tmp_path: Path) -> Path:
    return write_parquet(
        pa.table({"x": RNG.standard_normal(3_000), "y": RNG.standard_normal(3_000)}), tmp_path / "ref.parquet"
    )


def _csv_lines(n: int, delimiter: str = ",") -> list[str]:
    rows = [delimiter.join(("x", "note", "y"))]
    rows += [delimiter.join((f"{v:.6f}", "fine", f"{w:.6f}")) for v, w in RNG.standard_normal((n, 2))]
    return rows


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiter_is_detected(delimiter: str, name: str) -> None:
    assert detect_delimiter("\n".join(_csv_lines(20, delimiter)) + "\n") == delimiter, name


def test_delimiter_detection_respects_quotes() -> None:
    sample = 'a;b;c\n"1,5";"x, y";3\n"2,5";"z";4\n'
    assert detect_delimiter(sample) == ";"


def test_undecodable_byte_in_an_unread_column_is_ignored(cli, tmp_path) -> None:
    ref = _reference(tmp_path)
    lines = [line.encode() for line in _csv_lines(2_000)]
    lines[1500] = lines[1500].replace(b"fine", b"caf\xe9")  # latin-1 byte in a column no feature reads
    cur = tmp_path / "cur.csv"
    cur.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out"
    res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out))
    assert res.code == 0, res.stderr
    report = json.loads((out / "drift_report.json").read_text())
    assert report["summary"]["features_evaluated"] == 2


@pytest.mark.parametrize("block_bytes", [None, 4_096])
def test_undecodable_byte_in_a_read_column_exits_2_naming_row_and_column(
    cli, tmp_path, monkeypatch, block_bytes: int | None
) -> None:
    if block_bytes:  # the row is counted across blocks
        monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", block_bytes)
    ref = _reference(tmp_path)
    lines = [line.encode() for line in _csv_lines(2_000)]
    x, note, y = lines[1234].split(b",")
    lines[1234] = b",".join((x + b"\xff", note, y))  # data row 1234
    cur = tmp_path / "cur.csv"
    cur.write_bytes(b"\n".join(lines) + b"\n")
    res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(tmp_path / "out"))
    assert res.code == 2
    assert "row 1234, column 'x'" in res.stderr and "csv.encoding" in res.stderr


def test_configured_encoding_reads_latin1(cli, tmp_path) -> None:
    ref = write_parquet(pa.table({"city": pa.array(["Köln", "Zürich", "Malmö"] * 1_000)}), tmp_path / "ref.parquet")
    cur = tmp_path / "cur.csv"
    cur.write_bytes(("city\n" + "Köln\nZürich\nMalmö\n" * 500).encode("latin-1"))
    out = tmp_path / "out"
    res = cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out), "--csv-encoding", "latin-1")
    assert res.code == 0, res.stderr
    report = json.loads((out / "drift_report.json").read_text())
    city = report["features"][0]
    assert city["status"] == "ok" and city["unseen_share"] == 0.0 and city["n_current"] == 1_500


def test_semicolon_csv_reference_and_window(cli, tmp_path) -> None:
    table = pa.table({"x": RNG.standard_normal(2_000), "y": RNG.standard_normal(2_000)})
    for name in ("ref.csv", "cur.csv"):
        pacsv.write_csv(table, tmp_path / name, pacsv.WriteOptions(delimiter=";"))
    out = tmp_path / "out"
    res = cli(
        "run", "--reference", str(tmp_path / "ref.csv"), "--current", str(tmp_path / "cur.csv"), "--out", str(out)
    )
    assert res.code == 0, res.stderr
    report = json.loads((out / "drift_report.json").read_text())
    assert [f["name"] for f in report["features"]] == ["x", "y"] and report["summary"]["status"] == "ok"


# --- NPY -------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["c2d", "fortran", "structured", "1d"])
def test_npy_row_ranges_equal_numpy(tmp_path, layout: str) -> None:
    data = RNG.standard_normal((1_001, 3))
    if layout == "fortran":
        arr = np.asfortranarray(data)
    elif layout == "structured":
        arr = np.zeros(1_001, dtype=[("a", "f8"), ("b", "i4"), ("c", "f4")])
        arr["a"], arr["b"], arr["c"] = data[:, 0], np.arange(1_001), data[:, 2]
    elif layout == "1d":
        arr = data[:, 0].copy()
    else:
        arr = data
    path = tmp_path / "w.npy"
    np.save(path, arr)
    npy = NpyFile(str(path), path)
    assert npy.rows == 1_001
    got = npy.read(100, 357, None)
    for j, name in enumerate(npy.names):
        expected = arr[name] if arr.dtype.names else (arr if arr.ndim == 1 else arr[:, j])
        np.testing.assert_array_equal(got[name], expected[100:357])
    assert set(npy.read(0, 5, {npy.names[-1]})) == {npy.names[-1]}


def test_npy_is_read_in_bounded_chunks_without_a_memory_map(tmp_path) -> None:
    rows, width, chunk = 400_000, 4, 16_384
    path = tmp_path / "big.npy"
    np.save(path, RNG.standard_normal((rows, width)))  # 12.8 MB
    with Storage() as st:
        source = TableSource(str(path), st, chunk)
        units = source.units()
        assert len(units) == -(-rows // chunk)
        tracemalloc.start()
        total = 0
        for k, c in enumerate(source.iter_chunks(units, {"col_1", "col_3"})):
            total += c.num_rows
            if k == 3:
                maps = Path("/proc/self/maps")
                if maps.exists():
                    assert str(path) not in maps.read_text()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert total == rows
    # One chunk of all columns plus the two columns taken from it: far below the 12.8 MB file.
    assert peak < 4 * chunk * width * 8


def test_truncated_npy_is_bad_input(tmp_path) -> None:
    path = tmp_path / "t.npy"
    np.save(path, RNG.standard_normal((1_000, 2)))
    path.write_bytes(path.read_bytes()[:-800])
    with pytest.raises(BadInputError, match="truncated NPY"):
        NpyFile(str(path), path)


def test_null_sections_and_labels_take_their_defaults() -> None:
    cfg = parse_config({"adaptive": None, "thresholds": {"psi": None, "features": None}, "model": None, "csv": None})
    assert cfg.adaptive.enabled is False and cfg.model == "unnamed" and cfg.csv.encoding == "utf-8"
    assert cfg.thresholds.psi.warning == contract.DEFAULT_THRESHOLDS["psi"]["warning"]
