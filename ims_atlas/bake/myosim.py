"""Read bone meshes and muscle paths out of myo-sim's ``myofullbody`` at its default pose."""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass

import numpy as np

MODEL = "myofullbody"


@dataclass(frozen=True)
class BoneMesh:
    """One bone mesh in world coordinates (metres, +Z up, -Y anterior, +X left)."""

    name: str
    points: np.ndarray
    faces: np.ndarray


@dataclass(frozen=True)
class Fascicle:
    """One myo-sim muscle actuator: its path (origin first) and peak isometric force."""

    name: str
    path: np.ndarray
    peak_force: float


def load_default_pose():
    """Compile ``myofullbody`` and run forward kinematics at the default pose."""
    import mujoco
    import myo_sim

    # MuJoCo writes MUJOCO_LOG.TXT into the working directory: keep it out of the repo.
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.chdir(tmp)
        try:
            model = myo_sim.load_model(MODEL)
        finally:
            os.chdir(cwd)
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    return model, data


def bone_meshes(model, data) -> list[BoneMesh]:
    """Every mesh geom, transformed to world coordinates, in model order."""
    import mujoco

    out = []
    for g in range(model.ngeom):
        if model.geom_type[g] != mujoco.mjtGeom.mjGEOM_MESH:
            continue
        mid = model.geom_dataid[g]
        name = mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_MESH, mid)
        va, vn = model.mesh_vertadr[mid], model.mesh_vertnum[mid]
        fa, fn = model.mesh_faceadr[mid], model.mesh_facenum[mid]
        verts = np.asarray(model.mesh_vert[va : va + vn], dtype=np.float64)
        faces = np.asarray(model.mesh_face[fa : fa + fn], dtype=np.int64)
        rot = np.asarray(data.geom_xmat[g], dtype=np.float64).reshape(3, 3)
        world = np.asarray(data.geom_xpos[g], dtype=np.float64) + verts @ rot.T
        out.append(BoneMesh(name=name, points=world, faces=faces))
    return out


def fascicles(model, data) -> list[Fascicle]:
    """Every muscle actuator's computed path (sites and wrap tangent points)."""
    import mujoco

    wrap_xpos = np.asarray(data.wrap_xpos, dtype=np.float64).reshape(-1, 3)
    wrap_obj = np.asarray(data.wrap_obj).reshape(-1)
    out = []
    for a in range(model.nu):
        if model.actuator_trntype[a] != mujoco.mjtTrn.mjTRN_TENDON:
            continue
        tendon = model.actuator_trnid[a, 0]
        adr, num = int(data.ten_wrapadr[tendon]), int(data.ten_wrapnum[tendon])
        # wrap_obj == -2 marks a pulley (a break between branches), not a point.
        pts = [wrap_xpos[i] for i in range(adr, adr + num) if int(wrap_obj[i]) != -2]
        path = np.array(pts, dtype=np.float64)
        if len(path) < 2:
            continue
        name = mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_ACTUATOR, a)
        out.append(Fascicle(name=name, path=path, peak_force=float(model.actuator_gainprm[a, 2])))
    return out
