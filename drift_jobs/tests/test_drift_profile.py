"""Reference profiles: exact coarse edges in bounded memory, versioning and staleness."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.config import parse_config
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import Profile, _collect_bins, build_profile, load_profile, save_profile
from drift_jobs.summarise.quantiles import BottomKSample, fine_edges_from_sample
from drift_testkit import write_parquet

RNG = np.random.default_rng(31)


@pytest.mark.parametrize(
    "data",
    [
        RNG.standard_normal(300_000),  # larger than the sample: three-pass path
        RNG.exponential(2.0, 150_000) ** 3,  # heavy tail
        RNG.integers(0, 7, 200_000).astype(float),  # ties: coarse edges collapse
        np.round(RNG.standard_normal(100_000), 2),
    ],
)
def test_coarse_edges_equal_numpy_deciles_and_counts_are_exact(tmp_path, data) -> None:
    write_parquet(pa.table({"x": data}), tmp_path / "r.parquet", 64_000)
    with Storage() as st:
        prof = build_profile(parse_config({"chunk_rows": 50_000}), str(tmp_path / "r.parquet"), st)
    p = prof.numeric["x"]
    expected = np.unique(np.quantile(data, np.arange(1, 10) / 10))
    assert np.array_equal(p.bins.coarse_edges, expected)
    assert np.array_equal(p.summary.cum_le, np.searchsorted(np.sort(data), p.bins.edges, side="right"))
    assert np.array_equal(p.summary.cum_lt, np.searchsorted(np.sort(data), p.bins.edges, side="left"))
    assert p.bins.edges[0] == data.min() and p.bins.edges[-1] == data.max()
    assert p.summary.mean == pytest.approx(data.mean()) and p.summary.std == pytest.approx(data.std())


def test_profile_round_trips_and_is_versioned(tmp_path) -> None:
    t = pa.table({"x": RNG.standard_normal(5_000), "c": RNG.choice(["a", "b"], 5_000)})
    write_parquet(t, tmp_path / "r.parquet")
    with Storage() as st:
        prof = build_profile(parse_config({}), str(tmp_path / "r.parquet"), st)
    doc = json.loads(json.dumps(prof.to_dict()))
    again = Profile.from_dict(doc, "mem")
    assert again.to_dict()["profile_id"] == doc["profile_id"] == prof.profile_id
    doc["schema_version"] = 99
    with pytest.raises(Exception, match="profile schema 99 is not supported"):
        Profile.from_dict(doc, "mem")


def test_changed_reference_rebuilds_the_profile(cli, tmp_path) -> None:
    ref = write_parquet(pa.table({"x": RNG.standard_normal(3_000)}), tmp_path / "ref.parquet")
    cur = write_parquet(pa.table({"x": RNG.standard_normal(3_000)}), tmp_path / "cur.parquet")
    args = ("run", "--reference", str(ref), "--current", str(cur), "--out", str(tmp_path / "o"))
    assert cli(*args).code == 0
    write_parquet(pa.table({"x": RNG.standard_normal(3_500)}), ref)
    res = cli(*args)
    assert res.code == 0 and "stored profile is stale; rebuilding" in res.stderr


def test_npz_profile_round_trips_bit_for_bit(tmp_path) -> None:
    t = pa.table({"x": RNG.standard_normal(20_000), "c": RNG.choice(["a", "b", "c"], 20_000)})
    write_parquet(t, tmp_path / "r.parquet", 6_000)
    with Storage() as st:
        prof = build_profile(parse_config({"chunk_rows": 6_000}), str(tmp_path / "r.parquet"), st)
        save_profile(st, str(tmp_path / "p.npz"), prof)
        again = load_profile(st, str(tmp_path / "p.npz")) or pytest.fail("profile not stored")
    assert (tmp_path / "p.npz").read_bytes()[:4] == b"PK\x03\x04"
    assert again.profile_id == prof.profile_id and again.to_dict() == prof.to_dict()
    for name in ("edges", "coarse_index"):
        assert np.array_equal(getattr(again.numeric["x"].bins, name), getattr(prof.numeric["x"].bins, name))
    assert np.array_equal(again.numeric["x"].summary.cum_lt, prof.numeric["x"].summary.cum_lt)


def test_profile_is_the_same_counted_on_one_thread_or_several(tmp_path) -> None:
    """Pass 2 counts a chunk's columns on the thread pool; the profile must not depend on it."""
    t = pa.table(
        {f"x{i}": RNG.standard_normal(30_000) * (i + 1) for i in range(5)} | {"c": RNG.choice(["a", "b"], 30_000)}
    )
    write_parquet(t, tmp_path / "r.parquet", 7_000)
    with Storage() as st:
        one, many = (
            build_profile(parse_config({"chunk_rows": 7_000, "threads": n}), str(tmp_path / "r.parquet"), st)
            for n in (1, 3)
        )
    assert one.profile_id == many.profile_id


