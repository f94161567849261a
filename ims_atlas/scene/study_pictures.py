"""Pictures for the segmental study (pure, no VTK): a "find the segment" assessment and a quiz question.

For an assessment the marked muscles are lit as ``local`` on their sides, each best segment's
root as ``root`` and its paraspinal muscles at its level as ``paraspinal``, with a needle-point
marker beside the spine on each side its findings were on.
"""

from __future__ import annotations

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.spine import paraspinal_point
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.state import ViewState
from ims_atlas.scene.highlight import _root_structures
from ims_atlas.scene.palette import DEFAULT_PALETTE, Palette
from ims_atlas.scene.picture import Picture
from ims_atlas.scene.plan import Marker, plan_for
from ims_atlas.study.assessment import Assessment

#: From behind and a little above, turned towards the side (focus -> eye): the paraspinal
#: points and most marked muscles face backwards.
PLAN_DIRECTION = {"right": (-0.55, 1.0, 0.25), "left": (0.55, 1.0, 0.25), "both": (0.0, 1.0, 0.2)}


def assessment_picture(assessment: Assessment, manifest: Manifest, catalog: Catalog, state: ViewState,
                       top: int = 2, palette: Palette = DEFAULT_PALETTE) -> Picture:
    """Light the marked muscles and the ``top`` best segments (and any tied with the last)."""
    roles: dict[str, str] = {}
    markers: list[Marker] = []
    best = assessment.best(top)
    levels = {s.segment for s in best}
    all_sides: set[str] = set()
    for score in best:
        sides = score.sides
        all_sides.update(sides)
        for sid in _root_structures(manifest, score.segment, sides):
            roles[sid] = "root"
        try:
            paraspinal = catalog.segment(score.segment).paraspinal_muscles
        except KeyError:
            paraspinal = ()
        for muscle_id in paraspinal:
            for s in manifest.muscle_structures(muscle_id, sides=sides):
                if s.level == score.segment:
                    roles[s.id] = "paraspinal"
        for side in sides:
            point = paraspinal_point(manifest, score.segment, side)
            if point is not None:
                markers.append(Marker("paraspinal", tuple(point), f"{score.segment} {side}"))
    for finding in assessment.findings.muscles:
        sides = [finding.side] if finding.side else ["left", "right"]
        all_sides.update(sides)
        for s in manifest.muscle_structures(finding.muscle, sides=sides):
            if s.level is not None and s.level not in levels:
                continue  # a muscle modelled level by level lights only at the chosen levels
            roles[s.id] = "local"
    side = "both" if len(all_sides) != 1 else next(iter(all_sides))
    highlight = plan_for(manifest, layers=dict(state.layers), highlights=roles, markers=markers, palette=palette,
                         hidden=state.hidden, isolate=state.isolated, opacity=dict(state.opacity),
                         labels=state.labels)
    return Picture(highlight, roles, tuple(roles), PLAN_DIRECTION.get(side, PLAN_DIRECTION["both"]), None)


def quiz_picture(structure_ids: tuple[str, ...], manifest: Manifest, state: ViewState,
                 palette: Palette = DEFAULT_PALETTE) -> Picture:
    """A quiz question's structures lit (``local``), the rest of the body as context; no labels
    (they would give the answer away).
    """
    roles = {sid: "local" for sid in structure_ids if sid in manifest}
    highlight = plan_for(manifest, layers=dict(state.layers), highlights=roles, palette=palette,
                         hidden=state.hidden, opacity=dict(state.opacity), labels=False)
    sides = {manifest[sid].side for sid in roles}
    side = "left" if sides == {"left"} else "right" if sides == {"right"} else "both"
    return Picture(highlight, roles, tuple(roles), PLAN_DIRECTION[side], None)
