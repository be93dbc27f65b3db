# Types of the compiled one-pass column scan (_edgescan.c).
import numpy as np
import numpy.typing as npt

def scan(
    values: npt.NDArray[np.float64],
    edges: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int32],
    scale: float,
    offset: float,
    hist: npt.NDArray[np.int64],
    ties: npt.NDArray[np.int64],
    /,
) -> tuple[int, int, int, int, float, float, float, float, float, float]: ...
