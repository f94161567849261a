"""Authored spinal structures: nerve roots C1-S2 and multifidus level by level (C2-T12).

Both are generated from the vertebra meshes and the course/attachment data in
``authored_anatomy.json``; the right side is built and the left mirrored across the midline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ims_atlas.bake.foramina import foramen_point
from ims_atlas.bake.solids import cable, fibre_grid, mirror, sheet
from ims_atlas.core.ids import CATALOG_SEGMENTS, MIDLINE_X, VERTEBRA_NAMES

REGION = {"C": "cervical spine", "T": "thoracic spine", "L": "lumbar spine", "S": "pelvis"}


@dataclass
class Solid:
    """One generated structure before it is written: its mesh and manifest fields."""

    id: str
    name: str
    kind: str
    layer: str
    side: str
    region: str
    points: np.ndarray
    faces: np.ndarray
    path: np.ndarray
    level: str | None = None
    muscle: str | None = None
    parts: tuple[str, ...] = ()
    landmarks: dict[str, list[float]] = field(default_factory=dict)
    source: str = ""


def _right_left(points: np.ndarray, faces: np.ndarray, path: np.ndarray, midline_x: float):
    lp, lf = mirror(points, faces, midline_x)
    mp = np.array(path, dtype=np.float64)
    mp[:, 0] = 2.0 * midline_x - mp[:, 0]
    return {"right": (points, faces, path), "left": (lp, lf, mp)}


def _course(segment: str, courses: list[dict]) -> dict:
    for course in courses:
        if segment in course["segments"]:
            return course
    raise KeyError(f"authored_anatomy.json: no root course covers {segment}")


def roots(vertebrae: dict[str, tuple[np.ndarray, np.ndarray]], spec: dict, source: str,
          midline_x: float = MIDLINE_X) -> list[Solid]:
    """Spinal nerve roots C1-S2 on both sides, each leaving its own foramen.

    Parameters
    ----------
    vertebrae
        Level -> ``(points, faces)`` for C1 .. L5 and ``S``.
    spec
        The ``roots`` section of the authored data: per group of segments a ``direction``
        ``[lateral, anterior, inferior]``, a ``length`` and a ``radius`` (metres).
    source
        Citation text for the manifest.
    """
    out = []
    for seg in CATALOG_SEGMENTS:
        course = _course(seg, spec["courses"])
        foramen = foramen_point(seg, "right", vertebrae, midline_x)
        lat, ant, inf = course["direction"]
        d = np.array([-lat, -ant, -inf], dtype=np.float64)  # right side: lateral is -X, anterior -Y
        d /= np.linalg.norm(d)
        first = d + np.array([-1.0, 0.0, 0.0])  # leave the foramen mostly sideways, then turn
        first /= np.linalg.norm(first)
        length = float(course["length"])
        controls = np.array([
            foramen + np.array([0.004, 0.0, 0.0]),  # just inside the foramen
            foramen,
            foramen + 0.35 * length * first,
            foramen + 0.35 * length * first + 0.65 * length * d,
        ])
        pts, faces = cable(controls, float(course["radius"]))
        for side, (p, f, path) in _right_left(pts, faces, controls, midline_x).items():
            fx = foramen.copy()
            if side == "left":
                fx[0] = 2.0 * midline_x - fx[0]
            out.append(Solid(
                id=f"root_{seg.lower()}_{side}", name=f"{seg} spinal nerve root ({side})", kind="root",
                layer="nerves", side=side, region=REGION[seg[0]], points=p, faces=f, path=path, level=seg,
                landmarks={"foramen": [round(float(v), 5) for v in fx]}, source=source,
            ))
    return out


def multifidus(vertebrae: dict[str, tuple[np.ndarray, np.ndarray]], landmarks: dict[str, dict], spec: dict,
               source: str, midline_x: float = MIDLINE_X) -> list[Solid]:
    """Multifidus level by level: fascicles from the spinous process of each level down to the
    articular (cervical), transverse (thoracic) or mamillary (lumbar) processes ``span`` levels below.

    Parameters
    ----------
    vertebrae
        Level -> ``(points, faces)``.
    landmarks
        Level -> the vertebra's manifest landmarks (``lamina_right``, ``spinous_tip`` ...).
    spec
        The ``multifidus`` section of the authored data.
    source
        Citation text for the manifest.
    """
    order = [v for v in VERTEBRA_NAMES if v != "S"]
    lateral = spec["lower_attachment_lateral"]
    out = []
    for level in spec["levels"]:
        k = order.index(level)
        lm = landmarks[level]
        lam, tip = np.array(lm["lamina_right"]), np.array(lm["spinous_tip"])
        base = np.array([midline_x - 0.003, lam[1], lam[2]])
        spine_end = np.array([midline_x - 0.003, tip[1] - 0.004, tip[2] + 0.002])
        # The deepest fibres leave the lamina, which reaches up to the level's foramen.
        top = foramen_point(level, "right", vertebrae, midline_x)[2] + spec["lamina_rise"]
        lamina = np.array([lam[0] - spec["lamina_reach"], lam[1], max(lam[2], top) if level[0] == "C" else top])
        below = order[k + spec["span"][0] : k + spec["span"][1] + 1]
        lower = []
        for lv in below:
            p = np.array(landmarks[lv]["lamina_right"], dtype=np.float64)
            p[0] -= lateral[lv[0]]
            lower.append(p)
        grid = fibre_grid([np.array([lamina, base, spine_end]), np.array(lower)], spec["fibres"], spec["stations"])
        thick = spec["thickness"][level[0]]
        pts, faces = sheet(grid, thick, np.array([0.0, 1.0, 0.0]), tendon=spec["tendon"], edge=spec["edge"])
        centre = grid[len(grid) // 2]
        for side, (p, f, path) in _right_left(pts, faces, centre, midline_x).items():
            out.append(Solid(
                id=f"multifidus_{level.lower()}_{side}", name=f"Multifidus {level} ({side})", kind="muscle",
                layer="muscles", side=side, region=REGION[level[0]], points=p, faces=f, path=path, level=level,
                muscle="multifidus", parts=(f"{level} spinous process to {below[0]}-{below[-1]}",), source=source,
            ))
    return out
