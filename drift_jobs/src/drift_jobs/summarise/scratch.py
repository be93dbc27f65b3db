"""Per-thread work buffers reused across chunks.

Fresh multi-megabyte temporaries are served by mmap and returned on free, so each chunk would pay
page faults for memory it had just released (in the edge-grid search those cost more than the
arithmetic). Each thread keeps its own named buffers, grown when a larger chunk arrives: columns of
a chunk may be summarised in parallel.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt


class _Buffers(threading.local):
    def __init__(self) -> None:
        self.arrays: dict[str, npt.NDArray[Any]] = {}


_BUFFERS = _Buffers()


def scratch(name: str, n: int, dtype: npt.DTypeLike = np.float64) -> npt.NDArray[Any]:
    """This thread's buffer `name`, `n` long: valid until the thread asks for `name` again."""
    array = _BUFFERS.arrays.get(name)
    if array is None or len(array) < n or array.dtype != np.dtype(dtype):
        array = np.empty(n, dtype=dtype)
        _BUFFERS.arrays[name] = array
    return array[:n]
