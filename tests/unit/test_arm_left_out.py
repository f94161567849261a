"""A view from the side leaves out the arm hanging in front of its targets: in the facing
cost and in the picture alike, unless a target is in that arm or its shoulder (pure geometry
on a toy body; hip pain's own figures are in tests/export/test_hip_from_the_side.py).
"""

from __future__ import annotations

from pathlib import Path

from ims_atlas.anatomy.body_meshes import BodyMeshes, surface_of
from ims_atlas.anatomy.facing import facing_costs, free_upper_limb, without_the_arm
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.scene.target_views import PictureTarget, TargetView, arm_left_out, view_hidden
from tests.toy_meshes import box_mesh

FRAME = {"up": "+Z", "anterior": "-Y", "left": "+X", "midline_x": 0.0}
#: A toy right side (+X is the left): id -> (kind, region, lo, hi). The forearm and its bone
#: hang beside the hip, lateral of a hip muscle on its hip bone; the neck is above the arm.
PARTS = {
    "hip_bone": ("bone", "pelvis", (-0.12, -0.03, 0.90), (-0.06, 0.03, 1.00)),
    "hip_muscle": ("muscle", "hip", (-0.16, -0.03, 0.90), (-0.12, 0.03, 1.00)),
    "forearm_muscle": ("muscle", "forearm", (-0.24, -0.02, 0.85), (-0.18, 0.02, 1.05)),
    "forearm_bone": ("bone", "forearm", (-0.22, -0.015, 0.85), (-0.20, 0.015, 1.05)),
    "deltoid": ("muscle", "shoulder", (-0.24, -0.03, 1.30), (-0.18, 0.03, 1.40)),
    "neck_muscle": ("muscle", "neck", (-0.06, -0.03, 1.50), (-0.02, 0.03, 1.60)),
}




def _body() -> BodyMeshes:
    structures = tuple(
        Structure(sid, sid, kind, "bones" if kind == "bone" else "muscles", "right", region, f"{sid}.npz", 12)
        for sid, (kind, region, _, _) in PARTS.items())
    manifest = Manifest(Path("/nowhere/manifest.json"), FRAME, {}, structures)
    return BodyMeshes(manifest, {sid: surface_of(*box_mesh(lo, hi)) for sid, (_, _, lo, hi) in PARTS.items()})


HIP = PictureTarget("local:hip:right", "local", "right", (-0.14, 0.0, 0.95), ("hip_muscle",))
NECK = PictureTarget("local:neck:right", "local", "right", (-0.04, 0.0, 1.55), ("neck_muscle",))
SHOULDER = PictureTarget("local:deltoid:right", "local", "right", (-0.21, 0.0, 1.35), ("deltoid",))


def _side_view(*targets: PictureTarget) -> TargetView:
    return TargetView("lateral-right", (-1.0, 0.0, 0.0), tuple(t.key for t in targets), "local")


def test_the_side_cost_without_the_arm_leaves_out_only_the_arm():
    body = _body()
    with_arm = facing_costs(body, HIP.point, "right", HIP.structures)["lateral-right"]
    without, far = without_the_arm(body, HIP.point, "right", HIP.structures)
    assert with_arm - without >= 3.0 + 0.5 - 1e-9  # the forearm's bone and muscle in front
    assert not far
    assert free_upper_limb(body.manifest, "right") == {"forearm_muscle", "forearm_bone"}


def test_a_side_view_draws_no_arm_in_front_of_a_hip_target():
    body = _body()
    assert arm_left_out([HIP], body, "right")
    assert view_hidden(_side_view(HIP), [HIP], body) == {"forearm_muscle", "forearm_bone"}


def test_an_arm_that_hides_nothing_stays_and_a_shoulder_target_keeps_it():
    body = _body()
    assert view_hidden(_side_view(NECK), [NECK], body) == set()
    assert not arm_left_out([HIP, SHOULDER], body, "right")
    assert view_hidden(_side_view(HIP, SHOULDER), [HIP, SHOULDER], body) == set()
    assert not arm_left_out([HIP], body, "both")
    front = TargetView("anterior", (0.0, -1.0, 0.0), (HIP.key,), "local")
    assert view_hidden(front, [HIP], body) == set()