def test_quantile_bins_are_copied_out_of_the_chunk() -> None:
    """Pass 3 keeps a few values per wanted bin, never a view that pins the whole chunk in memory."""
    x = RNG.standard_normal(100_000)
    edges = np.quantile(x, np.linspace(0, 1, 101))
    kept: dict[int, list[np.ndarray]] = {}
    _collect_bins(x, edges, {10, 50}, kept)
    for b, parts in kept.items():
        (part,) = parts
        assert not np.shares_memory(part, x)
        assert np.array_equal(np.sort(part), np.sort(x[(x > edges[b - 1]) & (x <= edges[b])]))


@pytest.mark.parametrize("wanted", [{1}, {10, 11, 12}, {10, 50, 99}, {100}, set(range(1, 101))])
def test_quantile_bins_hold_exactly_the_values_of_each_wanted_bin(wanted) -> None:
    """Right-closed bins (e[b-1], e[b]], adjacent wanted bins sharing an edge, and no NaN or infinity kept."""
    x = np.concatenate((np.round(RNG.standard_normal(50_000), 2), [np.nan, np.inf, -np.inf, np.nan]))
    RNG.shuffle(x)
    edges = np.unique(np.quantile(x[np.isfinite(x)], np.linspace(0, 1, 101)))
    kept: dict[int, list[np.ndarray]] = {}
    _collect_bins(x, edges, wanted, kept)
    for b in range(1, len(edges)):
        expected = x[(x > edges[b - 1]) & (x <= edges[b])]
        got = np.concatenate(kept[b]) if b in kept else np.zeros(0)
        assert np.array_equal(got, expected) if b in wanted else b not in kept, b


def _bottom_k_by_full_selection(chunks: list[np.ndarray], size: int, seed: int) -> np.ndarray:
    """The sample as the plain algorithm keeps it: every key of every chunk joins the selection."""
    rng = np.random.default_rng(seed)
    keys, values = np.zeros(0), np.zeros(0)
    for c in chunks:
        keys, values = np.concatenate((keys, rng.random(len(c)))), np.concatenate((values, c))
        if len(keys) > size:
            keep = np.argpartition(keys, size)[:size]
            keys, values = keys[keep], values[keep]
    return np.sort(values)


@pytest.mark.parametrize("sizes", [[30_000, 70_000, 5, 200_000], [1000] * 50, [10], [65_536, 1]])
def test_bottom_k_sample_keeps_the_same_values_as_a_full_selection(sizes) -> None:
    """Skipping the keys that cannot enter a full sample changes nothing: same draws, same sample."""
    chunks = [RNG.standard_normal(n) for n in sizes]
    sample = BottomKSample(4_096, np.random.default_rng(7))
    for c in chunks:
        sample.add(c)
    assert np.array_equal(np.sort(sample.values), _bottom_k_by_full_selection(chunks, 4_096, 7))
    assert sample.n == sum(sizes) and len(sample.values) == min(4_096, sum(sizes))


@pytest.mark.parametrize("n", [1, 2, 3, 17, 4_096, 65_536])
def test_fine_edges_are_numpy_quantiles_of_the_sample(n) -> None:
    sample = BottomKSample(65_536, np.random.default_rng(3))
    sample.add(np.round(RNG.standard_normal(n) * 1e3) / 7)  # ties and inexact values
    expected = np.quantile(sample.values, np.linspace(0.0, 1.0, 4_097))
    expected[0], expected[-1] = sample.lo, sample.hi
    assert np.array_equal(fine_edges_from_sample(sample, 4_096), np.unique(expected))
