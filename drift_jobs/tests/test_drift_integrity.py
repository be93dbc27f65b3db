"""Profile integrity: content id verified on load, optional HMAC, malformed profiles exit 2, cached ones rebuilt."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from drift_jobs.config import parse_config
from drift_jobs.contract import EXIT_BAD_INPUT, PROFILE_SUFFIX
from drift_jobs.read.storage import Storage
from drift_jobs.summarise.profile import build_profile, load_profile, save_profile
from drift_jobs.summarise.profile_format import (
    HMAC_KEY_ENV,
    HMAC_KEY_FILE_ENV,
    META_MEMBER,
    ProfileError,
    content_digest,
    legacy_content_id,
)
from drift_testkit import shifted_table, write_parquet


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    ref = write_parquet(shifted_table(4_000, 1, False, 3), tmp_path / "ref.parquet")
    cur = write_parquet(shifted_table(2_000, 2, True, 3), tmp_path / "cur.parquet")
    return ref, cur


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HMAC_KEY_ENV, raising=False)
    monkeypatch.delenv(HMAC_KEY_FILE_ENV, raising=False)


def read_npz(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(npz[META_MEMBER].tobytes())
        arrays = {k: npz[k].copy() for k in npz.files if k != META_MEMBER}
    return meta, arrays


def write_npz(path: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray], reseal: bool = False) -> None:
    if reseal:  # a forger who recomputes the id: integrity holds, the consistency checks must catch it
        digest = content_digest(meta, arrays)
        meta["content_sha256"], meta["profile_id"] = digest, digest[:16]
    buf = io.BytesIO()
    np.savez(buf, **{META_MEMBER: np.frombuffer(json.dumps(meta).encode(), np.uint8)}, **arrays)
    path.write_bytes(buf.getvalue())


def make_profile(cli, ref: Path, profile: Path) -> None:
    res = cli("profile", "--reference", str(ref), "--profile", str(profile))
    assert res.code == 0, res.stderr


def run(cli, ref: Path, cur: Path, out: Path, *extra: str):
    return cli("run", "--reference", str(ref), "--current", str(cur), "--out", str(out), *extra)


def array_ref(meta: dict[str, Any], feature: str, *path: str) -> dict[str, Any]:
    node: Any = meta["numeric"][feature]
    for p in path:
        node = node[p]
    return dict(node)


def array_view(meta: dict[str, Any], arrays: dict[str, np.ndarray], feature: str, *path: str) -> np.ndarray:
    """The stored values of one array of the profile, writable in place."""
    ref = array_ref(meta, feature, *path)
    return arrays[ref["array"]][ref["offset"] : ref["offset"] + ref["length"]]


# --- content id ------------------------------------------------------------------------------------


def test_altered_statistic_with_id_kept_exits_2_naming_the_profile(cli, data, tmp_path) -> None:
    ref, cur = data
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    assert run(cli, ref, cur, tmp_path / "ok", "--profile", str(prof)).code == 0
    meta, arrays = read_npz(prof)
    cum_le = array_view(meta, arrays, "f0", "summary", "cum_le")
    cum_le[len(cum_le) // 2 :] += 1  # one statistic nudged, monotone, id untouched
    write_npz(prof, meta, arrays)
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT
    assert f"{prof}: profile content does not match its content id" in res.stderr


def test_altered_metadata_with_id_kept_exits_2(cli, data, tmp_path) -> None:
    ref, cur = data
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    meta, arrays = read_npz(prof)
    meta["numeric"]["f0"]["summary"]["m2"] *= 25.0  # sigma x5: the normalised Wasserstein would shrink
    write_npz(prof, meta, arrays)
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and str(prof) in res.stderr and "content id" in res.stderr


def test_zeroed_id_exits_2(cli, data, tmp_path) -> None:
    ref, cur = data
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    meta, arrays = read_npz(prof)
    meta["profile_id"], meta["content_sha256"] = "0" * 16, "0" * 64
    write_npz(prof, meta, arrays)
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and f"{prof}: profile content does not match" in res.stderr


def test_tampered_cached_profile_is_rebuilt_with_a_warning(cli, data, tmp_path) -> None:
    ref, cur = data
    assert run(cli, ref, cur, tmp_path / "first").code == 0
    cached = ref.parent / (ref.name + PROFILE_SUFFIX)
    meta, arrays = read_npz(cached)
    good_id = meta["profile_id"]
    meta["numeric"]["f1"]["summary"]["mean"] += 3.0
    write_npz(cached, meta, arrays)
    res = run(cli, ref, cur, tmp_path / "second")
    assert res.code == 0, res.stderr
    assert "stored profile is corrupt or tampered; rebuilding" in res.stderr
    with Storage() as st:
        again = load_profile(st, str(cached))  # rewritten, and valid again
    assert again is not None and again.profile_id == good_id


def test_truncated_cached_profile_is_rebuilt_but_a_named_one_exits_2(cli, data, tmp_path) -> None:
    ref, cur = data
    assert run(cli, ref, cur, tmp_path / "first").code == 0
    cached = ref.parent / (ref.name + PROFILE_SUFFIX)
    cached.write_bytes(cached.read_bytes()[:1000])
    res = run(cli, ref, cur, tmp_path / "second")
    assert res.code == 0 and "rebuilding" in res.stderr
    named = tmp_path / "named.npz"
    named.write_bytes(cached.read_bytes()[:1000])
    res = run(cli, ref, cur, tmp_path / "third", "--profile", str(named))
    assert res.code == EXIT_BAD_INPUT and f"{named}: profile archive is corrupt or truncated" in res.stderr


# --- malformed profiles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"[1, 2, 3]", "not a drift profile (a JSON list)"),
        (b'"text"', "not a drift profile (a JSON str)"),
        (b"\x00\x01garbage", "profile is neither a profile archive nor valid JSON"),
        (b'{"kind": "something else"}', "not a drift profile"),
    ],
)
def test_profile_that_is_not_a_profile_exits_2_naming_it(cli, data, tmp_path, content, needle) -> None:
    ref, cur = data
    prof = tmp_path / "p.json"
    prof.write_bytes(content)
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT, res.stderr
    assert f"{prof}: {needle}" in res.stderr


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ("coarse_index_out_of_range", "coarse index out of range"),
        ("cum_le_shorter", "cumulative counts"),
        ("edges_unsorted", "edges must be finite and strictly increasing"),
        ("category_counts_short", "buckets but"),
        ("feature_without_statistics", "numeric features"),
    ],
)
def test_inconsistent_profile_exits_2_even_with_a_valid_id(cli, tmp_path, change, needle) -> None:
    rng = np.random.default_rng(3)
    t = pa.table({"x": rng.standard_normal(3_000), "y": rng.standard_normal(3_000), "c": rng.choice(["a", "b"], 3_000)})
    ref = write_parquet(t, tmp_path / "ref.parquet")
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    meta, arrays = read_npz(prof)
    if change == "coarse_index_out_of_range":
        meta["numeric"]["x"]["coarse_index"][-1] = 10**6
    elif change == "cum_le_shorter":
        meta["numeric"]["x"]["summary"]["cum_le"]["length"] -= 5
    elif change == "edges_unsorted":
        edges = array_view(meta, arrays, "x", "edges")
        edges[:] = edges[::-1].copy()
    elif change == "category_counts_short":
        meta["categorical"]["c"]["summary"]["counts"] = meta["categorical"]["c"]["summary"]["counts"][:-1]
    elif change == "feature_without_statistics":
        del meta["numeric"]["y"]
    write_npz(prof, meta, arrays, reseal=True)
    res = cli(
        "run", "--reference", str(ref), "--current", str(ref), "--out", str(tmp_path / "o"), "--profile", str(prof)
    )
    assert res.code == EXIT_BAD_INPUT, res.stderr
    assert f"{prof}: profile is inconsistent" in res.stderr and needle in res.stderr


def test_out_of_range_latency_bin_exits_2(tmp_path) -> None:
    rng = np.random.default_rng(4)
    t = pa.table({"x": rng.standard_normal(2_000), "lat": rng.exponential(0.1, 2_000)})
    ref = write_parquet(t, tmp_path / "ref.parquet")
    prof = tmp_path / "p.npz"
    with Storage() as st:
        p = build_profile(parse_config({"latency_column": "lat"}), str(ref), st)
        save_profile(st, str(prof), p)
        meta, arrays = read_npz(prof)
        for bad in (10**7, -1):  # an IndexError once, a silent wrap-around the other time
            meta["latency"]["bins"][-1] = bad
            write_npz(prof, meta, arrays, reseal=True)
            with pytest.raises(ProfileError, match=r"latency histogram bin index out of range|malformed"):
                load_profile(st, str(prof))


# --- JSON and legacy profiles ----------------------------------------------------------------------


def test_json_profile_is_written_for_a_json_uri_and_verified(cli, data, tmp_path) -> None:
    ref, cur = data
    prof = tmp_path / "p.json"
    make_profile(cli, ref, prof)
    doc = json.loads(prof.read_text())
    assert doc["kind"] == "drift_profile" and len(doc["content_sha256"]) == 64
    assert run(cli, ref, cur, tmp_path / "ok", "--profile", str(prof)).code == 0
    doc["numeric"]["f2"]["summary"]["n"] += 1
    prof.write_text(json.dumps(doc))
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and "content id" in res.stderr


def test_legacy_json_profile_is_read_and_verified_with_its_own_id(cli, data, tmp_path) -> None:
    ref, cur = data
    with Storage() as st:
        p = build_profile(parse_config({}), str(ref), st)
    body = p.to_dict()  # the old layout: no integrity fields, id over the sorted JSON body
    body["profile_id"] = legacy_content_id(body)
    prof = tmp_path / "legacy.json"
    prof.write_text(json.dumps(body))
    ok = run(cli, ref, cur, tmp_path / "ok", "--profile", str(prof))
    assert ok.code == 0, ok.stderr
    assert ok.report(tmp_path / "ok")["profile_id"] == body["profile_id"]
    body["numeric"]["f0"]["summary"]["mean"] = 9.0
    prof.write_text(json.dumps(body))
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and f"{prof}: profile content does not match" in res.stderr


# --- HMAC -------------------------------------------------------------------------------------------


def test_hmac_signs_and_requires_a_valid_signature(cli, data, tmp_path, monkeypatch) -> None:
    ref, cur = data
    prof = tmp_path / "p.npz"
    unsigned = tmp_path / "unsigned.npz"
    make_profile(cli, ref, unsigned)
    monkeypatch.setenv(HMAC_KEY_ENV, "first-key")
    make_profile(cli, ref, prof)
    assert len(read_npz(prof)[0]["signature"]) == 64
    assert run(cli, ref, cur, tmp_path / "ok", "--profile", str(prof)).code == 0
    res = run(cli, ref, cur, tmp_path / "u", "--profile", str(unsigned))
    assert res.code == EXIT_BAD_INPUT and f"{unsigned}: profile is not signed" in res.stderr
    monkeypatch.setenv(HMAC_KEY_ENV, "another-key")
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and "signature does not verify" in res.stderr


def test_hmac_key_from_a_mounted_file(cli, data, tmp_path, monkeypatch) -> None:
    ref, cur = data
    key_file = tmp_path / "key"
    key_file.write_text("mounted-secret\n")
    monkeypatch.setenv(HMAC_KEY_FILE_ENV, str(key_file))
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    assert run(cli, ref, cur, tmp_path / "ok", "--profile", str(prof)).code == 0
    monkeypatch.setenv(HMAC_KEY_FILE_ENV, str(tmp_path / "absent"))
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and f"{HMAC_KEY_FILE_ENV}={tmp_path / 'absent'}" in res.stderr


def test_signature_cannot_be_carried_over_to_altered_content(cli, data, tmp_path, monkeypatch) -> None:
    ref, cur = data
    monkeypatch.setenv(HMAC_KEY_ENV, "k")
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    meta, arrays = read_npz(prof)
    meta["numeric"]["f0"]["summary"]["mean"] += 1.0
    write_npz(prof, meta, arrays, reseal=True)  # id recomputed, signature kept
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and "signature does not verify" in res.stderr


def test_reference_past_the_stored_data_exits_2(cli, data, tmp_path) -> None:
    ref, cur = data
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    meta, arrays = read_npz(prof)
    meta["numeric"]["f0"]["edges"]["offset"] = len(arrays["float64"])
    write_npz(prof, meta, arrays, reseal=True)
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and f"{prof}: profile refers to array data it does not hold" in res.stderr


def test_pickled_member_is_refused_not_unpickled(cli, data, tmp_path) -> None:
    ref, cur = data
    prof = tmp_path / "p.npz"
    make_profile(cli, ref, prof)
    meta, arrays = read_npz(prof)
    arrays["float64"] = np.array([{"a": 1}], dtype=object)  # np.load would need allow_pickle
    write_npz(prof, meta, arrays)
    res = run(cli, ref, cur, tmp_path / "o", "--profile", str(prof))
    assert res.code == EXIT_BAD_INPUT and f"{prof}: profile archive is corrupt or truncated" in res.stderr
