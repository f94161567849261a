"""Toy meshes for the pure tests (no VTK)."""

from __future__ import annotations

import numpy as np


def box_mesh(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """A closed, outward-wound box mesh from corner ``lo`` to corner ``hi``: (points, faces)."""
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    pts = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                    [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], dtype=float)
    faces = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                      [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])
    return pts, faces
