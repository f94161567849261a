"""Enlarged insets for crowded regions (issue 16), checked from the rendered picture.

Where many targets crowd a small part of a view (C8's hand and forearm, S1's ankle and sole,
tennis elbow's forearm extensors), the panel is split: the view keeps labels for the other
targets and a frame round the crowd; beside it, the same direction close up, with the crowd's
own labels. Checked: the inset exists and enlarges the crowd; each of its targets is on
screen inside it, its epicentre's marker drawn there; its labels sit inside its frame and name
its points; no label overlaps another, a caption or the legend; no leader of the view itself
ends in the crowd's frame; the inset covers neither the view's anatomy nor the title or legend.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytest.importorskip("pyvista")

from ims_atlas.core.state import ViewState
from ims_atlas.export.image_export import ImageOptions, render_image
from ims_atlas.export.insets import MIN_ZOOM
from ims_atlas.export.render import OffscreenScene
from ims_atlas.scene.crowds import CROWD_LEAST

SIZE = (1920, 1080)


@pytest.fixture(scope="module")
def scene(manifest):
    with OffscreenScene(manifest, SIZE) as s:
        yield s


def _inside(point, box, tol=0.5) -> bool:
    return box.x - tol <= point[0] <= box.right + tol and box.y - tol <= point[1] <= box.bottom + tol


@pytest.mark.parametrize("state", [ViewState(segment="C8", side="right"), ViewState(segment="S1", side="right"),
                                   ViewState(condition_id="tennis_elbow", side="right")],
                         ids=["C8", "S1-foot", "tennis-elbow"])
def test_a_crowd_gets_an_enlarged_inset_with_its_own_labels(state, manifest, catalog, scene):
    result = render_image(manifest, catalog, state, ImageOptions(size=SIZE), scene)
    insets = [(p, p.inset) for p in result.panels if p.inset is not None]
    assert insets, "no panel has an inset"
    blocked = [b for b in (result.header, result.footer) if b is not None]
    blocked += [p.caption for p in result.panels if p.caption is not None]
    blocked += [i.caption for _, i in insets if i.caption is not None]
    placed = {p.key: p for p in result.layout.placed}
    epicentres = {m.key for m in result.picture.markers if m.role == "local"}
    probed = 0
    for panel, inset in insets:
        assert len(inset.keys) >= CROWD_LEAST
        assert inset.zoom >= MIN_ZOOM, f"the inset enlarges only {inset.zoom:.2f} times"
        # The inset stays in its panel, beside the view's anatomy, clear of the title and legend.
        assert _inside((inset.box.x, inset.box.y), panel.box) and _inside((inset.box.right, inset.box.bottom), panel.box)
        assert not inset.box.overlaps(panel.region), "the inset covers the view's anatomy"
        assert not any(inset.box.overlaps(b) for b in (result.header, result.footer) if b is not None)
        for key in inset.keys:
            # On screen inside the inset's anatomy box.
            xy = inset.anchors.get(key)
            assert xy is not None, f"{key} is not on screen in the inset"
            assert _inside(xy, inset.region), f"{key} at {xy} is outside the inset"
            # An epicentre's white marker is drawn there in the inset's own rendering (a
            # segment's muscles carry labels only: no epicentre to mark).
            if key in epicentres:
                x, y = int(round(xy[0] - inset.origin[0])), int(round(xy[1] - inset.origin[1]))
                px = inset.rendered[y, x, :3].astype(float) / 255.0
                assert px.min() > 0.55 and px.max() - px.min() < 0.2, f"{key}: no white marker in the inset ({px})"
                probed += 1
            # Its label is inside the inset's frame and names the inset's point, not the view's.
            label = placed.get(key)
            assert label is not None, f"{key} has no label"
            assert _inside((label.box.x, label.box.y), inset.box) and _inside((label.box.right, label.box.bottom),
                                                                               inset.box)
            assert np.allclose(label.anchor, xy), f"{key}'s leader ends at {label.anchor}, not in the inset at {xy}"
        # No fan: the view's own leaders ending inside the crowd's frame are fewer than a crowd.
        into = [p.key for p in result.layout.placed if p.key not in inset.keys and _inside(p.anchor, inset.source)]
        assert len(into) < CROWD_LEAST, f"{len(into)} leaders still end in the crowd: {into}"
        assert not any(_inside(placed[k].anchor, inset.source) for k in inset.keys if k in placed)
    boxes = [p.box for p in result.layout.placed]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"labels overlap: {a} {b}"
    for box in boxes:
        assert not any(box.overlaps(b) for b in blocked), f"a label {box} covers the title, a caption or the legend"
    assert not result.layout.dropped, f"labels left out: {result.layout.dropped}"
    if state.condition_id:
        assert probed, "a plan's inset must show its epicentres' markers"


def test_a_plan_without_a_crowd_has_no_inset(manifest, catalog, scene):
    result = render_image(manifest, catalog, ViewState(condition_id="jaw_pain", side="right"), ImageOptions(size=SIZE),
                          scene)
    assert all(p.inset is None for p in result.panels)
