"""Muscle solids and the myo-sim name mapping (the bake itself runs only where myo-sim is installed)."""

import numpy as np
import pytest

from ims_atlas.bake import names, tubes


def test_sweep_is_closed_outward_and_finite():
    path = np.array([[0, 0, 0], [0.01, 0.05, 0.1], [0.0, 0.1, 0.2], [0.0, 0.1, 0.3]], float)
    pts, faces = tubes.sweep(path, 0.02)
    assert np.isfinite(pts).all()
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(e, axis=0, return_counts=True)
    assert (counts == 2).all()
    v0, v1, v2 = pts[faces[:, 0]], pts[faces[:, 1]], pts[faces[:, 2]]
    assert np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() > 0


def test_belly_is_thickest_in_the_middle_and_tapers():
    prof = tubes.belly_profile(np.linspace(0, 1, 11))
    assert prof.argmax() == 5 and prof[0] < 0.3 and prof[-1] < 0.3 and (prof > 0).all()


@pytest.mark.parametrize(
    "actuator, muscle",
    [("ECRB", "extensor_carpi_radialis_brevis"), ("ECRB_l", "extensor_carpi_radialis_brevis"),
     ("SUP", "supinator"), ("SUPSP_l", "supraspinatus"), ("MF_m4t.2_r", "multifidus"),
     ("Ps_L1_VB_r", "psoas_major"), ("psoas_l", "psoas_major"), ("perlong_r", "fibularis_longus"),
     ("gasmed_r", "gastrocnemius"), ("LTpL_L5_l", "longissimus_thoracis"), ("QL_ant_I.2-T12_r", "quadratus_lumborum")],
)
def test_actuator_names_map_to_catalog_muscles(actuator, muscle):
    assert names.muscle_for(actuator) == muscle
    assert muscle in names.MUSCLES


def test_multifidus_levels():
    assert names.level_for("MF_m4t.2_r") == "L4" and names.level_for("ECRB") is None


@pytest.mark.bake
def test_every_myosim_actuator_is_mapped():
    import mujoco

    from ims_atlas.bake.myosim import load_default_pose

    model, _ = load_default_pose()
    unmapped = [
        mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_ACTUATOR, a)
        for a in range(model.nu)
        if names.muscle_for(mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_ACTUATOR, a)) is None
    ]
    assert unmapped == []


@pytest.mark.bake
@pytest.mark.slow
def test_bake_is_deterministic_and_matches_the_committed_meshes(tmp_path, repo):
    """Re-baking from myo-sim gives byte-identical files to the ones in meshes/."""
    import importlib.metadata

    assert importlib.metadata.version("myo-sim") == "0.2.3", "meshes/ were baked from myo-sim 0.2.3 (the build extra pins it)"
    from ims_atlas.bake.build import build_meshes

    build_meshes(tmp_path)
    baked = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    # meshes/skin/ is built from these meshes by scripts/build_skin.py, and facing_costs.json
    # from them and the catalog by scripts/bake_facing_costs.py, not by the bake.
    after = {"skin", "facing_costs.json"}
    committed = sorted(p.relative_to(repo / "meshes") for p in (repo / "meshes").rglob("*")
                       if p.is_file() and p.relative_to(repo / "meshes").parts[0] not in after)
    assert baked == committed
    for rel in baked:
        assert (tmp_path / rel).read_bytes() == (repo / "meshes" / rel).read_bytes(), rel


def test_a_hugged_stretch_of_a_nerve_is_laid_on_the_surface_and_the_rest_left_alone():
    """``drawn.hug``: a course 2 cm off a flat plate comes down to ``reach`` above it between the
    named control points; before the first of them it stays where its landmarks put it."""
    from ims_atlas.bake.drawn import hug

    plate = np.array([[-0.1, -0.1, 0.0], [0.1, -0.1, 0.0], [0.1, 0.1, 0.0], [-0.1, 0.1, 0.0]])
    faces = np.array([[0, 1, 2], [0, 2, 3]])
    controls = np.array([[-0.08, 0.0, 0.02], [-0.02, 0.0, 0.02], [0.08, 0.0, 0.02]])
    laid = hug(controls, (1, 2), [(plate, faces)], reach=0.003)
    before = laid[laid[:, 0] < -0.021]
    after = laid[laid[:, 0] > -0.019]
    assert len(before) and len(after)
    assert np.allclose(before[:, 2], 0.02)
    assert np.allclose(after[:, 2], 0.003, atol=5e-4)
