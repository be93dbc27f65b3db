"""Turn whatever a file holds in a column into float64 values or category strings.

Type mismatches are counted, not raised: a numeric feature that arrives as text keeps
its parseable values and reports the rest, so one bad column never sinks the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa

FloatArray = npt.NDArray[np.float64]
ColumnData: TypeAlias = "pa.Array | pa.ChunkedArray | np.ndarray[Any, Any]"

_NUMBER = r"^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|infinity|nan)$"


@dataclass(frozen=True)
class NumericColumn:
    values: FloatArray  # nulls and unparseable entries are NaN
    n_mismatch: int  # entries that are present but not numbers


@dataclass(frozen=True)
class CategoricalColumn:
    values: pa.Array  # utf8; null = missing
    n_mismatch: int


def _combine(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr


def is_numeric_type(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t))


def is_categorical_type(t: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t) or pa.types.is_boolean(t)
    )


def to_numeric(data: ColumnData) -> NumericColumn:
    if isinstance(data, np.ndarray):
        if data.dtype.kind in "fiub":
            return NumericColumn(np.asarray(data, dtype=np.float64), 0)
        return NumericColumn(np.full(len(data), np.nan), len(data))
    arr = _combine(data)
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_float64(t):
        return NumericColumn(arr.to_numpy(zero_copy_only=False), 0)  # nulls become NaN
    # Conversions need Arrow's compute functions: a window of float64 columns never loads them.
    import pyarrow.compute as pc  # noqa: PLC0415

    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_decimal(t):
        arr = pc.cast(arr, pa.float64())
        if arr.null_count:
            arr = pc.fill_null(arr, np.nan)
        return NumericColumn(arr.to_numpy(zero_copy_only=False), 0)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        trimmed = pc.utf8_trim_whitespace(arr)
        ok = pc.match_substring_regex(trimmed, _NUMBER, ignore_case=True)
        present = pc.invert(pc.is_null(arr))
        n_mismatch = int(pc.sum(pc.and_(present, pc.invert(pc.fill_null(ok, True)))).as_py() or 0)
        parsed = pc.cast(pc.if_else(ok, trimmed, pa.scalar(None, trimmed.type)), pa.float64())
        return NumericColumn(pc.fill_null(parsed, np.nan).to_numpy(zero_copy_only=False), n_mismatch)
    # Temporal, nested or binary columns are not numbers; count everything present.
    return NumericColumn(np.full(len(arr), np.nan), len(arr) - arr.null_count)


def to_categorical(data: ColumnData) -> CategoricalColumn:
    import pyarrow.compute as pc  # noqa: PLC0415 - loaded only by the runs that need it

    if isinstance(data, np.ndarray):
        if data.dtype.kind == "f":
            masked = np.where(np.isfinite(data), data, np.nan)
            arr = pa.array(masked, from_pandas=True)
        else:
            arr = pa.array(data)
    else:
        arr = _combine(data)
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_floating(t):
        # A NaN in a categorical column is a missing value, not the category "nan".
        arr = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
    if pa.types.is_large_string(t):
        return CategoricalColumn(pc.cast(arr, pa.string()), 0)
    if pa.types.is_string(t):
        return CategoricalColumn(arr, 0)
    if is_numeric_type(t) or pa.types.is_boolean(t):
        return CategoricalColumn(pc.cast(arr, pa.string()), 0)
    return CategoricalColumn(pa.nulls(len(arr), pa.string()), len(arr) - arr.null_count)
