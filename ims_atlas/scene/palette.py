"""Colours for every role in the scene. Colour-blind safe (Okabe-Ito hues for highlights)."""

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
    bone: RGB = hex_rgb("#E9E2D0")
    vertebra: RGB = hex_rgb("#F3EBD8")
    disc: RGB = hex_rgb("#9FB7C9")
    muscle: RGB = hex_rgb("#B0574A")
    # Fascia (the plantar aponeurosis): silvery blue-white (told apart from bone), part-transparent so the muscles
    # under it show through, as an atlas draws it.
    fascia: RGB = hex_rgb("#C9D8E6")
    # Resting nerves: a pale straw, so a lit root (Okabe-Ito yellow) still stands out.
    nerve: RGB = hex_rgb("#D8CFA0")
    # Highlight roles (Okabe-Ito): local target orange, paraspinal target blue, root yellow.
    local: RGB = hex_rgb("#E69F00")
    paraspinal: RGB = hex_rgb("#0072B2")
    root: RGB = hex_rgb("#F0E442")
    # Markers: darker than the muscles they sit in, so an epicentre stands out on its muscle.
    local_marker: RGB = hex_rgb("#D55E00")
    # Sky blue: lighter than the blue paraspinal muscle it sits in.
    paraspinal_marker: RGB = hex_rgb("#56B4E9")
    # A minor root contribution: the local hue, much lighter (told apart by lightness).
    minor: RGB = hex_rgb("#F7D9A0")
    # A nerve the plan names (the sciatic nerve beside piriformis): lit like a root.
    named_nerve: RGB = hex_rgb("#F0E442")
    context_opacity: float = 0.18
    marked_opacity: float = 0.55
    muscle_opacity: float = 1.0
    fascia_opacity: float = 0.7


DEFAULT_PALETTE = Palette()
