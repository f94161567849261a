"""Place a point a fraction of the way along a muscle, on its centre path (origin -> insertion).

Used to turn a catalog epicentre's ``along`` into a ``position`` in the scene. Only muscles
with exactly one mesh on the side qualify: a muscle split by level (multifidus) has no single
path, and a point on the wrong level would mislead, so none is given.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.mesh_file import read_mesh


def point_along(manifest: Manifest, muscle_id: str, side: str, fraction: float) -> tuple[float, float, float] | None:
    """The point ``fraction`` (0 origin .. 1 insertion) of the way along the muscle's centre path."""
    structures = manifest.muscle_structures(muscle_id, sides=[side])
    if len(structures) != 1:
        return None
    path = read_mesh(manifest.file_path(structures[0]), structures[0].triangles).path
    if len(path) < 2:
        return None
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = float(np.clip(fraction, 0.0, 1.0)) * s[-1]
    p = [float(np.interp(t, s, path[:, k])) for k in range(3)]
    return (round(p[0], 4), round(p[1], 4), round(p[2], 4))
