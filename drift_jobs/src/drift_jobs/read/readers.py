"""Chunked readers for Parquet, CSV and NPY: memory is bounded by the chunk, not the file.

A source is a list of files; the unit of work is a Parquet row group, a whole CSV file or
a row range of an NPY array. Shard i of n takes every n-th unit, so an Indexed Job splits a
window without coordination.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from drift_jobs.config import CSV_DELIMITERS, CsvOptions
from drift_jobs.errors import BadInputError, DriftJobError, first_line
from drift_jobs.read.columns import ColumnData
from drift_jobs.read.storage import Storage, storage_failure

if TYPE_CHECKING:
    import pyarrow.csv as pacsv

CSV_NULLS = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]
CSV_BLOCK_BYTES = 1 << 22
# Bytes of a CSV file's start read to detect its delimiter.
CSV_SNIFF_BYTES = 1 << 16
# Decoded bytes per Parquet read: a row group wider than this is read in column groups. Up to three reads are
# alive at once (summarised, queued, being decoded), so this sets the window's peak RSS: at 262,144 rows, 8 MiB
# (four columns) peaked at 167-172 MB on a 10M x 20 window against 180-206 MB for 12 MiB, with no loss of speed
# (4 MiB: 148-154 MB, slower); docs/drift-jobs.md, Benchmark.
READ_BUDGET_BYTES = 8 << 20


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


def _corrupt(uri: str, kind: str, exc: BaseException) -> DriftJobError:
    # An S3 read that failed after the client's retries is the store's fault (exit 3), not the file's.
    unavailable = storage_failure(uri, exc)
    if unavailable is not None:
        return unavailable
    return BadInputError(f"{uri}: corrupt or truncated {kind} file ({first_line(exc)})")


def _open_parquet(uri: str, path: Any) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path, memory_map=False, pre_buffer=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _corrupt(uri, "Parquet", exc) from exc


class NpyFile:
    """An NPY file read by row ranges with explicit reads: memory is one chunk, never the file.

    `source` is what `Storage.input_file` gives: a local path, or an S3 object read by ranged
    GETs (a seekable `pyarrow.NativeFile`). Only the header is parsed on open; no memory map (a
    map of a large window is paged in whole by the column slices and shows up as resident memory).
    """

    def __init__(self, uri: str, source: str | Path | Any) -> None:
        self.uri = uri
        self._file: Any = Path(source).open("rb") if isinstance(source, str | Path) else source  # noqa: SIM115  (closed by close(), the context manager)
        try:
            f = self._file
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"NPY format version {version} is not supported")
            self.offset = f.tell()
            size = f.seek(0, os.SEEK_END)
        except (ValueError, OSError, EOFError) as exc:
            self.close()
            raise _corrupt(uri, "NPY", exc) from exc
        if len(shape) not in (1, 2) or dtype.hasobject:
            self.close()
            raise BadInputError(f"{uri}: NPY must hold a 1-D/2-D numeric or structured array")
        self.shape: tuple[int, ...] = tuple(shape)
        self.fortran = bool(fortran) and len(shape) == 2
        self.dtype: np.dtype[Any] = dtype
        expected = self.offset + int(np.prod(shape)) * dtype.itemsize
        if size < expected:
            self.close()
            raise BadInputError(f"{uri}: corrupt or truncated NPY file ({size} bytes, the header announces {expected})")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> NpyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def rows(self) -> int:
        return self.shape[0]

    @property
    def width(self) -> int:
        return 1 if len(self.shape) == 1 else self.shape[1]

    @property
    def names(self) -> list[str]:
        if self.dtype.names:
            return list(self.dtype.names)
        return [f"col_{j}" for j in range(self.width)]

    def column_types(self) -> list[tuple[str, np.dtype[Any]]]:
        if self.dtype.names:
            return [(n, self.dtype.fields[n][0]) for n in self.dtype.names]  # type: ignore[index]
        return [(n, self.dtype) for n in self.names]

    def _read(self, item: int, count: int) -> np.ndarray[Any, Any]:
        """`count` items from item `item`, read into a fresh array (one copy, no intermediate bytes)."""
        data = np.empty(count, dtype=self.dtype)
        self._file.seek(self.offset + item * self.dtype.itemsize)
        want = data.nbytes
        got = self._file.readinto(data.view(np.uint8)) if want else 0
        if got != want:
            raise BadInputError(f"{self.uri}: corrupt or truncated NPY file (short read at item {item})")
        return data

    def read(self, start: int, stop: int, wanted: set[str] | None) -> dict[str, ColumnData]:
        n = stop - start
        names = self.names
        out: dict[str, ColumnData] = {}
        if self.fortran:
            # Column-major: each column's row range is contiguous; read only the wanted ones.
            for j, name in enumerate(names):
                if wanted is None or name in wanted:
                    out[name] = self._read(j * self.rows + start, n)
            return out
        part = self._read(start * self.width, n * self.width)
        if self.dtype.names:
            return {m: np.ascontiguousarray(part[m]) for m in names if wanted is None or m in wanted}
        if len(self.shape) == 1:
            return {names[0]: part} if wanted is None or names[0] in wanted else {}
        block = part.reshape(n, self.width)
        for j, name in enumerate(names):
            if wanted is None or name in wanted:
                out[name] = np.ascontiguousarray(block[:, j])
        return out


# --- CSV -----------------------------------------------------------------------------------


def _sample_text(source: Any, encoding: str) -> str:
    """The first bytes of a CSV (a local path, or a storage stream that undoes gzip) as text."""
    if isinstance(source, str | Path):
        opener = gzip.open if str(source).lower().endswith(".gz") else open
        with opener(source, "rb") as f:
            head = f.read(CSV_SNIFF_BYTES)
    else:
        with source as f:
            head = f.read(CSV_SNIFF_BYTES)
    return bytes(head).decode(encoding, errors="replace")


def detect_delimiter(sample: str) -> str:
    """The delimiter among , ; tab | that splits the sample's lines into the most, equally many fields.

    Only complete lines are used; a candidate must split the header into at least two fields and
    give every sampled row the header's field count (quotes respected). Default ",".
    """
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut by the sample
    lines = lines[:50]
    best, best_fields = ",", 1
    for delim in CSV_DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        fields = len(rows[0])
        consistent = all(len(r) == fields for r in rows)
        if consistent and fields > best_fields:
            best, best_fields = delim, fields
    return best


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if encoding in ("utf-8", "utf8") else encoding


def _first_bad_row(arr: pa.Array) -> int:
    for i, value in enumerate(arr.to_pylist()):
        if value is not None:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return i
    return 0


class TableSource:
    """One logical table spread over files; read in chunks, optionally one shard of n."""

    def __init__(self, uri: str, storage: Storage, chunk_rows: int, csv: CsvOptions | None = None) -> None:
        self.uri = uri
        self.storage = storage
        self.chunk_rows = chunk_rows
        self.csv = csv or CsvOptions()
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
            with NpyFile(uri, self.storage.input_file(uri)) as npy:
                return pa.schema([(n, pa.from_numpy_dtype(t)) for n, t in npy.column_types()])
        import pyarrow.csv as pacsv  # noqa: PLC0415 - only CSV windows pay for the CSV reader

        try:
            reader = pacsv.open_csv(
                self.storage.input_stream(uri),
                read_options=self._csv_read_options(),
                parse_options=self._csv_parse_options(uri),
                convert_options=pacsv.ConvertOptions(null_values=CSV_NULLS, strings_can_be_null=True),
            )
            return reader.schema
        except (pa.ArrowException, OSError) as exc:
            raise _corrupt(uri, "CSV", exc) from exc

    def _csv_read_options(self) -> pacsv.ReadOptions:
        import pyarrow.csv as pacsv  # noqa: PLC0415

        return pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES, encoding=_arrow_encoding(self.csv.encoding))

    def _csv_parse_options(self, uri: str) -> pacsv.ParseOptions:
        import pyarrow.csv as pacsv  # noqa: PLC0415

        delimiter: str | None = self.csv.delimiter
        if delimiter is None:
            try:
                delimiter = detect_delimiter(_sample_text(self.storage.input_stream(uri), self.csv.encoding))
            except (OSError, EOFError) as exc:
                raise _corrupt(uri, "CSV", exc) from exc
        return pacsv.ParseOptions(delimiter=delimiter)

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
        with NpyFile(uri, path) as npy:
            n = npy.rows
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
        with NpyFile(uri, self.storage.input_file(uri)) as npy:
            names = tuple(npy.names)
            for u in units:
                stop = u.index + (u.rows or 0)
                try:
                    cols = npy.read(u.index, stop, wanted)
                except (ValueError, OSError) as exc:
                    raise _corrupt(uri, "NPY", exc) from exc
                yield Chunk(cols, stop - u.index, uri, names)

    def _csv_reader(self, uri: str, parse: pacsv.ParseOptions, read: list[str], kind: pa.DataType) -> Any:
        import pyarrow.csv as pacsv  # noqa: PLC0415

        return pacsv.open_csv(
            self.storage.input_stream(uri),
            read_options=self._csv_read_options(),
            parse_options=parse,
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(read, kind),
                null_values=CSV_NULLS,
                strings_can_be_null=True,
                include_columns=read,
            ),
        )

    def _csv_chunks(self, uri: str, wanted: set[str] | None) -> Iterator[Chunk]:
        import pyarrow.csv as pacsv  # noqa: PLC0415

        encoding = self.csv.encoding
        parse = self._csv_parse_options(uri)
        read: list[str] = []
        try:
            head = pacsv.open_csv(
                self.storage.input_stream(uri), read_options=self._csv_read_options(), parse_options=parse
            )
            names = head.schema.names
            # Only the columns the job reads are decoded (an undecodable byte elsewhere is never
            # seen). Every read column is text, converted per feature: CSV type inference from the
            # first block breaks on later blocks, and a stray token must not abort the file.
            read = [n for n in names if wanted is None or n in wanted]
            for batch in self._csv_reader(uri, parse, read, pa.string()):
                cols: dict[str, ColumnData] = {n: batch.column(i) for i, n in enumerate(batch.schema.names)}
                yield Chunk(cols, batch.num_rows, uri, tuple(names))
        except BadInputError:
            raise
        except pa.ArrowInvalid as exc:
            if "utf8" in str(exc).lower().replace("-", ""):
                raise self._undecodable(uri, parse, read, encoding) from None
            raise _corrupt(uri, "CSV", exc) from exc
        except UnicodeDecodeError as exc:
            raise BadInputError(
                f"{uri}: bytes that are not valid {encoding} text at byte {exc.start} of a block ({exc.reason})"
            ) from exc
        except (pa.ArrowException, OSError, ValueError, EOFError) as exc:
            raise _corrupt(uri, "CSV", exc) from exc

    def _undecodable(self, uri: str, parse: pacsv.ParseOptions, read: list[str], encoding: str) -> DriftJobError:
        """Locate the first undecodable value (the slow path, taken only once the read failed)."""
        hint = "(set csv.encoding, e.g. latin-1, if the file is not UTF-8)"
        row = 0
        try:
            for batch in self._csv_reader(uri, parse, read, pa.binary()):
                for i, n in enumerate(batch.schema.names):
                    raw = batch.column(i)
                    try:
                        raw.cast(pa.string())
                    except pa.ArrowInvalid:
                        bad = row + _first_bad_row(raw) + 1
                        return BadInputError(
                            f"{uri}: row {bad}, column {n!r}: bytes that are not valid {encoding} text {hint}"
                        )
                row += batch.num_rows
        except (pa.ArrowException, OSError, ValueError, EOFError) as exc:
            return _corrupt(uri, "CSV", exc)
        return BadInputError(f"{uri}: bytes that are not valid {encoding} text in a column the job reads {hint}")


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
