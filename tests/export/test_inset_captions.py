"""No two insets of one picture share a caption (issue 16): L2 on both sides enlarged the
groin's adductors and the thigh's quadriceps beside its view from the front, both captioned
"Thigh, enlarged"; a reader could not tell which was which. (L2's front is drawn whole now,
without insets; L5 from behind enlarges both hips and the right thigh with its hip.)
"""

from __future__ import annotations

import pytest

from ims_atlas.export.annotations import Target


def inset_titles(*args, **kwargs):
    from ims_atlas.export.insets import inset_titles

    return inset_titles(*args, **kwargs)


def _crowd(*muscles: str, side: str = "right") -> tuple[Target, ...]:
    return tuple(Target(f"local:{m}:{side}", "local", m, "", None, (f"{m}_{side}",)) for m in muscles)


def test_two_insets_of_one_region_say_what_each_shows(manifest):
    groin = _crowd("iliacus", "pectineus", "adductor_brevis", "adductor_longus", "adductor_magnus")
    thigh = _crowd("rectus_femoris", "gracilis", "vastus_medialis", "sartorius")
    titles = inset_titles(manifest, [(groin, ""), (thigh, "")], [0.85, 0.6], both_lit=False)
    assert len(set(titles)) == 2, titles
    # The groin's inset names the hip its iliacus lies in; the thigh's stays the thigh.
    assert titles == ["Thigh and hip, enlarged", "Thigh, enlarged"], titles


def test_insets_of_one_region_and_one_side_are_told_apart_by_height(manifest):
    upper = _crowd("rectus_femoris", "sartorius")
    lower = _crowd("vastus_medialis", "vastus_lateralis")
    titles = inset_titles(manifest, [(lower, ""), (upper, "")], [0.5, 0.7], both_lit=False)
    assert titles == ["Thigh (lower), enlarged", "Thigh (upper), enlarged"], titles
    # On both sides lit, one side's insets say whose side and where.
    titles = inset_titles(manifest, [(lower, ""), (upper, "")], [0.5, 0.7], both_lit=True)
    assert titles == ["Thigh (right, lower), enlarged", "Thigh (right, upper), enlarged"], titles


def test_an_inset_differs_from_one_in_an_earlier_panel(manifest):
    lower = _crowd("vastus_medialis", "vastus_lateralis")
    (title,) = inset_titles(manifest, [(lower, "")], [0.5], both_lit=False, taken=[("Thigh, enlarged", 0.7)])
    assert title == "Thigh (lower), enlarged", title


def test_insets_that_differ_keep_their_plain_captions(manifest):
    titles = inset_titles(manifest, [(_crowd("rectus_femoris"), ""), (_crowd("rectus_femoris", side="left"), "")],
                          [0.6, 0.6], both_lit=True)
    assert titles == ["Thigh (right), enlarged", "Thigh (left), enlarged"], titles
    titles = inset_titles(manifest, [(_crowd("rectus_femoris"), "from the front"), (_crowd("sartorius"), "")],
                          [0.6, 0.6], both_lit=False)
    assert titles == ["Thigh, from the front", "Thigh, enlarged"], titles


@pytest.mark.parametrize("segment", ["L5", "S1", "S2"])
def test_no_two_insets_of_a_picture_share_a_caption(segment, manifest, catalog):
    pytest.importorskip("pyvista")
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.image_export import ImageOptions, render_image

    result = render_image(manifest, catalog, ViewState(segment=segment, side="both"), ImageOptions(size=(1920, 1080)))
    titles = [i.title for p in result.panels for i in p.insets]
    if segment == "L5":
        # From behind: both hips, the right one with the thigh's hamstrings below it (its
        # fibularis tertius and extensor hallucis brevis are named from the front since
        # s10-s1, and the view beside the insets is wider).
        assert len(titles) >= 2, titles
    assert len(set(titles)) == len(titles), titles
