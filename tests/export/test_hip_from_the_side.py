"""Hip pain (greater trochanteric pain) seen from the side without the hanging arm (issue 16).

In myo-sim's standing pose the right forearm and hand hang beside the hip. From the side
they stood between the camera and gluteus minimus and quadratus lumborum (the radius alone
cost 2.4 there), so the view chooser sent those two to the view from behind, and the view
from the side drew TFL and vastus lateralis through a veil of forearm and fingers. A view from
the side of a plan with no target in that arm or its shoulder now leaves the arm out where it
hangs in front of the targets, in the facing costs and in the picture alike.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyvista")

from ims_atlas.anatomy.body_meshes import crossings
from ims_atlas.anatomy.facing import free_upper_limb
from ims_atlas.core.state import ViewState
from ims_atlas.export.image_export import ImageOptions, render_image
from ims_atlas.scene.palette import DEFAULT_PALETTE
from ims_atlas.scene.picture import body_for, picture_for
from tests.export.probes import hue_mask

SIZE = (960, 540)
#: Hip pain's targets that lie at the side of the hip and lower back and are seen best from
#: the side once the arm is out of the way (gluteus minimus: 0.51 from the side, 1.02 from
#: behind; quadratus lumborum: -0.44 and 0.90), with the two already shown from there.
FROM_THE_SIDE = ("gluteus_minimus", "quadratus_lumborum", "tensor_fasciae_latae", "vastus_lateralis")


@pytest.mark.parametrize("side", ["right", "left"])
def test_hip_pain_s_lateral_targets_are_in_the_view_from_the_side(side, manifest, catalog):
    picture = picture_for(ViewState(condition_id="hip_pain", side=side), manifest, catalog)
    views = {v.name: v for v in picture.views}
    assert f"lateral-{side}" in views, [v.name for v in picture.views]
    lateral = views[f"lateral-{side}"]
    for muscle in FROM_THE_SIDE:
        assert f"local:{muscle}:{side}" in lateral.targets, (muscle, [(v.name, v.targets) for v in picture.views])


def _drawn_in_front(manifest, panel, point, own) -> list[str]:
    """Structures drawn in the panel (at any opacity) between the eye and ``point``, but ``own``."""
    body = body_for(manifest)
    p = np.asarray(point, dtype=float)
    to_eye = np.asarray(panel.eye, dtype=float) - p
    styles = panel.shown.highlight.styles
    out = []
    for sid in body.along_ray(p, to_eye):
        style = styles.get(sid)
        if sid in own or style is None or not style.visible:
            continue
        n = crossings(body.surface(sid), p, to_eye)
        if n and n % 2 == 0:
            out.append(sid)
    return out


def test_the_side_view_of_hip_pain_draws_no_arm_in_front_of_its_targets(manifest, catalog, scene):
    result = render_image(manifest, catalog, ViewState(condition_id="hip_pain", side="right"),
                          ImageOptions(size=SIZE), scene)
    panel = next(p for p in result.panels if p.view.name == "lateral-right")
    arm = free_upper_limb(manifest, "right")
    assert arm and not any(panel.shown.highlight.styles[sid].visible for sid in arm if sid in panel.shown.highlight.styles)
    targets = {t.key: t for t in result.picture.targets}
    for key in panel.view.targets:
        t = targets[key]
        in_front = _drawn_in_front(manifest, panel, t.point, set(t.structures))
        bones = [sid for sid in in_front if manifest[sid].kind in ("bone", "vertebra")]
        assert not bones and not set(in_front) & arm, f"{key}: {in_front} drawn in front of it from the side"


def test_gluteus_minimus_is_seen_orange_round_its_marker_from_the_side(manifest, catalog, scene):
    """Pixel probe: round gluteus minimus's marker the panel shows the treated muscles' orange
    (gluteus minimus, or gluteus medius see-through over it), not the forearm's bones and
    muscles drawn over the hip.
    """
    result = render_image(manifest, catalog, ViewState(condition_id="hip_pain", side="right"),
                          ImageOptions(size=SIZE), scene)
    panel = next(p for p in result.panels if p.view.name == "lateral-right")
    key = "local:gluteus_minimus:right"
    point = next(t.point for t in result.picture.targets if t.key == key)
    xy, _ = panel.projector.project([np.asarray(point, dtype=float)])
    x, y = (int(round(c)) for c in xy[0])
    r = 10  # pixels round the marker (its white disc left out)
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    ring = (xx ** 2 + yy ** 2 >= 5 ** 2) & (xx ** 2 + yy ** 2 <= r ** 2)
    patch = panel.rendered[y - r: y + r + 1, x - r: x + r + 1, :3]
    assert patch.shape[:2] == ring.shape, f"{key} at {(x, y)} is too near the panel's edge to probe"
    orange = hue_mask(patch, DEFAULT_PALETTE.local)[ring]
    assert orange.mean() >= 0.5, f"only {orange.mean():.0%} of the ring round {key} at {(x, y)} is the treated orange"
