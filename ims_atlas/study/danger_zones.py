"""Danger zones: the structures a plan's safety notes warn of, with their depth from the skin
at each needle site, measured on the meshes (NumPy only).

A hazard is named by the notes (``data/danger_zones.json``: keywords) and found in the anatomy
by name (any structure whose id or name holds one of its match words, on the target's side).
A hazard the anatomy lacks is reported as not measured, with why; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ims_atlas.anatomy.geometry import contains_point, distance_to_mesh
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.catalog.entries import Condition
from ims_atlas.catalog.plan import TreatmentPlan
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.study.dermatomes import SIDES, PaintedSkin
from ims_atlas.study.study_data import data_path, read_json, require, text_field, text_list

#: Hazards farther than this from a needle site are not listed for it (metres).
NEAR = 0.08


@dataclass(frozen=True)
class Hazard:
    """A structure the notes warn of: id, display name, note keywords, anatomy match words, and
    (``in_people``) how deep it lies in people by the sources and how the model compares.
    """

    id: str
    name: str
    keywords: tuple[str, ...]
    match: tuple[str, ...]
    in_people: str = ""


@lru_cache(maxsize=2)
def load_hazards(path: Path | None = None) -> tuple[Hazard, ...]:
    """Read the hazard table; :class:`~ims_atlas.core.errors.DataError` if broken."""
    path = path or data_path("danger_zones.json")
    doc = read_json(path)
    require(isinstance(doc, dict) and isinstance(doc.get("hazards"), list), path, "$.hazards", "must be a list")
    out = []
    for i, item in enumerate(doc["hazards"]):
        w = f"$.hazards[{i}]"
        out.append(Hazard(text_field(item, "id", path, w), text_field(item, "name", path, w),
                          text_list(item, "keywords", path, w, allow_empty=False),
                          text_list(item, "match", path, w, allow_empty=False),
                          text_field(item, "in_people", path, w) if "in_people" in item else ""))
    return tuple(out)


def hazards_named(plan: TreatmentPlan, hazards: tuple[Hazard, ...]) -> list[tuple[Hazard, list[str]]]:
    """The hazards the plan's safety notes name, each with the notes that name it."""
    out = []
    for h in hazards:
        notes = [s.text for s in plan.safety if any(k in s.text.lower() for k in h.keywords)]
        if notes:
            out.append((h, notes))
    return out


def structures_for(manifest: Manifest, hazard: Hazard, side: str) -> list[Structure]:
    """The anatomy's structures matching a hazard on ``side`` (or on the midline), the organs and
    vessels loaded only on request among them.
    """
    out = []
    for s in manifest.every():
        text = f"{s.id} {s.name}".lower()
        if any(m in text for m in hazard.match) and s.side in (side, "midline"):
            out.append(s)
    return out


def hazards_of(structure: Structure, hazards: tuple[Hazard, ...]) -> list[Hazard]:
    """The hazards a structure is (the ones whose match words its id or name holds), as
    :func:`structures_for` finds it for them.
    """
    text = f"{structure.id} {structure.name}".lower()
    return [h for h in hazards if any(m in text for m in h.match)]


def warned_of_in(hazard: Hazard, catalog: Catalog) -> list[Condition]:
    """The catalog's conditions whose safety notes warn of ``hazard`` (name one of its keywords),
    in catalog order: the plans whose danger zones measure it.
    """
    return [c for c in catalog.conditions if any(k in note.text.lower() for note in c.safety for k in hazard.keywords)]


@dataclass(frozen=True)
class Measurement:
    """One hazard near one needle site."""

    hazard: str
    structure: str
    depth_from_skin_cm: float
    from_target_cm: float
    nearest: tuple[float, float, float]


@dataclass(frozen=True)
class SiteReport:
    """A needle site: the target, where it meets the skin, how deep the target is, what is near."""

    target: str
    kind: str  # "local" | "paraspinal"
    side: str
    site: tuple[float, float, float]
    target_depth_cm: float
    near: tuple[Measurement, ...]


@dataclass(frozen=True)
class DangerReport:
    """Every site's measurements, and the hazards named but not measured (with why)."""

    sites: tuple[SiteReport, ...]
    not_measured: dict[str, str]
    notes: dict[str, list[str]]

    def unmeasured_at(self, target: str) -> list[str]:
        """The hazards that could not be measured at one needle site (keys "<hazard> at <target>")."""
        return unmeasured_at(self.not_measured, target)


