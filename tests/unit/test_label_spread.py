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


def test_labels_beside_close_markers_sit_clear_of_all_of_them():
    from ims_atlas.scene.label_spread import MARKER_CLEAR_PX, covering_markers, place_beside

    # Four forearm epicentres a few pixels apart, labels to the right (away from the midline).
    xs, ys = [100.0, 104.0, 110.0, 98.0], [200.0, 212.0, 224.0, 236.0]
    sizes = [(90.0, 14.0)] * 4
    placed = place_beside(xs, ys, sizes, [True] * 4, 640, 480)
    assert not covering_markers(xs, ys, sizes, placed)
    for x, _, right in placed:
        assert right and x >= max(xs) + MARKER_CLEAR_PX  # past every marker level with it
    tops = sorted(t for _, t, _ in placed)
    assert all(b - a >= 14 for a, b in zip(tops, tops[1:], strict=False))  # stacked, not overlapping


def test_a_label_without_room_on_its_side_goes_to_the_other():
    from ims_atlas.scene.label_spread import covering_markers, place_beside

    # A marker near the right edge of a narrow view: its label cannot go right of it.
    xs, ys, sizes = [300.0, 60.0], [100.0, 300.0], [(120.0, 14.0), (40.0, 14.0)]
    placed = place_beside(xs, ys, sizes, [True, True], 320, 480)
    assert not placed[0][2] and placed[0][0] + 120 <= 300
    assert placed[1][2]
    assert not covering_markers(xs, ys, sizes, placed)
    # Too wide for either side: reported, so the caller can break it on two lines.
    wide = [(400.0, 14.0), (40.0, 14.0)]
    assert 0 in covering_markers(xs, ys, wide, place_beside(xs, ys, wide, [True, True], 320, 480))


def test_two_lines_breaks_near_the_middle():
    from ims_atlas.scene.label_spread import two_lines

    assert two_lines("Extensor carpi radialis longus (right)") == "Extensor carpi\nradialis longus (right)"
    assert two_lines("Biceps brachii (right)") == "Biceps brachii\n(right)"
    assert two_lines("Deltoid") == "Deltoid"


def test_a_left_label_held_at_the_edge_does_not_run_into_the_right_column():
    """The C8 window, both sides from behind, in a half-width viewport: the left hand's labels,
    too wide for the room left of their markers, are held in at the view's edge and ran over
    the right hand's labels at the same heights ("Abductor digiti minimi (hand) (le" under
    "... (right)"). Where the two columns share the width they are stacked as one."""
    from ims_atlas.scene.label_spread import overlapping_labels, place_beside

    xs = [150.0] * 5 + [315.0] * 5
    ys = [300.0, 301.0, 302.0, 303.0, 304.0] * 2
    sizes = [(235.0, 16.0)] * 10
    placed = place_beside(xs, ys, sizes, [False] * 5 + [True] * 5, 465, 700)
    assert not overlapping_labels(sizes, placed), placed
    assert all(4 <= x and x + 235 <= 461 and 4 <= top and top + 16 <= 696 for x, top, _ in placed)


def test_overlapping_labels_names_both_of_a_meeting_pair():
    from ims_atlas.scene.label_spread import overlapping_labels

    sizes = [(100.0, 14.0)] * 3
    assert overlapping_labels(sizes, [(0.0, 0.0, True), (50.0, 5.0, False), (300.0, 0.0, True)]) == [0, 1]
    assert overlapping_labels(sizes, [(0.0, 0.0, True), (100.0, 0.0, False)]) == []


