"""Compact JSON encoding for large numeric arrays in profiles and shard summaries.

A 4097-edge profile is ~250k numbers; as JSON text they take longer to parse than the
whole 1M-row window takes to summarise. Base64 of the little-endian bytes is exact
(floats round-trip bit for bit) and parses in microseconds.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import numpy.typing as npt


def encode(a: npt.NDArray[Any]) -> dict[str, Any]:
    arr = np.ascontiguousarray(a)
    dtype = arr.dtype.newbyteorder("<")
    return {
        "dtype": dtype.str,
        "shape": list(arr.shape),
        "b64": base64.b64encode(arr.astype(dtype, copy=False).tobytes()).decode(),
    }


def decode(value: Any, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """Accepts the encoded form or a plain JSON list (hand-written or older files)."""
    if isinstance(value, dict):
        raw = np.frombuffer(base64.b64decode(value["b64"]), dtype=np.dtype(value["dtype"]))
        return raw.reshape(value["shape"]).astype(dtype)
    return np.asarray(value, dtype=dtype)
