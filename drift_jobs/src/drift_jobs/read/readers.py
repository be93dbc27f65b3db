"""Chunked readers for Parquet, CSV and NPY: memory is bounded by the chunk, not the file.

A source is a list of files; the unit of work is a Parquet row group, a whole CSV file or
a row range of an NPY array. Shard i of n takes every n-th unit, so an Indexed Job splits a
window without coordination.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from drift_jobs.errors import BadInputError, DriftJobError
from drift_jobs.read.columns import ColumnData
from drift_jobs.read.storage import Storage, storage_failure

CSV_NULLS = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]
# Decoded bytes per Parquet read: a row group wider than this is read in column groups.
READ_BUDGET_BYTES = 12 << 20


@dataclass
class Chunk:
    columns: dict[str, ColumnData]
    num_rows: int
    source: str
    available: tuple[str, ...] = ()  # every column the file has, read or not
    new_rows: bool = True  # False for further column groups of rows already seen


@dataclass(frozen=True)
class Unit:
    uri: str
    kind: str  # parquet | csv | npy
    index: int  # row group, or NPY start row; 0 for CSV
    rows: int | None


def file_kind(uri: str) -> str:
    name = uri.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith(".npy"):
        return "npy"
    raise BadInputError(f"{uri}: unsupported file type (expected .parquet, .csv or .npy)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _corrupt(uri: str, kind: str, exc: BaseException) -> DriftJobError:
    # An S3 read that failed after the client's retries is the store's fault (exit 3), not the file's.
    unavailable = storage_failure(uri, exc)
    if unavailable is not None:
        return unavailable
    return BadInputError(f"{uri}: corrupt or truncated {kind} file ({_first_line(exc)})")


def _open_parquet(uri: str, path: Any) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path, memory_map=False, pre_buffer=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _corrupt(uri, "Parquet", exc) from exc


def _open_npy(uri: str, path: Any) -> np.ndarray:
    try:
        # An S3 object (a file, not a path) cannot be memory-mapped: np.load reads it whole.
        arr = np.load(path, mmap_mode="r" if isinstance(path, str) else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise _corrupt(uri, "NPY", exc) from exc
    if not isinstance(arr, np.ndarray) or arr.ndim not in (1, 2) or arr.dtype.hasobject:
        raise BadInputError(f"{uri}: NPY must hold a 1-D/2-D numeric or structured array")
    return arr


def npy_column_names(arr: np.ndarray) -> list[str]:
    if arr.dtype.names:
        return list(arr.dtype.names)
    return [f"col_{j}" for j in range(1 if arr.ndim == 1 else arr.shape[1])]


def _npy_columns(arr: np.ndarray, start: int, stop: int, wanted: set[str] | None) -> dict[str, ColumnData]:
    part = arr[start:stop]
    names = npy_column_names(arr)
    out: dict[str, ColumnData] = {}
    for j, name in enumerate(names):
        if wanted is not None and name not in wanted:
            continue
        if arr.dtype.names:
            col = np.asarray(part[name])
        elif arr.ndim == 1:
            col = np.asarray(part)
        else:
            col = np.ascontiguousarray(part[:, j])
        out[name] = col
    return out


class TableSource:
    """One logical table spread over files; read in chunks, optionally one shard of n."""

    def __init__(self, uri: str, storage: Storage, chunk_rows: int) -> None:
        self.uri = uri
        self.storage = storage
        self.chunk_rows = chunk_rows
        self.files = storage.list_data_files(uri)
        for f in self.files:
            file_kind(f)

    # --- schema --------------------------------------------------------------------------
    def schema(self) -> pa.Schema:
        """Arrow schema of the first file (CSV types inferred from its first block)."""
        uri = self.files[0]
        kind = file_kind(uri)
        if kind == "parquet":
            return _open_parquet(uri, self.storage.input_file(uri)).schema_arrow
        if kind == "npy":
            arr = _open_npy(uri, self.storage.input_file(uri))
            cols = _npy_columns(arr, 0, 1, None)
            return pa.schema([(n, pa.from_numpy_dtype(np.asarray(c).dtype)) for n, c in cols.items()])
        try:
            reader = pacsv.open_csv(
                self.storage.input_stream(uri),
                convert_options=pacsv.ConvertOptions(null_values=CSV_NULLS, strings_can_be_null=True),
            )
            return reader.schema
        except (pa.ArrowException, OSError) as exc:
            raise _corrupt(uri, "CSV", exc) from exc

    # --- units and shards ----------------------------------------------------------------
    def units(self, shard: tuple[int, int] | None = None) -> list[Unit]:
        index, count = shard or (0, 1)
        if count > 1 and len(self.files) >= count:
            # Enough files: shard by file so a shard downloads only its own objects.
            files = [f for j, f in enumerate(self.files) if j % count == index]
            return [u for f in files for u in self._file_units(f)]
        all_units = [u for f in self.files for u in self._file_units(f)]
        return [u for j, u in enumerate(all_units) if j % count == index]

    def _file_units(self, uri: str) -> list[Unit]:
        kind = file_kind(uri)
        if kind == "csv":
            return [Unit(uri, kind, 0, None)]
        path = self.storage.input_file(uri)
        if kind == "parquet":
            meta = _open_parquet(uri, path).metadata
            return [Unit(uri, kind, rg, meta.row_group(rg).num_rows) for rg in range(meta.num_row_groups)]
        n = len(_open_npy(uri, path))
        step = self.chunk_rows
        return [Unit(uri, kind, start, min(step, n - start)) for start in range(0, n, step)]

    # --- reading -------------------------------------------------------------------------
    def iter_chunks(
        self, units: list[Unit], wanted: set[str] | None, together: tuple[str, ...] = ()
    ) -> Iterator[Chunk]:
        """Chunks of the units; columns in `together` always arrive in the same chunk."""
        by_file: dict[str, list[Unit]] = {}
        for u in units:
            by_file.setdefault(u.uri, []).append(u)
        for uri, file_units in by_file.items():
            kind = file_units[0].kind
            if kind == "parquet":
                yield from self._parquet_chunks(uri, [u.index for u in file_units], wanted, together)
            elif kind == "npy":
                yield from self._npy_chunks(uri, file_units, wanted)
            else:
                yield from self._csv_chunks(uri, wanted)

    def _parquet_chunks(
        self, uri: str, row_groups: list[int], wanted: set[str] | None, together: tuple[str, ...]
    ) -> Iterator[Chunk]:
        # One row group at a time, split into column groups when wide: iter_batches reads
        # ahead several row groups and triples peak memory for no speed gain here.
        pf = _open_parquet(uri, self.storage.input_file(uri))
        names = pf.schema_arrow.names
        first = [n for n in together if n in names and (wanted is None or n in wanted)]
        columns = first + [n for n in names if (wanted is None or n in wanted) and n not in first]
        try:
            for rg in row_groups:
                rows = pf.metadata.row_group(rg).num_rows
                per_read = max(1, len(first), READ_BUDGET_BYTES // max(1, rows * 8))
                groups = [columns[i : i + per_read] for i in range(0, len(columns), per_read)] or [[]]
                for gi, group in enumerate(groups):
                    table = pf.read_row_group(rg, columns=group, use_threads=True)
                    cols: dict[str, ColumnData] = {n: table.column(n) for n in table.column_names}
                    yield Chunk(cols, rows, uri, tuple(names), new_rows=gi == 0)
        except (pa.ArrowException, OSError, ValueError, EOFError) as exc:
            raise _corrupt(uri, "Parquet", exc) from exc

    def _npy_chunks(self, uri: str, units: list[Unit], wanted: set[str] | None) -> Iterator[Chunk]:
        arr = _open_npy(uri, self.storage.input_file(uri))
        for u in units:
            stop = u.index + (u.rows or 0)
            try:
                cols = _npy_columns(arr, u.index, stop, wanted)
            except (ValueError, OSError) as exc:
                raise _corrupt(uri, "NPY", exc) from exc
            yield Chunk(cols, stop - u.index, uri, tuple(npy_column_names(arr)))

    def _csv_chunks(self, uri: str, wanted: set[str] | None) -> Iterator[Chunk]:
        try:
            # Every column is read as text and converted per feature: CSV type inference
            # from the first block breaks on later blocks, and a stray token must not
            # abort the file.
            head = pacsv.open_csv(self.storage.input_stream(uri))
            names = head.schema.names
            types = {n: pa.string() for n in names}
            reader = pacsv.open_csv(
                self.storage.input_stream(uri),
                read_options=pacsv.ReadOptions(block_size=1 << 22),
                convert_options=pacsv.ConvertOptions(
                    column_types=types,
                    null_values=CSV_NULLS,
                    strings_can_be_null=True,
                    include_columns=[n for n in names if wanted is None or n in wanted],
                ),
            )
            for batch in reader:
                cols: dict[str, ColumnData] = {n: batch.column(i) for i, n in enumerate(batch.schema.names)}
                yield Chunk(cols, batch.num_rows, uri, tuple(names))
        except (pa.ArrowException, OSError, ValueError, EOFError) as exc:
            raise _corrupt(uri, "CSV", exc) from exc


def prefetch(chunks: Iterator[Chunk], depth: int = 1) -> Iterator[Chunk]:
    """Decode the next chunk in a thread while the caller computes on the current one.

    Arrow releases the GIL while decoding, so reading overlaps the numpy work; the queue
    depth bounds the extra memory to `depth` chunks.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def worker() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                q.put(chunk)
            q.put(done)
        except BaseException as exc:
            q.put(exc)

    thread = threading.Thread(target=worker, name="drift-job-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # Unblock a worker waiting on a full queue so it can see the stop flag.
        while thread.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)
