"""Referred-pain zones of local targets, drawn on the skin from published descriptions.

The zones (``data/referred_pain.json``) name skin regions; each region is found on the bones
(:mod:`ims_atlas.study.region_landmarks`) and drawn as a disc of skin around it on the
target's side. NumPy only; the skin comes from :mod:`ims_atlas.study.dermatomes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ims_atlas.study.body_landmarks import BodyFrame, find_landmark, snap_to_skin
from ims_atlas.study.dermatomes import SIDES, PaintedSkin
from ims_atlas.study.study_data import data_path, read_json, require, text_field, text_list


@dataclass(frozen=True)
class ReferredZone:
    """A muscle's referred-pain zone: the source's words, its sources, the regions drawn."""

    muscle: str
    description: str
    sources: tuple[str, ...]
    regions: tuple[tuple[str, float], ...]  # (region landmark, radius in cm)


@dataclass(frozen=True)
class ReferredPainTable:
    """Every zone by muscle, and the muscles left out with the reason."""

    zones: dict[str, ReferredZone]
    not_included: dict[str, str]

    def get(self, muscle_id: str) -> ReferredZone | None:
        """The muscle's zone, or None."""
        return self.zones.get(muscle_id)


def load_referred_pain(path: Path | None = None) -> ReferredPainTable:
    """Read the zones; :class:`~ims_atlas.core.errors.DataError` naming the place if broken."""
    path = path or data_path("referred_pain.json")
    doc = read_json(path)
    require(isinstance(doc, dict) and isinstance(doc.get("zones"), list), path, "$.zones", "must be a list")
    zones = {}
    for i, item in enumerate(doc["zones"]):
        where = f"$.zones[{i}]"
        regions = item.get("regions") if isinstance(item, dict) else None
        ok = isinstance(regions, list) and regions and all(
            isinstance(r, list) and len(r) == 2 and isinstance(r[0], str)
            and isinstance(r[1], (int, float)) and 0 < r[1] <= 20 for r in regions)
        require(bool(ok), path, f"{where}.regions", "must be a list of [region, radius in cm (0-20)]")
        z = ReferredZone(text_field(item, "muscle", path, where), text_field(item, "description", path, where),
                         text_list(item, "sources", path, where, allow_empty=False),
                         tuple((r[0], float(r[1])) for r in regions))
        zones[z.muscle] = z
    return ReferredPainTable(zones, dict(doc.get("not_included") or {}))


@lru_cache(maxsize=1)
def bundled_referred_pain() -> ReferredPainTable:
    """The bundled zones (read once)."""
    return load_referred_pain()


def zone_mask(skin: PaintedSkin, body: BodyFrame, zone: ReferredZone, side: str) -> np.ndarray:
    """Boolean per skin vertex: inside the zone on ``side``.

    Raises
    ------
    KeyError
        If the anatomy lacks a bone a region is found on.
    """
    on_side = np.flatnonzero(skin.side_of_vertices() == SIDES.index(side))
    pts = skin.points[on_side]
    mask = np.zeros(len(skin.points), dtype=bool)
    for region, radius_cm in zone.regions:
        centre = pts[snap_to_skin(pts, find_landmark(body, region, side))]
        mask[on_side[np.linalg.norm(pts - centre, axis=1) <= radius_cm / 100.0]] = True
    return mask


def zone_area_cm2(skin: PaintedSkin, mask: np.ndarray) -> float:
    """The area of the triangles whose corners are all in ``mask`` (cm²)."""
    inside = mask[skin.faces].all(axis=1)
    return round(float(skin.face_areas()[inside].sum()) * 1e4, 1)


def referred_view(muscle_id: str, side: str, skin: PaintedSkin | None, body: BodyFrame | None,
                  table: ReferredPainTable) -> dict | None:
    """``{"description", "area_cm2", "sources", "regions"}`` for a target, or None if no source."""
    zone = table.get(muscle_id)
    if zone is None:
        return None
    out = {"description": zone.description, "sources": list(zone.sources),
           "regions": [r for r, _ in zone.regions], "area_cm2": None}
    if skin is not None and body is not None:
        try:
            out["area_cm2"] = zone_area_cm2(skin, zone_mask(skin, body, zone, side))
        except KeyError as exc:
            out["note"] = f"not drawn: {exc.args[0]}"
    else:
        out["note"] = "no baked skin: run 'python scripts/build_skin.py' for the area"
    return out
