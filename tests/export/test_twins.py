"""Pure: a knot of three leaders in a picture of both sides untied by naming a muscle on its
other side (export.twins); the pictures themselves: tests/export/test_insets.py.
"""

from dataclasses import dataclass

from ims_atlas.export.label_layout import Box, LabelLayout, PlacedLabel
from ims_atlas.export.twins import (
    apart_from_namesakes,
    beside_namesake,
    faults,
    join_namesakes,
    knots,
    renamed,
    untie_by_sides,
)

VIEW = Box(0, 0, 700, 700)  # a knot: three points in a square 0.07 * 700 = 49 px wide


@dataclass(frozen=True)
class _Inset:
    keys: tuple[str, ...]


@dataclass(frozen=True)
class _Panel:
    region: Box
    insets: tuple = ()


@dataclass(frozen=True)
class _Result:
    panels: tuple
    layout: LabelLayout


def _label(key: str, x: float, y: float) -> PlacedLabel:
    return PlacedLabel(key, Box(800, y, 100, 20), (x, y), (800, y + 10), "right")


def _picture(points: dict[str, tuple[float, float]], insets=()) -> _Result:
    return _Result((_Panel(VIEW, insets),), LabelLayout(tuple(_label(k, *p) for k, p in points.items())))


# Three muscles named at the right shoulder (screen left, from the front), their twins on
# the left one, 300 px across.
RIGHT = {"local:a:right": (100, 300), "local:b:right": (120, 310), "local:c:right": (110, 330)}
NAMED_BY = {"local:a:left": "local:a:right", "local:b:left": "local:b:right", "local:c:left": "local:c:right"}


def _laid_out(named_by):
    """The picture as a layout with ``named_by`` would draw it: each labelled key at its point."""
    points = {}
    for key in ("a", "b", "c"):
        right, left = f"local:{key}:right", f"local:{key}:left"
        labelled = right if named_by.get(left) == right else left
        x, y = RIGHT[right]
        points[labelled] = (x, y) if labelled == right else (700 - x, y)
    return _picture(points)


def test_three_leaders_in_a_knot_are_a_fault_and_an_insets_own_labels_are_not_the_views():
    knot = _picture(RIGHT)
    assert knots(knot.panels, knot.layout) == (tuple(RIGHT),)
    assert faults(knot.panels, knot.layout)[0] == 3  # the leaders caught in knots
    # In an inset, the same three leaders are the inset's: a knot there too.
    inset = _picture(RIGHT, (_Inset(tuple(RIGHT)),))
    assert knots(inset.panels, inset.layout) == (tuple(RIGHT),)
    apart = _picture({**RIGHT, "local:c:right": (110, 400)})
    assert faults(apart.panels, apart.layout) == (0, 0, 0)


def test_renamed_names_a_muscle_on_its_other_side():
    out = renamed(NAMED_BY, "local:b:right")
    assert out == {"local:a:left": "local:a:right", "local:b:right": "local:b:left", "local:c:left": "local:c:right"}
    assert renamed(NAMED_BY, "local:z:right") == NAMED_BY  # names no twin: unchanged
    assert NAMED_BY["local:b:left"] == "local:b:right"  # the given names are not changed


def test_a_knot_is_untied_by_naming_one_of_its_muscles_on_the_other_side():
    calls = []

    def lay_out(named_by):
        calls.append(named_by)
        return _laid_out(named_by)

    names, result = untie_by_sides(NAMED_BY, _laid_out(NAMED_BY), lay_out)
    assert not knots(result.panels, result.layout)
    assert len(calls) == 1  # the first trial has no fault: taken at once
    moved = [k for k in NAMED_BY if k not in names]
    assert len(moved) == 1 and len(names) == 3
    for unnamed, named in names.items():
        assert unnamed.rpartition(":")[0] == named.rpartition(":")[0] and unnamed != named


def test_a_knot_of_four_is_untied_by_naming_two_of_its_muscles_on_the_other_side():
    # S1 from behind: four muscles of one leg met above the ankle; one named on the other leg
    # left a knot of three, which counts as fewer faults, and a second untied it.
    four = {**RIGHT, "local:d:right": (105, 315)}
    named_by = {**NAMED_BY, "local:d:left": "local:d:right"}
    calls = []

    def lay_out(names):
        calls.append(names)
        points = {}
        for key, (x, y) in four.items():
            twin = key.replace(":right", ":left")
            labelled = key if names.get(twin) == key else twin
            points[labelled] = (x, y) if labelled == key else (700 - x, y + 100 * len(points))
        return _picture(points)

    assert faults(lay_out(named_by).panels, lay_out(named_by).layout)[0] == 4
    calls.clear()
    names, result = untie_by_sides(named_by, lay_out(named_by), lay_out)
    assert not knots(result.panels, result.layout)
    assert sum(k.endswith(":right") for k in names) == 2  # two of the four named on the left
    assert len(calls) <= 4 + 3


def test_a_picture_without_a_knot_is_not_laid_out_again_nor_one_that_no_renaming_betters():
    def never(named_by):
        raise AssertionError("laid out again")

    apart = {"local:a:left": "local:a:right"}
    result = _picture({"local:a:right": (100, 300), "local:b:right": (300, 300), "local:c:right": (500, 300)})
    assert untie_by_sides(apart, result, never) == (apart, result)
    # Every renaming keeps the knot (here: the layout ignores the names): the picture is kept.
    knot = _picture(RIGHT)
    calls = []

    def same(named_by):
        calls.append(named_by)
        return knot

    assert untie_by_sides(NAMED_BY, knot, same) == (NAMED_BY, knot)
    assert len(calls) == 3  # each of the knot's muscles tried once, none again


