"""Catalog against anatomy: muscles with meshes, and epicentres that lie in their muscle.

An epicentre's ``position`` is given for the right side; the left is its mirror image across
the mid-sagittal plane. Both must lie inside, or within :data:`TOLERANCE_M` of, the muscle's
mesh on that side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ims_atlas.anatomy.geometry import distance_outside
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import MeshData, read_mesh
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.ids import mirror_x
from ims_atlas.core.json_schema import format_path, short

#: How far outside its muscle's surface an epicentre may lie (metres).
TOLERANCE_M = 0.003
_SIDE_STRUCTURES = {"right": ("right", "midline"), "left": ("left", "midline")}


class _Meshes:
    """Mesh files read at most once per validation run."""

    def __init__(self, manifest: Manifest, file: str) -> None:
        self.manifest = manifest
        self.file = file
        self.problems: list[Problem] = []
        self._cache: dict[Path, MeshData | None] = {}

    def get(self, structure: Structure, where: str) -> MeshData | None:
        """The structure's mesh, or None (a broken file is reported once, at ``where``)."""
        path = self.manifest.file_path(structure)
        if path not in self._cache:
            try:
                self._cache[path] = read_mesh(path, structure.triangles)
            except DataError as exc:
                self._cache[path] = None
                if path.is_file():  # a missing file is reported by the muscle's file check
                    why = exc.problems[0].message if exc.problems else "unreadable"
                    self.problems.append(Problem(self.file, where, f"cannot check the position: {why} ({path})"))
        return self._cache[path]


def _position(value: object) -> tuple[float, float, float] | None:
    if isinstance(value, list) and len(value) == 3 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        return (float(value[0]), float(value[1]), float(value[2]))
    return None


def placement_problems(doc: object, file: str, manifest: Manifest, *, tolerance: float = TOLERANCE_M) -> list[Problem]:
    """Problems between a catalog document and the anatomy manifest.

    Parameters
    ----------
    doc
        The parsed catalog (any shape; unreadable parts are skipped).
    file
        The catalog's file name, to report.
    manifest
        The anatomy manifest; mesh files are read relative to it.
    tolerance
        How far outside its mesh an epicentre may lie, in metres.

    Returns
    -------
    list of Problem
        Warnings for muscles with no mesh yet; errors for missing or broken mesh files and for
        epicentres outside their muscle.
    """
    if not isinstance(doc, dict):
        return []
    problems: list[Problem] = []
    with_mesh = manifest.muscle_ids()
    muscles = doc.get("muscles") if isinstance(doc.get("muscles"), list) else []
    for i, m in enumerate(muscles):
        mid = m.get("id") if isinstance(m, dict) else None
        if not isinstance(mid, str):
            continue
        if mid not in with_mesh:
            problems.append(Problem(file, format_path(["muscles", i, "id"]),
                                    f"muscle {short(mid)!r} has no mesh in {manifest.path.name} yet; it cannot be drawn", "warning"))
        for s in manifest.muscle_structures(mid):
            if not manifest.file_path(s).is_file():
                problems.append(Problem(file, format_path(["muscles", i, "id"]),
                                        f"mesh file {manifest.file_path(s)} of structure {s.id!r} is missing"))
    meshes = _Meshes(manifest, file)
    conditions = doc.get("conditions") if isinstance(doc.get("conditions"), list) else []
    for i, c in enumerate(conditions):
        targets = c.get("local_targets") if isinstance(c, dict) else None
        for j, t in enumerate(targets if isinstance(targets, list) else []):
            if not isinstance(t, dict) or not isinstance(t.get("muscle"), str) or not isinstance(t.get("epicentre"), dict):
                continue
            point = _position(t["epicentre"].get("position"))
            if point is None:
                continue
            where = format_path(["conditions", i, "local_targets", j, "epicentre", "position"])
            problems.extend(_check_point(file, where, manifest, meshes, t["muscle"], point, tolerance))
    return problems + meshes.problems


def _check_point(file: str, where: str, manifest: Manifest, meshes: _Meshes, muscle: str,
                 right_point: tuple[float, float, float], tolerance: float) -> list[Problem]:
    problems = []
    x, y, z = right_point
    for side, point in (("right", right_point), ("left", (mirror_x(x, manifest.midline_x), y, z))):
        structures = manifest.muscle_structures(muscle, _SIDE_STRUCTURES[side])
        loaded = [(s, meshes.get(s, where)) for s in structures]
        loaded = [(s, mesh) for s, mesh in loaded if mesh is not None]
        if not loaded:
            continue  # no mesh on this side: a warning (or a missing-file error) says so already
        gap = min(distance_outside(mesh.points, mesh.faces, np.asarray(point)) for _, mesh in loaded)
        if gap > tolerance:
            names = ", ".join(s.id for s, _ in loaded)
            shown = ", ".join(f"{v:.4f}" for v in point)
            mirrored = "" if side == "right" else " (mirrored)"
            problems.append(Problem(file, where,
                                    f"the {side} epicentre{mirrored} [{shown}] lies {gap * 1000:.1f} mm outside muscle "
                                    f"{muscle!r} ({names}); it must be inside or within {tolerance * 1000:.0f} mm"))
    return problems
