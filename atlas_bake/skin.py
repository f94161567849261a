"""A body skin surface built from the anatomy when no skin mesh exists.

Every bone and muscle of ``meshes/manifest.json``, and every artery and nerve root (which lie on
the muscles, under the skin and fasciae), is sampled onto a voxel grid in three groups:
the upper limbs (with the deltoid, which wraps the arm), the lower limbs and the rest (head,
neck, trunk, pelvis). Each group is closed on its own (dilated, cavities filled, eroded):

- the rest is filled slice by slice with each axial slice's convex hull from the ischial
  tuberosities up. The model has no viscera and no complete flank or neck wall (the myo-sim
  muscles are fascicle sheets with centimetre gaps between them), so a closing alone leaves
  the thoracic and abdominal cavities open to the outside and the envelope ran into them as
  sheets inside the pleura. Every cavity left is then filled: the outside of the grid is
  flood-filled from its border and whatever it does not reach is body;
- the limbs are filled slice by slice (each axial slice's enclosed holes) and flood-filled.

The three are joined where their meshes meet (the shoulder, the axillary folds, the hips).
Elsewhere a hanging arm is kept apart from the flank and the thigh: where their envelopes
would touch, the voxels are split by which is nearer and one voxel on the dividing surface
is left empty, and each side is smoothed on its own, so the arm keeps its own skin down to the
axilla instead of being fused to the chest wall. The result is contoured (marching cubes,
VTK's flying edges), smoothed and decimated: one closed surface (genus-free up to the
fingers) a few millimetres outside the muscles, a stand-in for the skin, not a segmented skin.
Re-run it after the meshes change (``python scripts/build_skin.py``); the output is
deterministic.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.study.body_landmarks import BodyFrame, find_landmark
from ims_atlas.study.dermatomes import SIDES

#: Voxel edge (metres).
VOXEL = 0.005
#: Closing: gaps narrower than about twice this are bridged within a group (metres).
DILATE = 0.010
#: Shrink back after filling; the envelope ends DILATE - ERODE outside the muscles (metres).
ERODE = 0.005
#: Triangles kept after decimation (about), before the long edges are split.
TARGET_TRIANGLES = 90_000
#: No skin edge longer than this (metres): decimation leaves the filled flanks and back nearly
#: flat and would cover them with triangles 20 cm long, too coarse to paint a dermatome or put
#: two landmarks a vertebra apart.
MAX_EDGE = 0.015
KINDS = ("bone", "vertebra", "muscle", "fascia")
#: Kinds the skin is closed round as well, drawn or loaded on request: the arteries and the nerve
#: roots. They lie on the muscles, not in them: the brachial artery "is superficial in the whole
#: line of its course", covered by the brachial aponeurosis (Todd's Cyclopaedia), the subclavian's
#: second part is covered in front by the skin, superficial fascia, Platysma and deep cervical
#: fascia (Gray 1918, p. 577) and its third by the integument, Platysma and fascia (Todd). An
#: envelope closed round the bones and muscles alone (DILATE - ERODE outside them) left the
#: brachial artery below teres major up to 3.7 mm, the subclavian over the pleura's dome up to
#: 4.4 mm and the C5 root in the posterior triangle 1.3 mm outside the skin. (The nerves lay under
#: the skin already; their regions, such as "arm and forearm", name no one voxel group.)
INNER_KINDS = ("vessel", "root")
#: The smoothed body field at the voxels an artery or a nerve root crosses and at the flank's
#: voxels kept against the hanging arm (a mesh's voxels are held at 0.75; the skin is the 0.5 level).
DEEP_HELD = 1.0
#: Manifest regions of the upper and the lower limb; every other region is the trunk group.
ARM_REGIONS = ("arm", "elbow", "forearm", "hand")
LEG_REGIONS = ("thigh", "knee", "leg", "foot")
#: Muscles of the trunk group's regions that wrap the arm (drawn with the arm group).
ARM_MUSCLES = ("deltoid",)
#: The trunk's axial slices are filled with their convex hulls except this far (metres) in
#: front of the most posterior point of each slice: the back keeps its own shape.
BACK_KEPT = 0.03
#: The armpit's roof above the apex of the axilla (metres; two voxels).
AXILLA_ROOF = 0.010
#: Trunk muscles inserting on the humerus: the axillary folds (pectoralis major in front,
#: latissimus dorsi and teres major behind) and teres minor. Their humeral ends reach below
#: the armpit's roof, and the skin joins the arm over them wherever they come within closing
#: range of the arm (split off as flank, their ends lay 2-5 mm outside the skin).
#: Below the folds: this far (metres) below the apex of the axilla the flank's meshes keep their
#: own voxels against the hanging arm's.
FLANK_BELOW = 0.02
FOLD_MUSCLES = ("pectoralis_major", "latissimus_dorsi", "teres_major", "teres_minor")


def group_of(s: Structure) -> str:
    """``"arm"``, ``"leg"`` or ``"trunk"``: which voxel group a structure is closed in."""
    if s.region in ARM_REGIONS or (s.muscle or s.id).startswith(ARM_MUSCLES):
        return "arm"
    if s.region in LEG_REGIONS:
        return "leg"
    return "trunk"


def _samples(points: np.ndarray, faces: np.ndarray, spacing: float) -> np.ndarray:
    """Points on every triangle no farther apart than ``spacing`` (vertices, edges and inside)."""
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    longest = np.max(np.stack([np.linalg.norm(b - a, axis=1), np.linalg.norm(c - b, axis=1),
                               np.linalg.norm(a - c, axis=1)]), axis=0)
    out = [points]
    steps = np.ceil(longest / spacing).astype(int)
    for n in np.unique(steps[steps > 1]):
        sel = steps == n
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = (i + j) <= n
        u, v = (i[keep] / n)[None, :, None], (j[keep] / n)[None, :, None]
        pa, pb, pc = a[sel][:, None], b[sel][:, None], c[sel][:, None]
        out.append((pa + u * (pb - pa) + v * (pc - pa)).reshape(-1, 3))
    return np.concatenate(out)


def _raw_groups(manifest: Manifest) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[float, float]]:
    """Each group's sampled voxels, the grid origin, and the heights of the lowest point of the
    pelvis and the top of the rib cage (z).
    """
    clouds: dict[str, list[np.ndarray]] = {"arm": [], "leg": [], "trunk": [], "fold": [], "inner": []}
    pelvis_z, chest_top = np.inf, -np.inf
    for s in manifest.every():
        if s.kind in KINDS or s.kind in INNER_KINDS:
            mesh = read_mesh(manifest.file_path(s))
            sampled = _samples(mesh.points, mesh.faces, VOXEL * 0.7)
            clouds[group_of(s)].append(sampled)
            if (s.muscle or "") in FOLD_MUSCLES:
                clouds["fold"].append(sampled)
            if s.kind in INNER_KINDS:
                clouds["inner"].append(sampled)
            if s.region == "pelvis" and s.kind == "bone":
                pelvis_z = min(pelvis_z, float(mesh.points[:, 2].min()))
            if s.region == "thorax" and s.kind == "bone":
                chest_top = max(chest_top, float(mesh.points[:, 2].max()))
    if not all(v for k, v in clouds.items() if k not in ("fold", "inner")):
        missing = [k for k, v in clouds.items() if not v and k not in ("fold", "inner")]
        raise ValueError(f"the manifest has no {', '.join(missing)} structures to build the skin from")
    if not (np.isfinite(pelvis_z) and np.isfinite(chest_top)):
        raise ValueError("the manifest lacks a pelvis or a thorax bone (regions 'pelvis', 'thorax'): "
                         "the trunk cannot be filled")
    every = np.concatenate([np.concatenate(v) for k, v in clouds.items() if k not in ("fold", "inner") and v])
    pad = DILATE + 4 * VOXEL
    origin = every.min(axis=0) - pad
    shape = [int(n) for n in np.ceil((every.max(axis=0) + pad - origin) / VOXEL).astype(int) + 1]
    # Left-right the grid is mirror-symmetric about the midline (a voxel boundary lies on it),
    # so the two sides of a symmetric body are voxelised alike.
    mid = manifest.midline_x
    k = int(np.ceil((max(mid - every[:, 0].min(), every[:, 0].max() - mid) + pad) / VOXEL))
    origin[0], shape[0] = mid - k * VOXEL, 2 * k
    shape = tuple(shape)
    grids = {}
    for name, parts in clouds.items():
        grid = np.zeros(shape, dtype=bool)
        if not parts:
            grids[name] = grid
            continue
        idx = np.floor((np.concatenate(parts) - origin) / VOXEL).astype(int)
        grid[idx[:, 0], idx[:, 1], idx[:, 2]] = True
        # The model's two sides agree to a fraction of a millimetre (its organs aside, which
        # lie deep), yet a voxel either side of a sample's boundary set the skin apart where
        # a hanging hand meets the thigh, and the dermatomes painted there with it (L1's
        # right 15 % larger than its left): each voxel is kept on both sides if on either.
        grid |= grid[::-1]
        grids[name] = grid
    return grids, origin, (pelvis_z, chest_top)


def _hull_slice(mask: np.ndarray) -> np.ndarray:
    """A 2-D (x, y) mask filled with its convex hull except within BACK_KEPT of its most
    posterior (+y) pixel (the mask itself where it has too few pixels for a hull).
    """
    from scipy.spatial import Delaunay, QhullError

    ij = np.argwhere(mask)
    if len(ij) < 4:
        return mask
    lo, hi = ij.min(axis=0), ij.max(axis=0) + 1
    if np.any(hi - lo < 2):
        return mask
    corners = (ij[:, None, :] + np.array([[0, 0], [0, 1], [1, 0], [1, 1]]) - 0.5).reshape(-1, 2)
    try:
        tri = Delaunay(np.unique(corners, axis=0))
    except QhullError:
        return mask
    gi, gj = np.mgrid[lo[0]:hi[0], lo[1]:hi[1]]
    inside = tri.find_simplex(np.column_stack([gi.ravel(), gj.ravel()]).astype(float)) >= 0
    # Not over the back: the hull would bridge the furrow between the erector spinae ridges
    # (and the hollow between the scapulae) and lift the skin off the paraspinal muscles.
    inside &= gj.ravel() <= hi[1] - 1 - round(BACK_KEPT / VOXEL)
    out = mask.copy()
    out[lo[0]:hi[0], lo[1]:hi[1]] |= inside.reshape(gi.shape)
    return out


def _fill_outside(grid: np.ndarray) -> np.ndarray:
    """Everything the outside cannot reach is body: flood-fill the complement from the border."""
    from scipy import ndimage

    outside = ~grid
    labels, _ = ndimage.label(outside)
    border = np.unique(np.concatenate([labels[[0, -1]].ravel(), labels[:, [0, -1]].ravel(),
                                       labels[:, :, [0, -1]].ravel()]))
    reached = np.isin(labels, border[border > 0])
    return ~reached


def _slices_filled(grid: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    out = grid.copy()
    for k in range(grid.shape[2]):
        if grid[:, :, k].any():
            out[:, :, k] = ndimage.binary_fill_holes(grid[:, :, k])
    return out


def _closed(grid: np.ndarray, hull: tuple[int, int] | None = None) -> np.ndarray:
    """Dilate, fill (axial slices, their convex hulls in the slices ``hull`` (first, last), then
    every cavity), erode.
    """
    from scipy import ndimage

    grid = ndimage.binary_dilation(grid, structure=_ball(round(DILATE / VOXEL)))
    grid = _slices_filled(grid)
    if hull is not None:
        for k in range(max(hull[0], 0), min(hull[1] + 1, grid.shape[2])):
            if grid[:, :, k].any():
                grid[:, :, k] = _hull_slice(grid[:, :, k])
    grid = _fill_outside(grid)
    return ndimage.binary_erosion(grid, structure=_ball(round(ERODE / VOXEL)))


def body_parts(manifest: Manifest) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(trunk, arms, origin, meshes, deep)``: two boolean voxel grids that together make the body
    (the trunk grid holds the legs and the joins; they overlap only in the joins), the grids'
    origin (metres), the voxels the meshes cross, and those held at ``DEEP_HELD`` (the voxels the
    arteries and nerve roots cross, and the flank's voxels kept against the hanging arm).
    """
    from scipy import ndimage

    raw, origin, (pelvis_z, chest_top) = _raw_groups(manifest)
    trunk = _closed(raw["trunk"], hull=(int(np.floor((pelvis_z - origin[2]) / VOXEL)),
                                        int(np.ceil((chest_top - origin[2]) / VOXEL))))
    rest = trunk | _closed(raw["leg"])
    arms = _closed(raw["arm"])
    other = raw["trunk"] | raw["leg"]
    d_arm = ndimage.distance_transform_edt(~raw["arm"]) * VOXEL
    d_other = ndimage.distance_transform_edt(~other) * VOXEL
    # Joins: the arm meets the trunk (the shoulder) above the apex of the axilla (the landmark
    # of the dermatome maps: 5 cm below the top of the humeral head's medial side), where
    # everything between the two within closing range is body. Below it the arm has its own
    # skin: the armpit is a dome open only downwards (no bridge lower down, so no tunnel), and
    # its roof lies AXILLA_ROOF above the apex, so the apex's ray meets the armpit's skin.
    between = (d_arm + d_other) <= 2 * DILATE + VOXEL
    x = origin[0] + np.arange(raw["arm"].shape[0]) * VOXEL
    z = origin[2] + np.arange(raw["arm"].shape[2]) * VOXEL
    bf = BodyFrame(manifest)
    near = ndimage.binary_dilation(between, structure=_ball(round(DILATE / VOXEL)))
    roofed = np.zeros_like(between)
    flank = np.zeros_like(between)  # below the axilla's folds
    for side in SIDES:
        half = (x - manifest.midline_x) * float(bf.Lf[0]) * (1 if side == "left" else -1) > 0
        roof = float(find_landmark(bf, "axilla_apex", side).point[2]) + AXILLA_ROOF
        roofed[half] = near[half] & (z >= roof)[None, None, :]
        flank[half] = (z < roof - AXILLA_ROOF - FLANK_BELOW)[None, None, :]
    # The axillary folds: the muscles inserting on the humerus join the arm wherever they come
    # within closing range of it, below the roof too (their humeral ends lie there).
    # So does the arm's brachial artery from the anterior fold's lowest point up (pectoralis
    # major's; the artery begins at the lower margin of teres major, Gray, Todd): at the axillary
    # outlet it lies 5-7 mm from serratus anterior on the model, too close for the artery and the
    # serratus to have a skin each, and the skin of the armpit's floor covers both.
    fold_low = min(float(read_mesh(manifest.file_path(s)).points[:, 2].min())
                   for s in manifest if s.muscle == "pectoralis_major")
    outlet = raw["inner"] & raw["arm"] & (z >= fold_low)[None, None, :]
    folds = ndimage.binary_dilation(raw["fold"] | outlet, structure=_ball(2)) & near
    joined = roofed | folds
    # Elsewhere split by the nearer core (a filled group's body, not only its sampled surface).
    core_arm = ndimage.binary_erosion(arms, structure=_ball(1)) | raw["arm"]
    core_rest = ndimage.binary_erosion(rest, structure=_ball(1)) | other
    to_arm = ndimage.distance_transform_edt(~core_arm)
    to_rest = ndimage.distance_transform_edt(~core_rest)
    # The arm takes the voxels up to one beyond the half-way surface (so the skin over the
    # subcutaneous medial epicondyle stays the arm's, not the flank's), and the trunk gives up
    # its voxels next to the arm's (faces, edges or corners), so one empty voxel divides them.
    # The trunk's meshes and the voxels next to them stay the trunk's, and the arm keeps off
    # the voxels beside those (the empty one between): the serratus anterior facing the
    # hanging arm lay up to 3 mm outside the skin, its voxels given to the arm and cut.
    kept = ndimage.binary_dilation(other & ~raw["fold"], structure=_ball(1)) & ~raw["arm"] & ~joined & flank
    arm_side = (to_arm <= to_rest + 1.0) & ~joined & ~kept
    arm_side &= ~ndimage.binary_dilation(kept, structure=np.ones((3, 3, 3), dtype=bool)) | raw["arm"]
    arm_part = arms & (arm_side | joined)
    cut = ndimage.binary_dilation(arm_part & ~joined, structure=np.ones((3, 3, 3), dtype=bool))
    trunk_part = (rest & ~arm_side & ~cut & ~joined) | ((rest | arms) & joined)
    facing = kept & trunk_part & ndimage.binary_dilation(arm_part, structure=_ball(2))  # within 2 voxels of the arm
    return trunk_part, arm_part, origin, raw["arm"] | other, raw["inner"] | facing


