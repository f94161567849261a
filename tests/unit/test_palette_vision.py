"""The highlight colours stay apart for the common colour-vision deficiencies (issue 16).

Simulated with Machado et al. 2009 (``scene.colour_vision``): local, paraspinal, root and
minor-supply colours, and bone, at least 20 CIE76 Delta E apart with normal vision,
protanopia, deuteranopia and tritanopia, and at least 10 apart in lightness alone.
"""

from __future__ import annotations

import itertools

import pytest

from ims_atlas.scene.colour_vision import (
    MACHADO_2009,
    VISIONS,
    closest_pair,
    delta_e,
    simulate,
)
from ims_atlas.scene.palette import DEFAULT_PALETTE, hex_rgb

ROLES = ("local", "paraspinal", "root", "minor", "bone")
HIGHLIGHTS = ("local", "paraspinal", "root", "minor")
MIN_DELTA_E = {"normal": 20.0, "protanopia": 20.0, "deuteranopia": 20.0, "tritanopia": 20.0, "monochrome": 10.0}


@pytest.mark.parametrize("vision", VISIONS)
def test_highlight_colours_stay_apart(vision):
    colours = {r: getattr(DEFAULT_PALETTE, r) for r in ROLES}
    a, b, d = closest_pair(colours, vision)
    assert d >= MIN_DELTA_E[vision], f"{a} and {b} are only {d:.1f} Delta E apart with {vision}"
    for role in HIGHLIGHTS:  # the vertebrae are bone too
        d = delta_e(DEFAULT_PALETTE.vertebra, colours[role], vision)
        assert d >= MIN_DELTA_E[vision], f"vertebra and {role} are only {d:.1f} Delta E apart with {vision}"


def test_bone_and_vertebra_are_both_bone():
    """Bone and vertebra are one idea (bone): close together, apart from the highlights."""
    assert delta_e(DEFAULT_PALETTE.bone, DEFAULT_PALETTE.vertebra) < 8.0


def test_named_nerves_lit_like_roots():
    assert DEFAULT_PALETTE.named_nerve == DEFAULT_PALETTE.root


def test_the_simulation_confuses_what_it_should():
    """Red and green, far apart with normal vision, come close with protanopia and
    deuteranopia but not tritanopia; blue and green come closer with tritanopia; greys stay grey."""
    red, green, blue = hex_rgb("#D62728"), hex_rgb("#2CA02C"), hex_rgb("#1F77B4")
    normal = delta_e(red, green)
    assert delta_e(red, green, "protanopia") < 0.5 * normal
    assert delta_e(red, green, "deuteranopia") < 0.5 * normal
    assert delta_e(red, green, "tritanopia") > 0.6 * normal
    assert delta_e(blue, green, "tritanopia") < delta_e(blue, green)
    for vision in MACHADO_2009:
        grey = simulate((0.5, 0.5, 0.5), vision)
        assert max(grey) - min(grey) < 0.01


def test_every_pair_is_checked():
    colours = {r: getattr(DEFAULT_PALETTE, r) for r in ROLES}
    pairs = list(itertools.combinations(colours, 2))
    assert len(pairs) == 10
    worst = min(delta_e(colours[a], colours[b], "deuteranopia") for a, b in pairs)
    assert closest_pair(colours, "deuteranopia")[2] == pytest.approx(worst)
