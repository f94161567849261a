"""Pure highlight plans: what colour, opacity and visibility each structure gets.

A plan is computed from data (manifest, layer switches, highlighted ids) and applied by the
scene controller. No VTK here, so the domain rules are testable without a window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ims_atlas.anatomy.manifest import LAYERS, Manifest, Structure
from ims_atlas.core.ids import SEGMENT_NAMES
from ims_atlas.scene.palette import DEFAULT_PALETTE, RGB, Palette

ROLES = ("base", "context", "local", "minor", "nerve", "paraspinal", "root")


@dataclass(frozen=True)
class StructureStyle:
    """How one structure is drawn."""

    role: str
    color: RGB
    opacity: float
    visible: bool


#: Marker sizes (metres): the radius of a local epicentre's sphere, the side of a paraspinal
#: needle point's cube. Small enough that the needle points of neighbouring levels (1.5-2.5 cm
#: apart) stay apart; large enough to be seen in a picture of the whole back.
MARKER_RADIUS = 0.005
MARKER_CUBE = 0.008


@dataclass(frozen=True)
class Marker:
    """A point to mark in the scene (an epicentre or a paraspinal needle point)."""

    role: str  # "local" (a sphere), "paraspinal" (a cube) or "anchor" (a label only)
    position: tuple[float, float, float]
    label: str  # "": drawn, not named (a segment on both sides: its twin names both)
    key: str = ""  # the picture target it marks (``scene.target_views.PictureTarget.key``)


@dataclass(frozen=True)
class HighlightPlan:
    """Styles for every structure, plus markers."""

    styles: Mapping[str, StructureStyle]
    markers: tuple[Marker, ...] = field(default_factory=tuple)
    labels: bool = False  # draw each marker's label beside it


def base_color(structure: Structure, palette: Palette) -> RGB:
    """The resting colour of a structure."""
    if structure.kind == "vertebra":
        return palette.vertebra
    if structure.id == "cervical_discs":
        return palette.disc
    if structure.kind == "muscle":
        return palette.muscle
    if structure.kind == "fascia":
        return palette.fascia
    if structure.kind in ("nerve", "root"):
        return palette.nerve
    return palette.bone


def plan_for(
    manifest: Manifest,
    layers: Mapping[str, bool] | None = None,
    highlights: Mapping[str, str] | None = None,
    markers: Iterable[Marker] = (),
    palette: Palette = DEFAULT_PALETTE,
    hidden: Iterable[str] = (),
    isolate: Iterable[str] = (),
    opacity: Mapping[str, float] | None = None,
    labels: bool = False,
) -> HighlightPlan:
    """Compute a plan.

    ``layers`` switches layers on/off (all on by default). ``highlights`` maps structure id to
    a role (``local``, ``paraspinal``, ``root``); when any highlight is present every other
    structure becomes translucent ``context`` so the targets stand out but the body still orients.
    ``hidden`` ids are not drawn; a non-empty ``isolate`` draws only those ids (and the
    markers). ``opacity`` maps a layer to a factor (0-1) for its structures that are not
    highlighted, so a student can see the bones through the muscles.
    """
    markers = tuple(markers)
    shown = {layer: True for layer in LAYERS}
    shown.update(layers or {})
    highlights = dict(highlights or {})
    dim = bool(highlights)
    hidden = set(hidden)
    isolate = set(isolate)
    factor = {layer: min(max(float(v), 0.0), 1.0) for layer, v in (opacity or {}).items()}
    styles: dict[str, StructureStyle] = {}
    for s in manifest:
        drawn = s.id not in hidden and (not isolate or s.id in isolate)
        role = highlights.get(s.id)
        if role is not None:
            color = palette.named_nerve if role == "nerve" else getattr(palette, role)
            # Opaque (or nearly): neighbouring targets stay distinct; the markers inside are
            # drawn over the anatomy in the scene's overlay.
            alpha = palette.marked_opacity if (role == "local" and markers) else 1.0
            styles[s.id] = StructureStyle(role, color, alpha, drawn)
            continue
        visible = shown.get(s.layer, True) and drawn
        if dim and not isolate:
            # Soft tissue fades to a whisper; bones stay half-solid to orient by.
            alpha = palette.context_opacity if s.kind in ("muscle", "fascia", "nerve", "root") else 0.55
            role = "context"
        else:
            alpha = {"muscle": palette.muscle_opacity, "fascia": palette.fascia_opacity}.get(s.kind, 1.0)
            role = "base"
        alpha *= factor.get(s.layer, 1.0)
        styles[s.id] = StructureStyle(role, base_color(s, palette), alpha, visible and alpha > 0.0)
    return HighlightPlan(styles=styles, markers=markers, labels=labels)


def label_groups(markers: tuple[Marker, ...]) -> list[Marker]:
    """The markers to label: every local marker, and one label per side for each run of
    consecutive paraspinal levels ("C5-C7 right" on the middle one of the run).
    """
    # A marker without a label is drawn, not named: its twin on the other side names both
    # (a segment on both sides: scene.picture.named_once).
    markers = tuple(m for m in markers if m.label)
    out = [m for m in markers if m.role != "paraspinal"]
    by_side: dict[str, list[Marker]] = {}
    for m in markers:
        if m.role == "paraspinal" and ("+" in m.key or m.label.rpartition(" ")[0] not in SEGMENT_NAMES):
            # A needle point shared with an epicentre (its label names both), or one naming
            # its level on both sides ("C6 both sides"): its own label.
            out.append(m)
        elif m.role == "paraspinal":
            level, _, side = m.label.rpartition(" ")
            by_side.setdefault(side, []).append(m)
    for side, group in by_side.items():
        group = sorted(group, key=lambda m: -m.position[2])  # top to bottom
        # One label per run of consecutive levels: "C1-S1" over C1, C3-C7 and L4-S1 would
        # name levels the plan does not needle.
        runs: list[list[Marker]] = []
        for m in group:
            if runs and _next_level(runs[-1][-1].label.rpartition(" ")[0], m.label.rpartition(" ")[0]):
                runs[-1].append(m)
            else:
                runs.append([m])
        for run in runs:
            levels = [m.label.rpartition(" ")[0] for m in run]
            text = levels[0] if len(levels) == 1 else f"{levels[0]}-{levels[-1]}"
            middle = run[len(run) // 2]
            out.append(Marker("paraspinal", middle.position, f"{text} {side}".strip(), middle.key))
    return out


def _next_level(upper: str, lower: str) -> bool:
    """Whether segment ``lower`` follows ``upper`` (C7 then C8); unknown names never do."""
    if upper not in SEGMENT_NAMES or lower not in SEGMENT_NAMES:
        return False
    return SEGMENT_NAMES.index(lower) == SEGMENT_NAMES.index(upper) + 1