def _ball(r: int) -> np.ndarray:
    z, y, x = np.mgrid[-r:r + 1, -r:r + 1, -r:r + 1]
    return (x * x + y * y + z * z) <= r * r


def skin_surface(manifest: Manifest) -> tuple[np.ndarray, np.ndarray]:
    """``(points, faces)`` of the skin envelope, wound outward, in the manifest's frame."""
    import pyvista as pv
    from scipy import ndimage

    trunk, arms, origin, meshes, deep = body_parts(manifest)
    # Each part smoothed on its own: the one empty voxel between an arm and the flank stays open.
    # Smoothing shrinks thin and pointed parts (the medial epicondyle poked 4-5 mm through the
    # skin), so the voxels the meshes cross and their neighbours stay body whatever it does.
    held = ndimage.binary_dilation(meshes, structure=_ball(1))
    field = np.maximum(ndimage.gaussian_filter(trunk.astype(np.float32), sigma=1.2),
                       ndimage.gaussian_filter(arms.astype(np.float32), sigma=1.2))
    field = np.maximum(field, np.where(held & (trunk | arms), np.float32(0.75), np.float32(0.0)))
    # The voxels an artery or a nerve root crosses, and the flank's kept against the hanging arm,
    # count as deep body, so the skin passes farther out from them than from a muscle's edge:
    # below the axilla the brachial artery and serratus anterior, 6-12 mm apart, have one voxel
    # each and the empty one between (held at 0.75 the artery lay 0.3 mm under the skin and
    # serratus 0.5 mm outside it).
    field = np.maximum(field, np.where(deep & (trunk | arms), np.float32(DEEP_HELD), np.float32(0.0)))
    # Each voxel's value sits at its centre.
    image = pv.ImageData(dimensions=trunk.shape, spacing=(VOXEL,) * 3, origin=tuple(origin + VOXEL / 2))
    image.point_data["body"] = field.ravel(order="F")
    surface = image.contour([0.5], scalars="body", method="flying_edges").triangulate().clean()
    surface = _plain(surface.connectivity("largest"))
    surface = _plain(surface.smooth_taubin(n_iter=30, pass_band=0.05))
    if surface.n_cells > TARGET_TRIANGLES:
        surface = _plain(surface.decimate_pro(1.0 - TARGET_TRIANGLES / surface.n_cells, preserve_topology=True))
    surface = _plain(surface.subdivide_adaptive(max_edge_len=MAX_EDGE)).clean()
    points = np.asarray(surface.points, dtype=np.float64)
    faces = np.asarray(surface.faces).reshape(-1, 4)[:, 1:].astype(np.int64)
    return points, _outward(points, faces)


def _outward(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Faces wound so the enclosed volume is positive (normals point out of the body)."""
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0
    return faces if volume > 0 else faces[:, ::-1].copy()


def _plain(mesh):
    """A fresh triangle PolyData with only points and faces (no left-over cell arrays)."""
    import pyvista as pv

    mesh = mesh.extract_surface(algorithm="dataset_surface") if not isinstance(mesh, pv.PolyData) else mesh
    mesh = mesh.triangulate()
    faces = np.asarray(mesh.faces).reshape(-1, 4)
    return pv.PolyData(np.asarray(mesh.points), np.hstack([np.full((len(faces), 1), 3), faces[:, 1:]]).ravel())