def unmeasured_at(not_measured: dict[str, str], target: str) -> list[str]:
    """The hazards of a ``not_measured`` table (a report's, or its JSON's) not measured at ``target``."""
    return [k.split(" at ", 1)[0] for k in not_measured if k.endswith(f" at {target}")]


def _nearest_on(points: np.ndarray, faces: np.ndarray, p: np.ndarray) -> tuple[float, np.ndarray]:
    d = float(distance_to_mesh(points, faces, p))
    v = points[int(np.argmin(np.linalg.norm(points - p, axis=1)))]
    return d, v


def needle_site(skin_points: np.ndarray, target: np.ndarray, kind: str) -> np.ndarray:
    """Where the needle enters the skin for a target.

    A local target: the skin point nearest it. A paraspinal target is needled from the back
    (beside the spinous processes): the skin point straight behind it (+Y is posterior), the
    one nearest the line running back from the target; the nearest skin point would often be
    on the side or front of the neck, where no paraspinal needle goes in.
    """
    if kind == "paraspinal":
        behind = skin_points[skin_points[:, 1] > target[1]]
        if len(behind):
            off = np.hypot(behind[:, 0] - target[0], behind[:, 2] - target[2])
            return behind[int(np.argmin(off))]
    return skin_points[int(np.argmin(np.linalg.norm(skin_points - target, axis=1)))]


def danger_report(plan: TreatmentPlan, manifest: Manifest, skin: PaintedSkin,
                  hazards: tuple[Hazard, ...] | None = None) -> DangerReport:
    """Measure, at every needle site of ``plan``, the hazards its safety notes name."""
    hazards = load_hazards() if hazards is None else hazards
    named = hazards_named(plan, hazards)
    side_of = skin.side_of_vertices()
    targets: list[tuple[str, str, str, np.ndarray]] = []
    for t in plan.local_targets:
        if t.position is not None:
            targets.append((t.muscle.name, "local", t.side, np.asarray(t.position, dtype=float)))
    for p in plan.paraspinal_targets:
        if p.position is not None:
            targets.append((f"{p.segment} paraspinal", "paraspinal", p.side, np.asarray(p.position, dtype=float)))
    meshes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    not_measured: dict[str, str] = {}
    sites = []
    for name, kind, side, point in targets:
        on_side = np.flatnonzero(side_of == SIDES.index(side))
        site = needle_site(skin.points[on_side], point, kind)
        near = []
        for h, _ in named:
            found = structures_for(manifest, h, side)
            if not found:
                not_measured[h.name] = (f"the anatomy has no {h.name} mesh on the {side} side; "
                                        "its depth is not measured")
                continue
            best = None
            for s in found:
                if s.id not in meshes:
                    m = read_mesh(manifest.file_path(s))
                    meshes[s.id] = (m.points, m.faces)
                pts, faces = meshes[s.id]
                if s.kind == "organ" and contains_point(pts, faces, site):
                    # The model's skin envelope dips inside the organ here (the armpit): a depth
                    # from it would be meaningless.
                    not_measured[f"{h.name} at {name}"] = (f"the model's skin at this site lies inside the {s.name}; "
                                                           "no depth is given here")
                    best = None
                    break
                depth, nearest = _nearest_on(pts, faces, site)
                if best is None or depth < best[0]:
                    best = (depth, nearest, s, float(distance_to_mesh(pts, faces, point)))
            if best is not None and best[0] < NEAR:
                near.append(Measurement(h.name, best[2].id, round(best[0] * 100, 1), round(best[3] * 100, 1),
                                        tuple(float(x) for x in best[1])))
        near.sort(key=lambda m: m.depth_from_skin_cm)
        sites.append(SiteReport(name, kind, side, tuple(float(x) for x in site),
                                round(float(np.linalg.norm(site - point)) * 100, 1), tuple(near)))
    return DangerReport(tuple(sites), not_measured, {h.name: notes for h, notes in named})


def danger_view(report: DangerReport) -> dict:
    """The report as JSON (``plan --json``'s ``danger_zones``)."""
    return {
        "sites": [{"target": s.target, "kind": s.kind, "side": s.side, "skin_site": list(s.site),
                   "target_depth_cm": s.target_depth_cm,
                   "near": [{"hazard": m.hazard, "structure": m.structure, "depth_from_skin_cm": m.depth_from_skin_cm,
                             "from_target_cm": m.from_target_cm} for m in s.near]}
                  for s in report.sites],
        "not_measured": report.not_measured,
        "hazards_named": sorted(report.notes),
        "in_people": {h.name: h.in_people for h in load_hazards() if h.name in report.notes and h.in_people},
        "note": "distances on one model body (to the nearest point of each structure), not safe depths",
    }
