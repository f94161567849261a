"""Pure highlight plans: what colour, opacity and visibility each structure gets.

A plan is computed from data (manifest, layer switches, highlighted ids) and applied by the
scene controller. No VTK here, so the domain rules are testable without a window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ims_atlas.anatomy.manifest import LAYERS, Manifest, Structure
from ims_atlas.scene.palette import DEFAULT_PALETTE, RGB, Palette

ROLES = ("base", "context", "local", "minor", "paraspinal", "root")


@dataclass(frozen=True)
class StructureStyle:
    """How one structure is drawn."""

    role: str
    color: RGB
    opacity: float
    visible: bool


@dataclass(frozen=True)
class Marker:
    """A point to mark in the scene (an epicentre or a paraspinal needle point)."""

    role: str
    position: tuple[float, float, float]
    label: str


@dataclass(frozen=True)
class HighlightPlan:
    """Styles for every structure, plus markers."""

    styles: Mapping[str, StructureStyle]
    markers: tuple[Marker, ...] = field(default_factory=tuple)


def base_color(structure: Structure, palette: Palette) -> RGB:
    """The resting colour of a structure."""
    if structure.kind == "vertebra":
        return palette.vertebra
    if structure.id == "cervical_discs":
        return palette.disc
    if structure.kind == "muscle":
        return palette.muscle
    if structure.kind in ("nerve", "root"):
        return palette.nerve
    return palette.bone


def plan_for(
    manifest: Manifest,
    layers: Mapping[str, bool] | None = None,
    highlights: Mapping[str, str] | None = None,
    markers: Iterable[Marker] = (),
    palette: Palette = DEFAULT_PALETTE,
) -> HighlightPlan:
    """Compute a plan.

    ``layers`` switches layers on/off (all on by default). ``highlights`` maps structure id to
    a role (``local``, ``paraspinal``, ``root``); when any highlight is present every other
    structure becomes translucent ``context`` so the targets stand out but the body still orients.
    """
    markers = tuple(markers)
    shown = {layer: True for layer in LAYERS}
    shown.update(layers or {})
    highlights = dict(highlights or {})
    dim = bool(highlights)
    styles: dict[str, StructureStyle] = {}
    for s in manifest:
        role = highlights.get(s.id)
        if role is not None:
            color = getattr(palette, role)
            # Epicentre markers lie inside their muscle: let them show through it.
            opacity = palette.marked_opacity if (role == "local" and markers) else 1.0
            styles[s.id] = StructureStyle(role, color, opacity, True)
            continue
        visible = shown.get(s.layer, True)
        if dim:
            opacity = palette.context_opacity if s.kind == "muscle" else 0.55
            styles[s.id] = StructureStyle("context", base_color(s, palette), opacity, visible)
        else:
            opacity = palette.muscle_opacity if s.kind == "muscle" else 1.0
            styles[s.id] = StructureStyle("base", base_color(s, palette), opacity, visible)
    return HighlightPlan(styles=styles, markers=markers)
