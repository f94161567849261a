"""What to needle for a condition on a side: a pure function of catalog and anatomy.

The treatment plan lists the local targets (per concrete side, with the epicentre mirrored
for the left), the root segments, one paraspinal target per (segment, side), the safety
notes and references, and the contraindications and red flags that apply to it. The scene, the exports and the command line all present this one
plan; none of them re-derives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.entries import (
    Condition,
    LocalTarget,
    Muscle,
    Point,
    RedFlag,
    Reference,
    Root,
    SafetyItem,
    SafetyNote,
)
from ims_atlas.catalog.rules import paraspinal_level_for
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import DataError
from ims_atlas.core.ids import MIDLINE_X, Side, mirror_x


@dataclass(frozen=True)
class PlannedLocalTarget:
    """A local target on one concrete side (``position`` already mirrored for the left)."""

    side: str
    muscle: Muscle
    target: LocalTarget
    position: Point | None

    @property
    def nerve(self) -> str:
        """The muscle's nerve."""
        return self.muscle.nerve

    @property
    def roots(self) -> tuple[Root, ...]:
        """The muscle's nerve roots."""
        return self.muscle.roots

    @property
    def description(self) -> str:
        """Where the epicentre is, in words."""
        return self.target.epicentre.description


@dataclass(frozen=True)
class ParaspinalTarget:
    """The needling point beside the spine for one root segment on one side."""

    segment: str
    paraspinal_level: str
    side: str
    muscles: tuple[Muscle, ...]
    position: Point | None


@dataclass(frozen=True)
class TreatmentPlan:
    """Everything to show for one condition on a side (``"left"``, ``"right"`` or ``"both"``)."""

    condition: Condition
    side: str
    segments: tuple[str, ...]
    core_segments: tuple[str, ...]
    local_targets: tuple[PlannedLocalTarget, ...]
    paraspinal_targets: tuple[ParaspinalTarget, ...]
    safety: tuple[SafetyNote, ...]
    references: tuple[Reference, ...]
    #: General contraindications and precautions, and hazards near this plan's muscles.
    contraindications: tuple[SafetyItem, ...] = ()
    #: Signs that mean "refer, do not needle" for this plan.
    red_flags: tuple[RedFlag, ...] = ()


def safety_for(catalog: Catalog, condition: Condition) -> tuple[tuple[SafetyItem, ...], tuple[RedFlag, ...]]:
    """The catalog's contraindications and red flags that apply to a plan for ``condition``:
    those for every plan, for this condition, for one of its local or paraspinal muscles, or
    for one of its root segments; in catalog order.
    """
    muscles = {t.muscle for t in condition.local_targets}
    for seg in condition.segments:
        try:
            muscles.update(catalog.segment(seg).paraspinal_muscles)
        except KeyError:
            pass
    segments = condition.segments
    return (tuple(c for c in catalog.contraindications if c.applies_to.matches(condition.id, muscles, segments)),
            tuple(r for r in catalog.red_flags if r.applies_to.matches(condition.id, muscles, segments)))


Locator = Callable[[str, str], "Point | None"]


def _paraspinal_locator(manifest: Manifest | None) -> Locator:
    """``(segment, side) -> point`` from the anatomy, or always None without it."""
    if manifest is None:
        return lambda segment, side: None
    try:
        from ims_atlas.anatomy.spine import paraspinal_point
    except ModuleNotFoundError as exc:
        if exc.name != "ims_atlas.anatomy.spine":
            raise
        return lambda segment, side: None

    def locate(segment: str, side: str) -> Point | None:
        try:
            p = paraspinal_point(manifest, segment, side)
        except (DataError, LookupError, ValueError):
            return None  # the manifest lacks the vertebrae for this level
        return None if p is None else (float(p[0]), float(p[1]), float(p[2]))

    return locate


def treatment_plan(catalog: Catalog, manifest: Manifest | None, condition_id: str, side: str | Side) -> TreatmentPlan:
    """The treatment plan for a condition.

    Parameters
    ----------
    catalog
        The (merged) catalog.
    manifest
        The anatomy manifest, for the mirror plane and the paraspinal points; None gives
        plans without paraspinal positions.
    condition_id
        The condition's id.
    side
        ``"left"``, ``"right"`` or ``"both"`` (or a :class:`Side`).

    Raises
    ------
    KeyError
        If the catalog has no such condition.
    ValueError
        If ``side`` is not a side.
    """
    condition = catalog.condition(condition_id)
    sides = (side if isinstance(side, Side) else Side.parse(side)).sides()
    midline = manifest.midline_x if manifest is not None else MIDLINE_X
    local: list[PlannedLocalTarget] = []
    for target in condition.local_targets:
        muscle = catalog.muscle(target.muscle)
        right = target.epicentre.position
        for s in sides:
            pos = right
            if right is not None and s == "left":
                pos = (mirror_x(right[0], midline), right[1], right[2])
            local.append(PlannedLocalTarget(s, muscle, target, pos))
    locate = _paraspinal_locator(manifest)
    paraspinal: list[ParaspinalTarget] = []
    for seg in condition.segments:
        try:
            entry = catalog.segment(seg)
            level, muscle_ids = entry.paraspinal_level, entry.paraspinal_muscles
        except KeyError:
            level, muscle_ids = paraspinal_level_for(seg), ()
        muscles = tuple(catalog.muscle(m) for m in muscle_ids if catalog.has_muscle(m))
        for s in sides:
            paraspinal.append(ParaspinalTarget(seg, level, s, muscles, locate(seg, s)))
    contraindications, red_flags = safety_for(catalog, condition)
    return TreatmentPlan(
        condition=condition,
        side=sides[0] if len(sides) == 1 else Side.BOTH.value,
        segments=condition.segments,
        core_segments=condition.root_segments.core,
        local_targets=tuple(local),
        paraspinal_targets=tuple(paraspinal),
        safety=condition.safety,
        references=condition.references,
        contraindications=contraindications,
        red_flags=red_flags,
    )


#: Why a local target is missing from the pictures (plan text, ``plan --json``, handout).
NOT_DRAWN_REASON = "no 3D model of this muscle in the anatomy yet: the pictures cannot show it"


def undrawn_muscles(plan: TreatmentPlan, manifest: Manifest | None) -> tuple[Muscle, ...]:
    """The plan's local-target muscles that have no mesh on any of their sides (in plan order,
    once each); none without the anatomy (nothing is drawn then, and nothing claims to be).
    """
    if manifest is None:
        return ()
    out: dict[str, Muscle] = {}
    for t in plan.local_targets:
        if t.muscle.id not in out and not manifest.muscle_structures(t.muscle.id, sides=[t.side, "midline"]):
            out[t.muscle.id] = t.muscle
    return tuple(out.values())
