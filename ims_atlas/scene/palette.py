"""Colours for every role in the scene. Colour-blind safe (checked with a simulation)."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[float, float, float]


def hex_rgb(code: str) -> RGB:
    """``"#E69F00"`` -> ``(0.902, 0.624, 0.0)``."""
    code = code.lstrip("#")
    return tuple(int(code[i : i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


@dataclass(frozen=True)
class Palette:
    """Colour and opacity per role. Highlights differ in hue *and* lightness."""

    background_top: RGB = hex_rgb("#3B4252")
    background_bottom: RGB = hex_rgb("#15181E")
    bone: RGB = hex_rgb("#BDB9B1")
    vertebra: RGB = hex_rgb("#B8B4AC")
    disc: RGB = hex_rgb("#9FB7C9")
    muscle: RGB = hex_rgb("#B0574A")
    # Fascia (the plantar aponeurosis): silvery blue-white (told apart from bone), part-transparent so the muscles
    # under it show through, as an atlas draws it.
    fascia: RGB = hex_rgb("#C9D8E6")
    # Resting nerves: a pale straw, so a lit root (Okabe-Ito yellow) still stands out.
    nerve: RGB = hex_rgb("#D8CFA0")
    # Highlight roles, chosen so that each pair (and bone) stays at least 20 Delta E apart with
    # normal vision and simulated protanopia, deuteranopia and tritanopia, and 10 apart in
    # lightness alone (a grey print) (scene.colour_vision; tests/unit/test_palette_vision.py):
    # local target vermillion (Okabe-Ito), paraspinal blue, root gold, minor supply dark wine,
    # bone a warm grey.
    local: RGB = hex_rgb("#D55E00")
    paraspinal: RGB = hex_rgb("#005AB5")
    root: RGB = hex_rgb("#FFD500")
    # Markers: near white, so an epicentre stands out on its (opaque) vermillion muscle.
    local_marker: RGB = hex_rgb("#F4F4F4")
    # Sky blue: lighter than the blue paraspinal muscle it sits in.
    paraspinal_marker: RGB = hex_rgb("#56B4E9")
    # A minor root contribution: a dark wine, apart from the local vermillion in every vision.
    minor: RGB = hex_rgb("#6A1B4D")
    # A nerve the plan names (the sciatic nerve beside piriformis): lit like a root.
    named_nerve: RGB = hex_rgb("#FFD500")
    # The outline drawn round each treated muscle, so opaque neighbours stay distinct.
    outline: RGB = hex_rgb("#1B1B1F")
    context_opacity: float = 0.18
    # A treated muscle lying over another target's needle point, in that view: see-through.
    covering_opacity: float = 0.45
    marked_opacity: float = 1.0
    muscle_opacity: float = 1.0
    fascia_opacity: float = 0.7


DEFAULT_PALETTE = Palette()
