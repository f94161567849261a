"""From the application state to what the scene should show: pure, shared by the window and export.

:func:`picture_for` answers "for this condition/segment/selection, side and layers: which
structures get which role, which markers, which structures must be in view, and from which
direction". The window applies it on screen; export applies the same picture off screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.spine import paraspinal_point
from ims_atlas.catalog.plan import TreatmentPlan, treatment_plan
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.state import ViewState
from ims_atlas.scene.highlight import plan_highlights, segment_highlights
from ims_atlas.scene.palette import DEFAULT_PALETTE, Palette
from ims_atlas.scene.plan import HighlightPlan, Marker, plan_for

Vec3 = tuple[float, float, float]

#: Looking from behind and a little above, turned towards the treated side (focus -> eye).
PLAN_DIRECTION: dict[str, Vec3] = {"right": (-0.55, 1.0, 0.25), "left": (0.55, 1.0, 0.25), "both": (0.0, 1.0, 0.2)}


@dataclass(frozen=True)
class Picture:
    """Everything the scene needs to show one state."""

    highlight: HighlightPlan
    roles: dict[str, str] = field(default_factory=dict)
    frame_ids: tuple[str, ...] = ()
    direction: Vec3 | None = None
    treatment: TreatmentPlan | None = None

    @property
    def markers(self) -> tuple[Marker, ...]:
        """The epicentre and needle-point markers."""
        return self.highlight.markers


def sides_of(side: str) -> tuple[str, ...]:
    """``"both"`` -> ``("left", "right")``; otherwise the side itself."""
    return ("left", "right") if side == "both" else (side,)


def picture_for(state: ViewState, manifest: Manifest, catalog: Catalog | None,
                palette: Palette = DEFAULT_PALETTE) -> Picture:
    """What to show for ``state``.

    A condition lights its local and paraspinal targets and roots with markers; a segment
    lights the muscles it supplies (major and minor told apart), its roots and its paraspinal
    level; a selection is lit on top of either. The state's ``hidden`` structures are not
    drawn; ``isolated``, when not empty, draws only those; ``opacity`` scales each layer.
    """
    roles: dict[str, str] = {}
    markers: list[Marker] = []
    treatment = None
    direction = None
    if state.condition_id and catalog is not None and catalog.has_condition(state.condition_id):
        treatment = treatment_plan(catalog, manifest, state.condition_id, state.side)
        roles, markers = plan_highlights(treatment, manifest)
        direction = PLAN_DIRECTION.get(state.side, PLAN_DIRECTION["both"])
    elif state.segment and catalog is not None:
        roles, _ = segment_highlights(catalog, manifest, state.segment, sides_of(state.side))
        direction = PLAN_DIRECTION.get(state.side, PLAN_DIRECTION["both"])
        # The paraspinal needle points at the segment's level, as in a treatment plan.
        for side in sides_of(state.side):
            point = paraspinal_point(manifest, state.segment, side)
            if point is not None:
                markers.append(Marker("paraspinal", tuple(point), f"{state.segment} {side}"))
    frame_ids = tuple(roles)
    if state.selection and state.selection in {s.id for s in manifest}:
        roles = dict(roles)
        roles[state.selection] = "local" if not roles.get(state.selection) else roles[state.selection]
    highlight = plan_for(manifest, layers=dict(state.layers), highlights=roles, markers=markers, palette=palette,
                         hidden=state.hidden, isolate=state.isolated, opacity=dict(state.opacity),
                         labels=state.labels)
    return Picture(highlight, roles, frame_ids, direction, treatment)
