"""A view from below frames its targets (issue 16): S1 and S2 on both sides drew the sole as a
pair of feet a fifth of their panel wide, under insets: S2's two insets enlarged each foot
less than twice over the panel drawn whole; S1's enlarged both feet to two thirds of their size
in the panel drawn whole, and left the view beside them a pair of feet no label named.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyvista")

from ims_atlas.core.state import ViewState
from ims_atlas.export.image_export import ImageOptions, render_image
from ims_atlas.scene.picture import view_frame_points

SIZE = (1920, 1080)


def _framed_share(panel, manifest, picture) -> float:
    """The share of the panel the box round what its view frames takes on screen."""
    xy, _ = panel.projector.project(view_frame_points(picture, panel.view, manifest))
    w, h = np.ptp(np.asarray(xy, dtype=float), axis=0)
    return float(w * h) / (panel.box.w * panel.box.h)


# (S1's shin and dorsum muscles go to the view from behind, with an inset from the front: the
# view from below is the soles alone, as S2's; it framed them in 4.3 % of its panel beside the
# dorsum's inset.)
@pytest.mark.parametrize(("segment", "least"), [("S1", 0.15), ("S2", 0.15)])
def test_the_view_from_below_frames_its_targets(segment, least, manifest, catalog, scene):
    result = render_image(manifest, catalog, ViewState(segment=segment, side="both"), ImageOptions(size=SIZE), scene)
    (panel,) = [p for p in result.panels if p.view.name == "inferior"]
    share = _framed_share(panel, manifest, result.picture)
    assert share >= least, f"{segment}: the sole takes {share:.1%} of its panel"
    # The view names targets of its own, not only frames what its insets show.
    in_insets = {k for i in panel.insets for k in i.keys}
    named = [p.key for p in result.layout.placed if panel.box.x <= p.anchor[0] <= panel.box.right
             and not any(i.box.x <= p.anchor[0] <= i.box.right and i.box.y <= p.anchor[1] <= i.box.bottom
                         for i in panel.insets) and p.key not in in_insets]
    assert named, f"{segment}: the view from below names none of its targets"
    # No inset of the sole's crowd, seen from below like the view, is kept (each foot is as
    # large drawn whole); one seen from another side (the dorsum, from the front) may be.
    assert all(i.direction is not None for i in panel.insets), [i.title for i in panel.insets]