def test_a_paraspinal_level_and_a_muscle_named_on_one_side_only_are_not_renamed():
    knot = _picture({"paraspinal:S1:right": (100, 300), "local:b:right": (120, 310), "local:c:right": (110, 330)})
    tried = []

    def lay_out(named_by):
        tried.append(named_by)
        return knot

    untie_by_sides({"paraspinal:S1:left": "paraspinal:S1:right"}, knot, lay_out)
    assert not tried


def test_a_twin_beside_a_muscle_named_with_it_is_tried_first():
    points = {"local:gemellus_inferior:left": (-0.08, 0.0, 0.9), "local:gemellus_inferior:right": (0.08, 0.0, 0.9),
              "local:gemellus_superior:right": (0.08, 0.0, 0.925), "local:gluteus_minimus:left": (-0.09, 0.0, 0.95),
              "local:gluteus_minimus:right": (0.09, 0.0, 0.95)}
    named_by = {"local:gemellus_inferior:right": "local:gemellus_inferior:left",
                "local:gluteus_minimus:right": "local:gluteus_minimus:left"}
    assert beside_namesake("local:gemellus_inferior:left", named_by, points)
    assert not beside_namesake("local:gluteus_minimus:left", named_by, points)
    knot = _picture({"local:gluteus_minimus:left": (100, 300), "local:gemellus_inferior:left": (110, 320),
                     "local:x:left": (120, 310)})
    tried = []

    def lay_out(names):
        tried.append(names)
        return knot

    untie_by_sides(named_by, knot, lay_out, points)
    assert tried[0] == renamed(named_by, "local:gemellus_inferior:left")


def test_a_twin_without_a_point_is_never_named():
    points = {"local:a:right": (-0.1, 0.0, 1.0), "local:a:left": None, "local:b:right": (-0.1, 0.0, 1.01),
              "local:b:left": (0.1, 0.0, 1.01)}
    named_by = {"local:a:left": "local:a:right", "local:b:left": "local:b:right"}
    knot = _picture({"local:a:right": (100, 300), "local:b:right": (120, 310), "local:x:right": (110, 330)})
    tried = []

    def lay_out(names):
        tried.append(names)
        return knot

    untie_by_sides(named_by, knot, lay_out, points)
    assert tried == [renamed(named_by, "local:b:right")]


# S1 on both sides from behind: gemellus superior in the right hip's inset, gemellus inferior
# (1.6 cm below it) named at the left hip; gluteus minimus named at the left hip too.
HIP_POINTS = {"local:gemellus_superior:right": (0.08, 0.0, 0.916), "local:gemellus_superior:left": (-0.08, 0.0, 0.916),
              "local:gemellus_inferior:right": (0.08, 0.0, 0.900), "local:gemellus_inferior:left": (-0.08, 0.0, 0.900),
              "local:gluteus_minimus:right": (0.09, 0.0, 0.93), "local:gluteus_minimus:left": (-0.09, 0.0, 0.93)}
HIP_NAMES = {"local:gemellus_superior:left": "local:gemellus_superior:right",
             "local:gemellus_inferior:right": "local:gemellus_inferior:left",
             "local:gluteus_minimus:right": "local:gluteus_minimus:left"}


def test_a_muscle_named_apart_from_its_namesake_in_an_inset_is_named_beside_it():
    hip = (_Panel(VIEW, (_Inset(("local:gemellus_superior:right", "local:x:right")),)),)
    # Gemellus inferior (a word of its name in common, lying together): moved; gluteus
    # minimus (no word in common) is not.
    assert apart_from_namesakes(HIP_NAMES, hip, HIP_POINTS) == ("local:gemellus_inferior:left",)
    # Already named in an inset, or no namesake in one: nothing to move.
    both = (_Panel(VIEW, (_Inset(("local:gemellus_superior:right",)), _Inset(("local:gemellus_inferior:left",)))),)
    assert apart_from_namesakes(HIP_NAMES, both, HIP_POINTS) == ()
    assert apart_from_namesakes(HIP_NAMES, (_Panel(VIEW),), HIP_POINTS) == ()
    # Apart (further than knots.LIE_TOGETHER_M): not named together.
    far = {**HIP_POINTS, "local:gemellus_inferior:right": (0.08, 0.0, 0.85)}
    assert apart_from_namesakes(HIP_NAMES, hip, far) == ()


def test_a_namesake_is_moved_only_where_the_picture_gets_no_worse():
    start = _picture({"local:gemellus_superior:right": (100, 300), "local:gemellus_inferior:left": (600, 300)},
                     (_Inset(("local:gemellus_superior:right",)),))
    together = renamed(HIP_NAMES, "local:gemellus_inferior:left")
    good = _picture({"local:gemellus_superior:right": (100, 300), "local:gemellus_inferior:right": (100, 400)},
                    (_Inset(("local:gemellus_superior:right", "local:gemellus_inferior:right")),))
    names, result = join_namesakes(HIP_NAMES, start, lambda n: good, HIP_POINTS)
    assert names == together and result is good
    assert names["local:gemellus_inferior:left"] == "local:gemellus_inferior:right"
    # A layout with a knot (more faults than before) is not kept.
    knot = _picture(RIGHT, (_Inset(("local:gemellus_superior:right",)),))
    assert join_namesakes(HIP_NAMES, start, lambda n: knot, HIP_POINTS) == (HIP_NAMES, start)

    def never(named_by):
        raise AssertionError("laid out again")

    assert join_namesakes(HIP_NAMES, _picture({"local:a:right": (1, 1)}), never, HIP_POINTS)[0] == HIP_NAMES
