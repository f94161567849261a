"""Spinal segments, sides and the foramen rule."""

import pytest

from ims_atlas.core.ids import (
    CATALOG_SEGMENTS,
    SEGMENT_NAMES,
    Side,
    SpinalSegment,
    foramen_between,
    mirror_x,
    normalise_segment,
    segment_range,
)


def test_segments_in_cranio_caudal_order():
    assert SEGMENT_NAMES[:3] == ("C1", "C2", "C3")
    assert CATALOG_SEGMENTS[0] == "C1" and CATALOG_SEGMENTS[-1] == "S2"
    assert len(CATALOG_SEGMENTS) == 8 + 12 + 5 + 2
    assert SpinalSegment("C8") < SpinalSegment("T1") < SpinalSegment("L5") < SpinalSegment("S1")


@pytest.mark.parametrize("text, expected", [("c6", "C6"), (" C 6 ", "C6"), ("l-5", "L5"), ("s2", "S2")])
def test_normalise_segment_accepts_loose_spelling(text, expected):
    assert normalise_segment(text) == expected


@pytest.mark.parametrize("text", ["C9", "T13", "L6", "X1", "", "C", "66", None])
def test_normalise_segment_rejects_nonsense(text):
    assert normalise_segment(text) is None
    with pytest.raises(ValueError):
        SpinalSegment(text)


@pytest.mark.parametrize(
    "segment, between",
    [
        ("C1", ("occiput", "C1")),
        ("C2", ("C1", "C2")),
        ("C6", ("C5", "C6")),  # cervical nerves leave ABOVE their vertebra
        ("C7", ("C6", "C7")),
        ("C8", ("C7", "T1")),  # C8 has no vertebra: it leaves below C7
        ("T1", ("T1", "T2")),  # thoracic and lumbar leave BELOW theirs
        ("T12", ("T12", "L1")),
        ("L4", ("L4", "L5")),
        ("L5", ("L5", "S")),
        ("S1", ("S", "S")),
    ],
)
def test_foramen_rule(segment, between):
    assert foramen_between(segment) == between


def test_segment_range_and_sides():
    assert segment_range("C5", "C7") == ["C5", "C6", "C7"]
    assert segment_range("T12", "L2") == ["T12", "L1", "L2"]
    assert Side.parse("R") is Side.RIGHT and Side.parse("both").sides() == ("left", "right")
    with pytest.raises(ValueError):
        Side.parse("middle")


def test_mirror_is_an_involution():
    assert mirror_x(mirror_x(0.123)) == pytest.approx(0.123)
    assert mirror_x(-0.025) == pytest.approx(-0.025)
