"""How a view draws its picture, remembered by what it depends on (pure: a toy body).

A treated muscle behind the hip (as seen from behind) lies over the hip muscle's needle
point: the view from behind draws it see-through. The answer takes ray tests; the window
makes its picture anew at every switch, so the cache must answer an equal picture without
casting, and cast again when what the answer depends on changes (the camera, what is opaque).
"""

from __future__ import annotations

from pathlib import Path

from ims_atlas.anatomy.body_meshes import BodyMeshes, surface_of
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.scene.picture import Picture, picture_in_view
from ims_atlas.scene.plan import HighlightPlan, Marker, StructureStyle
from ims_atlas.scene.target_views import PictureTarget, TargetView
from ims_atlas.scene.view_looks import KEPT, LooksCache, view_looks
from tests.toy_meshes import box_mesh

FRAME = {"up": "+Z", "anterior": "-Y", "left": "+X", "midline_x": 0.0}
#: id -> (kind, region, lo, hi): a hip muscle, a buttock muscle behind it (+Y is posterior).
PARTS = {
    "hip_muscle": ("muscle", "hip", (-0.16, -0.03, 0.90), (-0.12, 0.03, 1.00)),
    "buttock_muscle": ("muscle", "hip", (-0.17, 0.04, 0.88), (-0.11, 0.08, 1.02)),
}
HIP = PictureTarget("local:hip:right", "local", "right", (-0.14, 0.0, 0.95), ("hip_muscle",))
BEHIND = TargetView("posterior", (0.0, 1.0, 0.0), (HIP.key,), "local")
FRONT = TargetView("anterior", (0.0, -1.0, 0.0), (HIP.key,), "local")


def _body() -> BodyMeshes:
    structures = tuple(Structure(sid, sid, kind, "muscles", "right", region, f"{sid}.npz", 12)
                       for sid, (kind, region, _, _) in PARTS.items())
    manifest = Manifest(Path("/nowhere/manifest.json"), FRAME, {}, structures)
    return BodyMeshes(manifest, {sid: surface_of(*box_mesh(lo, hi)) for sid, (_, _, lo, hi) in PARTS.items()})


def _picture(buttock_opacity: float = 1.0) -> Picture:
    """A new picture object each time, as the window makes one at every switch."""
    styles = {sid: StructureStyle("local", (0.9, 0.5, 0.1), buttock_opacity if sid == "buttock_muscle" else 1.0, True)
              for sid in PARTS}
    markers = (Marker("local", HIP.point, "Hip muscle (right)", HIP.key),)
    return Picture(HighlightPlan(styles, markers), targets=(HIP,), views=(BEHIND,))


def _counting(body: BodyMeshes) -> list:
    rays = []
    real = body.crossings_along
    body.crossings_along = lambda *a, **k: rays.append(1) or real(*a, **k)
    return rays


def test_a_muscle_over_a_point_is_see_through_from_that_side_only():
    body = _body()
    assert view_looks(_picture(), BEHIND, body).clear == {"buttock_muscle"}
    assert view_looks(_picture(), BEHIND, body, eye=(-0.14, 1.5, 0.95)).clear == {"buttock_muscle"}
    assert view_looks(_picture(), FRONT, body).clear == frozenset()
    shown = picture_in_view(_picture(), BEHIND, body.manifest, body)
    assert shown.highlight.styles["buttock_muscle"].opacity < 0.9


def test_an_equal_picture_is_answered_without_a_ray_and_a_changed_one_afresh():
    body = _body()
    rays = _counting(body)
    cache = LooksCache()
    eye = (-0.14, 1.5, 0.95)
    first = cache.get(_picture(), BEHIND, body, eye)
    assert rays and first.clear == {"buttock_muscle"}
    rays.clear()
    assert cache.get(_picture(), BEHIND, body, eye) == first
    assert cache.get(_picture(), BEHIND, body, tuple(c + 1e-6 for c in eye)) == first  # the same framing
    assert rays == []
    # Another camera, another view, or the buttock muscle drawn faint: cast again.
    for picture, view, at in ((_picture(), BEHIND, (-0.3, 1.5, 0.95)), (_picture(), FRONT, eye),
                              (_picture(0.3), BEHIND, eye)):
        rays.clear()
        looks = cache.get(picture, view, body, at)
        assert rays, (view.name, at)
    assert looks.clear == frozenset()  # nothing opaque lies over the point any more


def test_the_cache_keeps_the_most_recent_views():
    body = _body()
    rays = _counting(body)
    cache = LooksCache()
    eyes = [(-0.14, 1.0 + i / 100, 0.95) for i in range(KEPT + 1)]
    for eye in eyes:
        cache.get(_picture(), BEHIND, body, eye)
    rays.clear()
    cache.get(_picture(), BEHIND, body, eyes[-1])
    assert rays == []
    cache.get(_picture(), BEHIND, body, eyes[0])  # the oldest was let go
    assert rays