def test_a_label_sent_to_the_inner_side_stops_before_the_other_arm():
    """Segment C6 on both sides, from the front, as the window's left half laid it out (the
    markers' screen points and label sizes recorded from it): Supinator's point is at the
    left edge, where its label has no room, so the label goes to the inner side; set past
    every marker level with it, it landed beyond the other forearm and its leader ran 307 px
    across the body. It now stops at the first gap clear of the markers, covering none, and
    no label overlaps another."""
    from ims_atlas.scene.label_spread import covering_markers, overlapping_labels, place_beside

    xs = [198.2, 362.5, 121.2, 93.0, 73.0, 71.7, 401.0, 415.1, 366.1, 102.9, 304.2, 183.6, 293.8, 377.9, 366.2]
    ys = [260.7, 291.9, 320.7, 302.0, 530.4, 608.0, 573.3, 648.9, 610.6, 623.9, 334.1, 308.1, 322.0, 518.0, 370.5]
    sizes = [(204.0, 17.0), (139.0, 17.0), (97.0, 31.0), (185.0, 17.0), (103.0, 31.0), (84.0, 31.0), (282.0, 17.0),
             (278.0, 17.0), (98.0, 31.0), (134.0, 31.0), (199.0, 17.0), (84.0, 31.0), (112.0, 31.0), (84.0, 31.0),
             (206.0, 17.0)]
    right = [False, True, False, False, False, False, True, True, True, False, True, False, True, True, True]
    width, height = 467, 933
    placed = place_beside(xs, ys, sizes, right, width, height)
    leaders = [abs((x if on_right else x + sizes[i][0]) - xs[i]) for i, (x, _, on_right) in enumerate(placed)]
    supinator = 5
    assert placed[supinator][2], "Supinator's label has no room at the left edge: it goes to the inner side"
    assert leaders[supinator] < 0.25 * width, leaders[supinator]
    assert max(leaders) < 0.5 * width, leaders  # no leader runs across the body to the other limb
    assert overlapping_labels(sizes, placed) == []
    assert supinator not in covering_markers(xs, ys, sizes, placed)


def test_a_leader_does_not_run_over_another_target_s_marker():
    """Subacromial pain, right, from the front, as the window laid it out: the deltoid's and
    the subscapularis's points lie level, 100 px apart; both labels went to the outer side and
    the subscapularis leader passed 12 px from the deltoid's marker centre (a marker is drawn
    16-20 px across), as if it named that point. The subscapularis label now goes to its
    other side; nothing overlaps."""
    import numpy as np

    from ims_atlas.scene.label_spread import overlapping_labels, place_beside

    xs, ys = [161.3, 262.7], [449.0, 444.0]
    sizes = [(100.0, 17.0), (143.0, 17.0)]
    placed = place_beside(xs, ys, sizes, [False, False], 467, 933)
    for i, (x, top, on_right) in enumerate(placed):
        start = np.array([xs[i], ys[i]])
        end = np.array([x if on_right else x + sizes[i][0], top + sizes[i][1] / 2])
        other = np.array([xs[1 - i], ys[1 - i]])
        t = np.clip(np.dot(other - start, end - start) / max(np.dot(end - start, end - start), 1e-9), 0, 1)
        assert np.linalg.norm(start + t * (end - start) - other) > 12, (i, placed)
    assert not placed[0][2] and placed[1][2]  # the deltoid's outward, the subscapularis's inward
    assert overlapping_labels(sizes, placed) == []


def test_a_leader_over_another_marker_is_found_and_one_beside_or_past_it_is_not():
    from ims_atlas.scene.label_spread import LEADER_CLEAR_PX, _faults

    def over(marker, label_x):
        # Marker 0 at the origin, its label's near edge at (label_x, 0) on its right; marker 1 elsewhere.
        xs, ys = [0.0, marker[0]], [0.0, marker[1]]
        boxes = [(label_x, -5.0), (500.0, 500.0)]
        return bool(_faults(xs, ys, [(40.0, 10.0), (40.0, 10.0)], boxes, [True, True])[2][0])

    assert over((50.0, 3.0), 100.0)
    assert not over((50.0, LEADER_CLEAR_PX + 3.0), 100.0)
    assert not over((50.0, 3.0), 30.0)  # the marker lies past the label's edge
