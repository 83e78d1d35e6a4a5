"""Vector arithmetic shared by the embedding backends."""

from __future__ import annotations

import numpy as np


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows (or one vector) scaled to unit length, as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
