"""Crowds of targets on screen (scene.crowds): pure geometry."""

from __future__ import annotations

from ims_atlas.scene.crowds import CROWD_LEAST, crowd_box, find_crowd, find_crowds


def test_four_points_in_a_small_box_are_a_crowd_and_far_ones_are_not():
    points = {"local:a:right": (100, 100), "local:b:right": (104, 110), "local:c:right": (98, 120),
              "local:d:right": (110, 125), "local:far:right": (400, 100), "local:low:right": (100, 600)}
    assert set(find_crowd(points, side=40)) == {"local:a:right", "local:b:right", "local:c:right", "local:d:right"}


def test_three_labels_are_no_crowd_even_when_one_names_several_targets():
    three = {"local:a:right": (0, 0), "local:b:right": (5, 5), "local:c:right+local:d:right": (9, 2)}
    assert find_crowd(three, side=40) == ()
    four = dict(three, **{"local:e:right": (3, 3)})
    assert len(find_crowd(four, side=40)) == 4
    assert CROWD_LEAST == 4


def test_paraspinal_points_never_crowd():
    column = {f"paraspinal:C{i}:right": (50, 10 * i) for i in range(2, 8)}
    assert find_crowd(column, side=100) == ()


def test_of_two_crowds_the_larger_then_the_tighter_wins():
    loose = {f"local:l{i}:right": (10 * i, 0) for i in range(4)}  # 30 px across
    tight = {f"local:t{i}:right": (500 + i, 500) for i in range(4)}  # 3 px across
    assert set(find_crowd({**loose, **tight}, side=40)) == set(tight)
    bigger = {**loose, "local:l4:right": (35, 5)}
    assert set(find_crowd({**bigger, **tight}, side=40)) == set(bigger)


def test_a_neighbour_just_outside_the_square_joins_the_crowd():
    # Five points 39 px from first to last: no 36 px square holds them all, but the one left
    # out is within a quarter square of the four that are.
    points = {f"local:m{i}:right": (0, y) for i, y in enumerate((5, 12, 24, 35, 44))}
    points["local:away:right"] = (0, 90)
    crowd = find_crowd(points, side=36)
    assert set(crowd) == {f"local:m{i}:right" for i in range(5)}


def test_crowd_box_pads_the_points():
    assert crowd_box({"a": (10, 20), "b": (30, 60)}, ["a", "b"], 5) == (5, 15, 30, 50)
    assert crowd_box({"a": (10, 20)}, ["x"], 5) is None


def test_several_crowds_are_found_largest_first_and_never_share_a_point():
    shoulder = {f"local:s{i}:right": (100 + 3 * i, 100) for i in range(6)}
    forearm = {f"local:f{i}:right": (400, 300 + 4 * i) for i in range(5)}
    ankle = {f"local:a{i}:right": (700, 700 + i) for i in range(4)}
    points = {**shoulder, **forearm, **ankle}
    crowds = find_crowds(points, side=40, most=2)
    assert [set(c) for c in crowds] == [set(shoulder), set(forearm)]
    assert [set(c) for c in find_crowds(points, side=40, most=3)] == [set(shoulder), set(forearm), set(ankle)]
    # A crowd already taken counts and its points are not looked at again.
    first = tuple(shoulder)
    assert [set(c) for c in find_crowds(points, side=40, most=2, taken=(first,))] == [set(forearm)]
    assert find_crowds(points, side=40, most=1, taken=(first,)) == ()
    # Three points left over are no crowd.
    assert find_crowds({**shoulder, **dict(list(forearm.items())[:3])}, side=40, most=3) == (tuple(shoulder),)


def test_three_leaders_meeting_at_one_spot_are_a_crowd():
    """Three points within a knot's box (0.07 of the view's height: 49 px of a 700 px view) are a crowd."""
    from ims_atlas.scene.crowds import find_tiered

    knot = {"local:a:right": (300, 300), "local:b:right": (320, 310), "local:c:right": (310, 340)}
    far = {"local:d:right": (600, 100), "local:e:right": (100, 650)}
    assert set(find_tiered({**knot, **far}, view_h=700)) == set(knot)
    # Spread over more than the knot's box, three are no crowd.
    loose = {"local:a:right": (300, 300), "local:b:right": (420, 310), "local:c:right": (310, 440)}
    assert find_tiered({**loose, **far}, view_h=700) == ()


def test_five_along_a_narrow_strip_are_a_crowd():
    """A forearm and hand seen from the front: five points down a strip 0.08 x 0.4 of the view."""
    from ims_atlas.scene.crowds import find_tiered

    strip = {f"local:{n}:right": (200 + 8 * (i % 2), 300 + 60 * i) for i, n in enumerate("abcde")}
    assert set(find_tiered(strip, view_h=700)) == set(strip)
    # Lying across the view, the same.
    lying = {k: (y, x) for k, (x, y) in strip.items()}
    assert set(find_tiered(lying, view_h=700)) == set(lying)
    # Four of them are not (and too spread for a square of a fifth of the view).
    four = dict(list(strip.items())[::2] + [list(strip.items())[1]])
    assert find_tiered(four, view_h=700) == ()
