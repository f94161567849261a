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
from ims_atlas.scene.picture import Picture, anchor_of, body_for
from ims_atlas.scene.plan import Marker, plan_for
from ims_atlas.scene.target_views import PictureTarget, choose_views
from ims_atlas.study.assessment import Assessment


def assessment_picture(assessment: Assessment, manifest: Manifest, catalog: Catalog, state: ViewState,
                       top: int = 2, palette: Palette = DEFAULT_PALETTE) -> Picture:
    """Light the marked muscles and the ``top`` best segments (and any tied with the last)."""
    roles: dict[str, str] = {}
    markers: list[Marker] = []
    targets: list[PictureTarget] = []
    body = body_for(manifest)
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
                key = f"paraspinal:{score.segment}:{side}"
                point = tuple(float(c) for c in point)
                targets.append(PictureTarget(key, "paraspinal", side, point))
                markers.append(Marker("paraspinal", point, f"{score.segment} {side}", key))
    for finding in assessment.findings.muscles:
        sides = [finding.side] if finding.side else ["left", "right"]
        all_sides.update(sides)
        for side_ in sides:
            ids = []
            for s in manifest.muscle_structures(finding.muscle, sides=[side_]):
                if s.level is not None and s.level not in levels:
                    continue  # a muscle modelled level by level lights only at the chosen levels
                roles[s.id] = "local"
                ids.append(s.id)
            if ids:
                targets.append(PictureTarget(f"local:{finding.muscle}:{side_}", "local", side_,
                                             anchor_of(body, ids), tuple(ids)))
    side = "both" if len(all_sides) != 1 else next(iter(all_sides))
    views = choose_views(targets, body, side) if targets else ()
    highlight = plan_for(manifest, layers=dict(state.layers), highlights=roles, markers=markers, palette=palette,
                         hidden=state.hidden, isolate=state.isolated, opacity=dict(state.opacity),
                         labels=state.labels)
    return Picture(highlight, roles, tuple(roles), views[0].direction if views else None, None, tuple(targets), views)


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
    body = body_for(manifest)
    targets = [PictureTarget(f"local:{sid}", "local", manifest[sid].side, anchor_of(body, [sid]), (sid,))
               for sid in roles]
    views = choose_views(targets, body, side) if targets else ()
    # One direction only: a quiz shows the structure from where it is least hidden.
    return Picture(highlight, roles, tuple(roles), views[0].direction if views else None, None)
