"""Stacking labels beside their points (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from ims_atlas.scene.label_spread import spread


def test_labels_that_fit_stay_level_with_their_points():
    assert spread([100.0, 300.0], [20.0, 20.0], 0.0, 800.0, 4.0) == [90.0, 290.0]


def test_touching_labels_are_pushed_apart_around_their_points():
    tops = spread([100.0, 105.0], [20.0, 20.0], 0.0, 800.0, 4.0)
    assert tops[1] - tops[0] == 24.0
    assert sum(tops) / 2 + 10 == 102.5  # the pair is centred on its two points


@given(st.lists(st.floats(0, 600), min_size=1, max_size=25), st.floats(8, 24))
def test_never_overlapping_and_in_order_when_they_fit(anchors, h):
    anchors = sorted(anchors)
    tops = spread(anchors, [h] * len(anchors), 0.0, 800.0, 3.0)
    assert len(tops) == len(anchors)
    for a, b in zip(tops, tops[1:], strict=False):
        assert b - a >= h + 3.0 - 1e-6
    if len(anchors) * (h + 3) <= 800:
        assert tops[0] >= -1e-6 and tops[-1] + h <= 800 + 1e-6
