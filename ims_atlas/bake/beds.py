"""Sourced bone beds for myo-sim tube muscles (``muscle_beds.json``).

A myo-sim fascicle is a line from origin to insertion; a tube swept round it lies wherever that
line runs. For a few muscles the line runs beside, behind or through the bone the muscle lies on:
flexor digitorum longus just medial of the tibia (not on its posterior surface), the vasti
behind the femur's axis (so each tube is a sleeve round the shaft, its centre behind it). The
reviewed table names, muscle by muscle and with sources, the surface of the bone its belly lies
on; here each station of the fascicle's path is moved onto that surface, the tube's radius out
from it, fading in from the origin and out towards the insertion (or the belly's end), so the
muscle's ends stay where myo-sim attaches them. A belly may be flattened against its bed (an
elliptical section of the round tube's area, ``thickness``) and may lie on other muscles over
the bone (``over``: rectus femoris on the vastus intermedius).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from ims_atlas.bake import bellies, tubes

TABLE = Path(__file__).with_name("muscle_beds.json")

#: Body directions on the right side (+X is the subject's left, so lateral is -X).
_DIRECTIONS = {"lateral": (-1.0, 0.0, 0.0), "medial": (1.0, 0.0, 0.0),
               "anterior": (0.0, -1.0, 0.0), "posterior": (0.0, 1.0, 0.0)}
#: The direction ``across`` runs along on each surface (0 at its first end, 1 at its second):
#: medial to lateral on the front and back, anterior to posterior on the sides.
_ACROSS = {"posterior": "lateral", "anterior": "lateral", "lateral": "posterior", "medial": "posterior"}
#: Stations along the path at which the bed is laid.
STATIONS = 60


@lru_cache(maxsize=1)
def load_table() -> dict:
    """The reviewed table (``muscle_beds.json``)."""
    return json.loads(TABLE.read_text(encoding="utf-8"))


def denied_sources(table: dict) -> list[str]:
    """A message for every source of the table on the source deny list (as ``bellies.denied_sources``)."""
    return bellies.denied_muscle_sources(table, TABLE.name)


def _unit(word: str, side: str) -> np.ndarray:
    v = np.array(_DIRECTIONS[word], dtype=np.float64)
    if side == "left":
        v[0] = -v[0]
    return v


def section(points: np.ndarray, faces: np.ndarray, z: float) -> np.ndarray:
    """The cut of a closed surface by the horizontal plane at height ``z``: (k, 2, 3) segments."""
    tri = np.asarray(points, dtype=np.float64)[np.asarray(faces)]
    h = tri[:, :, 2] - z
    above = h > 0.0
    crossing = above.any(axis=1) & ~above.all(axis=1)
    tri, h, above = tri[crossing], h[crossing], above[crossing]
    segments = []
    for t, hh, up in zip(tri, h, above, strict=True):
        ends = []
        for i, j in ((0, 1), (1, 2), (2, 0)):
            if up[i] != up[j]:
                w = hh[i] / (hh[i] - hh[j])
                ends.append(t[i] + w * (t[j] - t[i]))
        if len(ends) == 2:
            segments.append(ends)
    return np.array(segments, dtype=np.float64).reshape(-1, 2, 3)


def surface_point(segments: np.ndarray, outward: np.ndarray, across: np.ndarray, share: float,
                  over: np.ndarray | None = None) -> np.ndarray | None:
    """The outermost point (along ``outward``) of a bone's section on the line ``share`` of the
    way across it (along ``across``, from its least to its greatest extent); None if none.

    ``over`` (segments of the sections of muscles the belly lies on) joins the bone's: the
    line is still placed across the bone alone, and the outermost point of either is taken.
    """
    if not len(segments):
        return None
    a = segments @ across  # (k, 2)
    lo, hi = float(a.min()), float(a.max())
    if hi - lo < 1e-6:
        return None
    at = lo + share * (hi - lo)
    if over is not None and len(over):
        segments = np.concatenate([segments, over])
        a = segments @ across
    a0, a1 = a[:, 0], a[:, 1]
    hit = (np.minimum(a0, a1) <= at) & (np.maximum(a0, a1) >= at) & (np.abs(a1 - a0) > 1e-12)
    if not hit.any():
        return None
    w = (at - a0[hit]) / (a1[hit] - a0[hit])
    pts = segments[hit, 0] + w[:, None] * (segments[hit, 1] - segments[hit, 0])
    return pts[int(np.argmax(pts @ outward))]


def thickness(entry: dict | None) -> float:
    """The belly's half-thickness away from its bed as a share of the round tube's radius (1: round)."""
    return float((entry or {}).get("thickness", 1.0))


def thin_axis(entry: dict | None, side: str) -> np.ndarray | None:
    """The direction a flattened belly is thin along (out from its bed), or None for a round one."""
    return None if thickness(entry) == 1.0 else _unit(entry["surface"], side)


def _fade(t: np.ndarray, start: float, end: float, fade: float) -> np.ndarray:
    """Weight of the bed along the path: 0 at ``start`` and ``end``, 1 inside, smooth between."""
    u = np.clip((t - start) / max(fade, 1e-9), 0.0, 1.0)
    v = np.clip((end - t) / max(fade, 1e-9), 0.0, 1.0)
    smooth = lambda x: x * x * x * (x * (6.0 * x - 15.0) + 10.0)  # noqa: E731
    return smooth(u) * smooth(v)


def bedded_path(path: np.ndarray, radii, bone: tuple[np.ndarray, np.ndarray], entry: dict, side: str,
                until: float = 1.0, over: list[tuple[np.ndarray, np.ndarray]] = ()) -> np.ndarray:
    """``path`` (origin first) laid on its bone's sourced surface.

    Each of :data:`STATIONS` stations of the smoothed path is moved to the point of the bone's
    section at its height that lies ``entry['across']`` of the way across ``entry['surface']``,
    plus the belly's half-thickness there (``radii``, a function of the path fraction, times
    :func:`thickness`) outwards, so the tube rests on that surface. With ``over`` (the solids
    of the muscles ``entry['over']`` names) it rests on the outermost of the bone and those
    muscles there instead. The move fades in over ``entry['fade']`` of the stretch from the
    origin to ``until`` (the belly's end, or the insertion) and out over as much before
    ``until``; a station whose height the bone does not reach stays where it was.
    """
    outward = _unit(entry["surface"], side)
    across = _unit(_ACROSS[entry["surface"]], side)
    flat = thickness(entry)
    t = np.linspace(0.0, 1.0, STATIONS)
    centre = tubes.resample_at(tubes.smooth(path), t)
    weights = _fade(t, 0.0, until, float(entry.get("fade", 0.2)) * until)
    out = centre.copy()
    for k, (p, w) in enumerate(zip(centre, weights, strict=True)):
        if w <= 0.0:
            continue
        z = float(p[2])
        under = [section(*solid, z) for solid in over]
        under = np.concatenate(under) if under else None
        surface = surface_point(section(*bone, z), outward, across, float(entry["across"]), under)
        if surface is None:
            continue
        target = surface + outward * flat * float(radii(t[k]))
        out[k] = p + w * (target - p)
    return out
