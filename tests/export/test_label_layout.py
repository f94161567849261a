"""Label layout is pure geometry: labels never overlap, never leave their columns, keep order."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ims_atlas.export.label_layout import Box, LabelRequest, columns_for, place_labels

W, H = 1920, 1080
LEFT = Box(20, 120, 420, 840)
RIGHT = Box(1480, 120, 420, 840)


IMAGE = Box(0, 0, W, H)


def _check(layout, requests, left=LEFT, right=RIGHT, image=IMAGE):
    boxes = [p.box for p in layout.placed]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for p in layout.placed:
        column = left if p.column == "left" else right
        assert column.contains(p.box), (p.box, column)
        assert image.contains(p.box)
    keys = [p.key for p in layout.placed] + list(layout.dropped)
    assert sorted(keys) == sorted(r.key for r in requests)


def test_three_labels_in_order_beside_their_points():
    requests = [LabelRequest(k, (900 + 10 * i, 300 + 40 * i), (300, 60)) for i, k in enumerate("abc")]
    layout = place_labels(requests, LEFT, RIGHT, gap=8)
    _check(layout, requests)
    assert not layout.dropped
    ys = {p.key: p.box.y for p in layout.placed}
    assert ys["a"] < ys["b"] < ys["c"]  # the vertical order of the points is kept
    for p in layout.placed:  # leaders leave from the edge that faces the anatomy
        assert p.leader_start[0] in (p.box.right, p.box.x)
        assert p.box.y <= p.leader_start[1] <= p.box.bottom


def test_points_choose_the_nearer_column():
    requests = [LabelRequest("l", (700, 500), (200, 50)), LabelRequest("r", (1300, 500), (200, 50))]
    layout = place_labels(requests, LEFT, RIGHT)
    columns = {p.key: p.column for p in layout.placed}
    assert columns == {"l": "left", "r": "right"}
    left_box = next(p.box for p in layout.placed if p.key == "l")
    assert left_box.right == pytest.approx(LEFT.right)  # aligned next to the anatomy


def test_a_lone_label_sits_level_with_its_point():
    layout = place_labels([LabelRequest("a", (800, 555), (200, 50))], LEFT, RIGHT)
    assert layout.placed[0].box.centre[1] == pytest.approx(555)


def test_a_point_near_the_edge_keeps_its_label_inside():
    layout = place_labels([LabelRequest("a", (800, 5), (200, 80)), LabelRequest("b", (800, 1079), (200, 80))], LEFT, RIGHT)
    _check(layout, [LabelRequest("a", (0, 0), (1, 1)), LabelRequest("b", (0, 0), (1, 1))])


def test_a_full_column_spills_into_the_other():
    # Every point on the left: eleven labels of 100 px do not fit one 840 px column.
    requests = [LabelRequest(i, (600, 400 + i), (300, 100)) for i in range(11)]
    layout = place_labels(requests, LEFT, RIGHT, gap=10)
    _check(layout, requests)
    assert not layout.dropped
    assert {p.column for p in layout.placed} == {"left", "right"}


def test_too_many_labels_drop_the_least_important_and_say_so():
    requests = [LabelRequest(i, (600 + (i % 2) * 800, 500), (300, 100), priority=0 if i < 10 else 5) for i in range(30)]
    layout = place_labels(requests, LEFT, RIGHT, gap=10)
    _check(layout, requests)
    assert layout.dropped
    assert all(k >= 10 for k in layout.dropped)  # the important ones were kept


def test_a_label_wider_than_both_columns_is_dropped():
    layout = place_labels([LabelRequest("wide", (900, 500), (500, 40))], LEFT, RIGHT)
    assert layout.dropped == ("wide",) and not layout.placed


def test_overlapping_columns_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        place_labels([], Box(0, 0, 500, 500), Box(400, 0, 500, 500))


def test_columns_beside_a_view_stay_inside_the_image():
    view = Box(480, 100, 960, 880)
    left, right = columns_for((W, H), view, 20)
    assert left.right <= view.x and right.x >= view.right
    assert Box(0, 0, W, H).contains(left) and Box(0, 0, W, H).contains(right)
    assert not left.overlaps(view) and not right.overlaps(view)


labels = st.lists(
    st.tuples(st.floats(-200, W + 200), st.floats(-200, H + 200), st.floats(20, 460), st.floats(10, 300),
              st.integers(0, 3)),
    min_size=0, max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(labels, st.floats(0, 30))
def test_many_labels_never_overlap_and_stay_inside(items, gap):
    requests = [LabelRequest(i, (x, y), (w, h), p) for i, (x, y, w, h, p) in enumerate(items)]
    layout = place_labels(requests, LEFT, RIGHT, gap=gap)
    _check(layout, requests)
    for column in ("left", "right"):
        placed = sorted((p.box for p in layout.placed if p.column == column), key=lambda b: b.y)
        for a, b in zip(placed, placed[1:], strict=False):
            assert b.y >= a.bottom + gap - 1e-6  # the gap is kept too
    # Nothing is dropped while the labels that fit a column fit in the two together.
    fitting = [r for r in requests if r.size[0] <= LEFT.w]
    if sum(r.size[1] + gap for r in fitting) <= LEFT.h - max((r.size[1] for r in fitting), default=0):
        assert not layout.dropped or all(r.size[0] > LEFT.w for r in requests if r.key in layout.dropped)
