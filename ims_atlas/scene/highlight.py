"""Pure rules from a treatment plan or a segment to scene highlights (structure roles, markers).

- local muscles of the condition, on the plan's sides: ``local`` (orange), epicentres as spheres;
- paraspinal muscles at the root's level (per-level meshes such as lumbar multifidus L4),
  on the plan's sides: ``paraspinal`` (blue), needle points as cubes;
- the spinal nerve roots of the plan's segments on its sides: ``root`` (yellow); where the
  anatomy has no root for a segment, the vertebrae that bound its foramen stand in.
"""

from __future__ import annotations

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.plan import TreatmentPlan
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.ids import foramen_between
from ims_atlas.scene.plan import Marker


def _root_structures(manifest: Manifest, segment: str, sides: tuple[str, ...] = ("left", "right")) -> list[str]:
    """Ids of the roots for a segment on some sides, or of the vertebrae bounding its foramen."""
    roots = [s.id for s in manifest.by_kind("root") if s.level == segment and s.side in sides]
    if roots:
        return roots
    out = []
    for level in dict.fromkeys(foramen_between(segment)):
        v = manifest.vertebra(level)
        if v is not None:
            out.append(v.id)
    return out


def plan_highlights(plan: TreatmentPlan, manifest: Manifest) -> tuple[dict[str, str], list[Marker]]:
    """Roles per structure id and the markers to draw for a treatment plan."""
    roles: dict[str, str] = {}
    markers: list[Marker] = []
    sides = ("left", "right") if plan.side == "both" else (plan.side,)
    for seg in plan.segments:
        for sid in _root_structures(manifest, seg, sides):
            roles[sid] = "root"
    for target in plan.paraspinal_targets:
        for muscle in target.muscles:
            for s in manifest.muscle_structures(muscle.id, sides=[target.side]):
                if s.level == target.segment:
                    roles[s.id] = "paraspinal"
        if target.position is not None:
            markers.append(Marker("paraspinal", target.position, f"{target.segment} {target.side}"))
    for target in plan.local_targets:
        for s in manifest.muscle_structures(target.muscle.id, sides=[target.side]):
            # A muscle modelled level by level (lumbar multifidus) lights only at the plan's
            # levels: neck targets must never light the lower back.
            if s.level is not None and s.level not in plan.segments:
                continue
            roles[s.id] = "local"
        if target.position is not None:
            markers.append(Marker("local", target.position, f"{target.muscle.name} ({target.side})"))
    return roles, markers


def segment_highlights(catalog: Catalog, manifest: Manifest, segment: str, sides: tuple[str, ...] = ("left", "right")
                       ) -> tuple[dict[str, str], dict[str, str]]:
    """For a segment: roles per structure id, and each lit muscle's contribution (major/minor).

    Muscles the segment supplies away from the spine (``Catalog.myotome``) get the role
    ``local`` for a major contribution and ``minor`` for a minor one; its paraspinal muscles
    ``paraspinal``, and only where modelled at its level (lumbar multifidus L4), never a
    column drawn over many levels as one mesh.
    """
    roles: dict[str, str] = {}
    contribution: dict[str, str] = {}
    for sid in _root_structures(manifest, segment, sides):
        roles[sid] = "root"
    try:
        entry = catalog.segment(segment)
        for muscle_id in entry.paraspinal_muscles:
            for s in manifest.muscle_structures(muscle_id, sides=sides):
                if s.level == segment:
                    roles[s.id] = "paraspinal"
    except KeyError:
        pass
    # Its own paraspinal muscles are lit beside the spine at its level only (above), never as
    # muscles it supplies: longissimus thoracis (T1-L5, one mesh) lit whole for T6 would
    # claim the whole column for one root.
    for muscle, contrib in catalog.myotome(segment):
        for s in manifest.muscle_structures(muscle.id, sides=sides):
            if s.level is not None and s.level != segment:
                continue
            roles[s.id] = "local" if contrib == "major" else "minor"
            contribution[s.id] = contrib
    return roles, contribution
