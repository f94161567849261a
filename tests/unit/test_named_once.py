"""A segment on both sides: each muscle named once, neighbours on different sides (issue 16)."""

from ims_atlas.scene.picture import named_once
from ims_atlas.scene.target_views import PictureTarget, TargetView

BEHIND = TargetView("posterior", (0.0, 1.0, 0.0), (), "all")


def _pair(name: str, x: float, z: float, point_left=True):
    return [PictureTarget(f"local:{name}:right", "local", "right", (-x, 0.0, z)),
            PictureTarget(f"local:{name}:left", "local", "left", (x, 0.0, z) if point_left else None)]


def _view(targets):
    return TargetView(BEHIND.name, BEHIND.direction, tuple(t.key for t in targets), "all")


def test_each_pair_is_named_on_one_side_and_neighbours_on_different_sides():
    # Four forearm muscles a centimetre or two apart, and one far up at the shoulder.
    targets = [t for i, name in enumerate(["a", "b", "c", "d"]) for t in _pair(name, 0.25, 1.0 + 0.015 * i)]
    targets += _pair("shoulder", 0.2, 1.45)
    named_by = named_once(targets, (_view(targets),))
    assert len(named_by) == 5
    for unnamed, named in named_by.items():
        assert unnamed.rpartition(":")[0] == named.rpartition(":")[0] and unnamed != named
    sides = [named_by[f"local:{n}:left"] if f"local:{n}:left" in named_by else f"local:{n}:left" for n in "abcd"]
    on_right = sum(s.endswith(":right") for s in sides)
    assert on_right == 2, f"the forearm's four names are not shared between the forearms: {sides}"


def test_a_twin_without_a_point_is_not_the_named_one():
    targets = _pair("multifidus", 0.03, 1.1, point_left=False)
    named_by = named_once(targets, (_view(targets),))
    assert named_by == {"local:multifidus:left": "local:multifidus:right"}
    targets = [PictureTarget("local:m:right", "local", "right", None), PictureTarget("local:m:left", "local", "left",
                                                                                     (0.03, 0.0, 1.1))]
    assert named_once(targets, (_view(targets),)) == {"local:m:right": "local:m:left"}


def test_twins_in_different_views_are_each_named_in_their_own():
    targets = _pair("x", 0.2, 1.2)
    one = TargetView("posterior", (0.0, 1.0, 0.0), (targets[0].key,), "local")
    other = TargetView("anterior", (0.0, -1.0, 0.0), (targets[1].key,), "spine")
    assert named_once(targets, (one, other)) == {}


def test_a_segment_on_both_sides_shows_each_muscle_and_its_twin_in_one_view(manifest):
    """The sides differ by millimetres: longus capitis went to the front view on the right and
    to the view from behind on the left, named on each side in a different panel."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    for segment in ("C2", "C6", "L5", "S1"):
        picture = picture_for(ViewState(segment=segment, side="both"), manifest, catalog)
        for t in picture.targets:
            twin = t.key.rpartition(":")[0] + (":left" if t.side == "right" else ":right")
            if picture.target(twin) is None:
                continue
            here = [v.name for v in picture.views if t.key in v.targets]
            there = [v.name for v in picture.views if twin in v.targets]
            assert here == there, f"{segment}: {t.key} in {here}, {twin} in {there}"
