"""Every target of a picture of both sides is named (issue 16): metatarsalgia on both sides
left extensor digitorum brevis (right) out of its "Leg and foot, from the front" inset at
1920x1080, marked on the foot and named nowhere ("1 more target not labelled at this size"):
the three insets seen from another side were shrunk alike to fit the panel, the front one's six
labels below what they need, the inner sides' one label each in more than it needs.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pyvista")

from ims_atlas.core.state import ViewState
from ims_atlas.export.image_export import ImageOptions, render_image
from ims_atlas.export.panels import stacked_heights

SIZE = (1920, 1080)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
@pytest.mark.parametrize("state", [ViewState(condition_id="metatarsalgia", side="both"),
                                   ViewState(segment="S1", side="both"), ViewState(segment="L5", side="both"),
                                   ViewState(condition_id="jaw_pain", side="both")],
                         ids=["metatarsalgia", "S1", "L5", "jaw-pain"])
def test_every_target_of_a_picture_of_both_sides_is_named(state, size, manifest, catalog, scene):
    result = render_image(manifest, catalog, state, ImageOptions(size=size), scene)
    assert not result.layout.dropped, f"left out: {result.layout.dropped}"
    named = {k for p in result.layout.placed for k in str(p.key).split("+")}
    marked = {k for p in result.panels for k in p.anchors for k in k.split("+")}
    marked |= {k for p in result.panels for i in p.insets for key in i.keys for k in key.split("+")}
    assert marked <= named, f"marked and not named: {sorted(marked - named)}"


def test_metatarsalgias_front_inset_has_the_room_its_six_labels_need(manifest, catalog, scene):
    result = render_image(manifest, catalog, ViewState(condition_id="metatarsalgia", side="both"),
                          ImageOptions(size=SIZE), scene)
    insets = {i.title: i for p in result.panels for i in p.insets}
    front = insets["Leg and foot, from the front"]
    assert len([k for key in front.keys for k in key.split("+")]) == 6
    inside = [p for p in result.layout.placed if p.key in front.keys]
    assert len(inside) == 6
    for p in inside:  # each label inside its inset's frame
        assert front.box.x <= p.box.x and p.box.right <= front.box.right + 0.5
        assert front.box.y <= p.box.y and p.box.bottom <= front.box.bottom + 0.5
    # The inner sides' insets, one label each, gave up room they did not need, not their label's words.
    for title in ("Leg (left), from the inner side", "Leg (right), from the inner side"):
        (label,) = [p for p in result.layout.placed if p.key in insets[title].keys]
        assert label.box.h > 2 * min(q.box.h for q in inside), f"{title}: its label lost its words"


def test_insets_seen_from_another_side_give_room_to_one_whose_labels_need_it():
    # Metatarsalgia's three insets from behind, 774 pixels, all seen from another side: 323
    # asked by the front one (all of it its caption and six labels), 268 by each inner side
    # (121 of it their one label). In proportion the front one got 291.
    heights = stacked_heights([323.0, 268.0, 268.0], [323.0, 121.0, 121.0], 774.0, [True, True, True])
    assert heights.sum() == pytest.approx(774.0)
    assert heights[0] == pytest.approx(323.0)
    assert heights[1] == pytest.approx(heights[2]) and heights[1] > 121.0
    # Room for all: as asked (the caller stretches them to the panel).
    assert list(stacked_heights([200.0, 100.0], [150.0, 50.0], 774.0, [True, True])) == [200.0, 100.0]
    # The insets of a crowd keep their share, short or not: their room is what enlarges them
    # (thoracic pain on both sides: a ten-label inset of the upper back beside the chest
    # wall's, seen from the front, is left to the knots' and zooms' rules).
    assert list(stacked_heights([565.0, 290.0], [565.0, 197.0], 805.0, [False, True])) == [565.0, 290.0]
    assert list(stacked_heights([337.0, 486.0], [337.0, 386.0], 774.0, [False, False])) == [337.0, 486.0]
    # Only as much as the others have above their own least.
    tight = stacked_heights([300.0, 300.0], [400.0, 200.0], 500.0, [True, True])
    assert list(tight) == pytest.approx([300.0, 200.0])
    # ... and none where they have nothing above it.
    assert list(stacked_heights([300.0, 300.0], [400.0, 290.0], 500.0, [True, True])) == [300.0, 300.0]
