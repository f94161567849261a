"""Every muscle in the manifest (myo-sim's as well as the authored ones): closed, mirrored left to
right, its ends on bone; and myo-sim's broad muscles as one continuous sheet each, not strands.

Authored muscles' ends are checked against their own attachment data in
test_anatomy_library.py; here the myo-sim muscles' ends are checked against the bones.
"""

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ims_atlas.anatomy import geometry
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake import names

#: Left/right tolerance. myo-sim's bones mirror each other within 0.3 mm about the manifest's
#: midline (which is rounded to 1 mm), the decimated hands within 2 mm, and its worst muscle
#: (longissimus thoracis, where one fascicle near the midline falls on the other side) within
#: 4.1 mm. 5 mm sits above that and far below a muscle's width: a sheet built differently on
#: one side, or a fascicle drawn on the wrong side, is centimetres off.
MIRROR_MAX = 0.005
#: Mean nearest-vertex distance after mirroring (the model's own asymmetry is under 0.3 mm).
MIRROR_MEAN = 0.001
#: How far the ends of a muscle's centre path may lie from the nearest bone surface. myo-sim's
#: sites sit on or just off its bone meshes (mostly under 4 mm); the hand bones are decimated
#: (which moves their surface by up to 2 mm), and lumbricals and the vasti end on tendons.
END_ON_BONE = 0.007
#: myo-sim muscles whose centre-path end lies off the bones the model has, with why and the
#: bound measured at the time of writing (plus about 25%): a regression still fails. Ends:
#: 0 origin, 1 insertion.
OFF_BONE = {
    ("external_oblique", 1): (0.10, "inserts into the linea alba, an aponeurosis with no bone"),
    ("internal_oblique", 0): (0.045, "myo-sim's sites sit 2-4 cm above the iliac crest"),
    ("internal_oblique", 1): (0.03, "the centre fibre ends between ribs 10-12 and the linea alba"),
    ("iliocostalis_lumborum", 0): (0.042, "myo-sim's origin site is on the thoracolumbar fascia"),
    ("quadratus_lumborum", 0): (0.04, "myo-sim's origin site is on the iliolumbar ligament, off the crest"),
    ("psoas_major", 0): (0.036, "the leg psoas's origin site stands in front of the lumbar bodies"),
    ("multifidus", 0): (0.034, "myo-sim's lumbar multifidus sites stand off the spinous processes"),
    ("longissimus_thoracis", 0): (0.028, "myo-sim's origin site is on the erector aponeurosis"),
    ("longissimus_thoracis", 1): (0.009, "the left insertion site stands 7 mm off its rib"),
    ("vastus_medialis", 1): (0.016, "inserts through the quadriceps tendon, in front of the patella"),
    ("vastus_intermedius", 1): (0.012, "inserts through the quadriceps tendon, in front of the patella"),
    ("rectus_femoris", 1): (0.012, "inserts through the quadriceps tendon, in front of the patella"),
}
#: A point midway between two neighbouring fascicles of a sheet must be in the sheet or this
#: close to it. Neighbouring fascicles are 2-8 cm apart, so a gap between strands fails.
BETWEEN_FASCICLES = 0.008


def _muscles(manifest, source=None):
    return [s for s in manifest.by_kind("muscle") if source is None or s.source.startswith(source)]


def _mesh(manifest, s):
    return read_mesh(manifest.file_path(s))


def _edge_use(faces):
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(e, axis=0, return_counts=True)
    return counts


def _components(points, faces):
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    n = len(points)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    return len(np.unique(labels[np.unique(faces)]))


def _twin(manifest, s):
    return manifest[s.id[: -len("_right")] + "_left"]


def _mirrored(points, midline_x):
    p = np.array(points, dtype=np.float64)
    p[:, 0] = 2.0 * midline_x - p[:, 0]
    return p


def _sym_distances(a, b):
    return np.concatenate([cKDTree(b).query(a)[0], cKDTree(a).query(b)[0]])


def test_every_muscle_is_a_closed_outward_surface_with_no_degenerate_triangles(manifest):
    muscles = _muscles(manifest)
    assert len(muscles) > 200
    for s in muscles:
        m = _mesh(manifest, s)
        assert np.isfinite(m.points).all(), s.id
        assert (_edge_use(m.faces) == 2).all(), f"{s.id} has open or non-manifold edges"
        v0, v1, v2 = (m.points[m.faces[:, k]] for k in range(3))
        assert np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() > 0, f"{s.id} is inside out"
        area = 0.5 * np.linalg.norm(np.cross(v1 - v0, v2 - v0), axis=1)
        assert (area > 1e-10).all(), f"{s.id} has {int((area <= 1e-10).sum())} zero-area triangles"


def test_every_muscle_has_a_mirror_twin_within_the_models_own_asymmetry(manifest):
    mid = manifest.midline_x
    checked = discriminating = 0
    for s in _muscles(manifest):
        if s.side == "midline":
            continue
        if s.side == "left":
            assert manifest[s.id[: -len("_left")] + "_right"] is not None
            continue
        twin = _twin(manifest, s)
        assert twin.muscle == s.muscle and twin.level == s.level, s.id
        a, b = _mesh(manifest, s), _mesh(manifest, twin)
        d = _sym_distances(_mirrored(a.points, mid), b.points)
        assert d.max() <= MIRROR_MAX, f"{s.id}: {d.max() * 1000:.1f} mm from its mirrored twin"
        assert d.mean() <= MIRROR_MEAN, f"{s.id}: {d.mean() * 1000:.2f} mm on average from its twin"
        ends = np.linalg.norm(_mirrored(a.path[[0, -1]], mid) - b.path[[0, -1]], axis=1)
        assert (ends <= MIRROR_MAX).all(), f"{s.id}: centre path does not mirror its twin's"
        checked += 1
        # The check can fail: without the mirroring, a muscle off the midline is far from its twin.
        if abs(a.points[:, 0].mean() - mid) > 0.02:
            assert _sym_distances(a.points, b.points).max() > 4 * MIRROR_MAX, s.id
            discriminating += 1
    assert checked > 100 and discriminating > 80


@pytest.fixture(scope="module")
def bones(manifest):
    out = []
    for s in manifest.by_kind("bone", "vertebra"):
        m = _mesh(manifest, s)
        out.append((m, m.points.min(axis=0), m.points.max(axis=0)))
    return out


def _to_bone(bones, point, reach=None):
    best = np.inf
    for m, lo, hi in bones:
        if reach is not None and ((point < lo - reach).any() or (point > hi + reach).any()):
            continue
        best = min(best, geometry.distance_to_mesh(m.points, m.faces, point))
    return best


def test_myosim_muscle_ends_lie_on_bone(manifest, bones):
    """Both ends of every myo-sim muscle's centre path (origin first) lie on a bone, except
    where the muscle attaches to soft tissue the model has no mesh for (OFF_BONE)."""
    seen = set()
    for s in _muscles(manifest, "myo-sim"):
        path = _mesh(manifest, s).path
        assert len(path) >= 2, s.id
        for end, point in ((0, path[0]), (1, path[-1])):
            key = (s.muscle, end)
            limit = OFF_BONE[key][0] if key in OFF_BONE else END_ON_BONE
            d = _to_bone(bones, point, reach=limit + 0.01)
            seen.add(key)
            assert d <= limit, f"{s.id} {('origin', 'insertion')[end]} is {d * 1000:.1f} mm off bone"
    assert set(OFF_BONE) <= seen, "an OFF_BONE exception names no muscle end"


# --- Broad muscles as sheets -------------------------------------------------------------


def _sheet_structures(manifest):
    out = [s for s in _muscles(manifest, "myo-sim") if s.muscle in names.SHEETS]
    assert {s.muscle for s in out} == set(names.SHEETS)
    return out


def test_each_broad_muscle_is_one_connected_sheet_per_head(manifest):
    for s in _sheet_structures(manifest):
        m = _mesh(manifest, s)
        heads = names.sheet_heads(s.muscle, list(s.parts))
        assert _components(m.points, m.faces) == len(heads), s.id


def _turn(points, faces, above: float | None = None):
    """Smallest cosine between the normals of two triangles that share an edge (with
    ``above``: only triangles lying wholly above that height)."""
    v0, v1, v2 = (points[faces[:, k]] for k in range(3))
    n = np.cross(v1 - v0, v2 - v0)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    face = np.tile(np.arange(len(faces)), 3)
    pairs = face[np.lexsort((e[:, 1], e[:, 0]))].reshape(-1, 2)
    if above is not None:
        high = (points[faces][:, :, 2] > above).all(axis=1)
        pairs = pairs[high[pairs[:, 0]] & high[pairs[:, 1]]]
    return float(np.einsum("ij,ij->i", n[pairs[:, 0]], n[pairs[:, 1]]).min()) if len(pairs) else 1.0


def test_sheets_do_not_fold(manifest):
    """Neighbouring triangles never face opposite ways, as they do where a sheet doubles back
    (fascicles crossing, or staggered where they converge). A sharp corner where a thin end
    cap meets a border turns by up to about 135 degrees; a fold turns by 165-180."""
    for s in _sheet_structures(manifest):
        m = _mesh(manifest, s)
        cos = _turn(m.points, m.faces)
        assert cos > -0.85, f"{s.id}: neighbouring triangles turn by {np.degrees(np.arccos(cos)):.0f} deg"


def test_strip_caps_close_a_sheet_curved_across_without_folding():
    """A sheet bent across into a half pipe (the oblique round the flank): fan caps from the
    ring's centre fold over, strip caps do not; both are closed and outward."""
    from ims_atlas.bake.solids import sheet

    across = np.linspace(0.0, np.pi, 9)
    along = np.linspace(0.0, 0.2, 12)
    grid = np.stack([np.stack([0.05 * np.cos(a) + 0 * along, 0.05 * np.sin(a) + 0 * along, along], axis=1)
                     for a in across])
    results = {}
    for strip in (False, True):
        p, f = sheet(grid, 0.01, np.array([0.0, 1.0, 0.0]), strip_caps=strip)
        assert (_edge_use(f) == 2).all()
        v0, v1, v2 = (p[f[:, k]] for k in range(3))
        assert np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() > 0
        results[strip] = _turn(p, f)
    assert results[True] > -0.85 > results[False]


@pytest.fixture(scope="module")
def myosim_fascicles():
    from ims_atlas.bake.myosim import fascicles, load_default_pose

    model, data = load_default_pose()
    return {f.name: f for f in fascicles(model, data)}


@pytest.mark.bake
def test_sheets_fill_the_space_between_neighbouring_fascicles(manifest, myosim_fascicles):
    """Midway between two neighbouring fascicles (from a third to two thirds of the way along)
    the point is inside the sheet or within a few mm of it: no gaps between strands. Where
    myo-sim's straight lines cut inside the chest wall (the ribcage's convex hull) the sheet
    is lifted onto the wall, so there the allowance grows by the point's depth inside it."""
    from scipy.spatial import ConvexHull

    from ims_atlas.bake.fascicle_sheets import STATIONS, WALL_CLEARANCE, across_order, origin_first, same_way
    from ims_atlas.bake.tubes import resample, smooth

    planes = ConvexHull(_mesh(manifest, manifest["ribcage"]).points).equations

    for s in _sheet_structures(manifest):
        m = _mesh(manifest, s)
        for head in names.sheet_heads(s.muscle, list(s.parts)):
            fas = [myosim_fascicles[n] for n in head]
            main = max(fas, key=lambda f: f.peak_force).path
            paths = origin_first(same_way([f.path for f in fas], main), names.SHEETS[s.muscle][0], manifest.midline_x)
            st = np.stack([resample(smooth(p), STATIONS) for p in paths])
            st = st[across_order(st)]
            for a, b in zip(st[:-1], st[1:], strict=False):
                for i in (STATIONS // 3, STATIONS // 2, 2 * STATIONS // 3):
                    point = 0.5 * (a[i] + b[i])
                    depth = max(0.0, -float((planes[:, :3] @ point + planes[:, 3]).max()))
                    allowed = BETWEEN_FASCICLES + (depth + WALL_CLEARANCE if depth > 0 else 0.0)
                    gap = geometry.distance_outside(m.points, m.faces, point)
                    assert gap <= allowed, f"{s.id}: {gap * 1000:.0f} mm gap between fascicles"


def test_gluteal_sheets_are_smooth_in_the_middle(manifest):
    """The glutei are smooth curved sheets, not a few flat facets: over the middle of each
    (a fifth to four fifths along, the inner two fifths of its width) the outer surface turns
    by less than 12 degrees from one quad to the next. myo-sim draws each with three
    fascicles; nine fibres across them left gluteus maximus turning by 20 degrees at once."""
    from ims_atlas.bake.fascicle_sheets import STATIONS
    from tests.unit.sheet_shape import middle_bends, top_surface

    for s in _sheet_structures(manifest):
        if not s.muscle.startswith("gluteus"):
            continue
        bends = middle_bends(top_surface(_mesh(manifest, s).points, STATIONS))
        assert len(bends) > 100, s.id
        assert bends.max() < 12.0, f"{s.id}: the surface turns by {bends.max():.0f} deg between neighbouring quads"


def test_sheet_thickness_comes_from_force_within_believable_limits(manifest):
    """Measured through the sheet at mid-belly: a few mm (obliques) to about 2 cm (glutei)."""
    for s in _sheet_structures(manifest):
        m = _mesh(manifest, s)
        mid = m.path[len(m.path) // 2]
        # The vertices there lie on the two faces of the sheet: twice their spread across it.
        near = m.points[np.linalg.norm(m.points - mid, axis=1) < 0.03]
        q = near - near.mean(axis=0)
        thickness = 2.0 * np.sqrt(np.linalg.eigvalsh(q.T @ q / len(q))[0])
        assert 0.002 <= thickness <= 0.025, f"{s.id}: {thickness * 1000:.1f} mm thick"


def test_sheet_centre_path_runs_from_origin_along_the_belly(manifest):
    """The stored centre path starts at the origin end (e.g. latissimus dorsi at the spine,
    gluteus maximus at the sacrum, not the humerus or femur) and lies inside the sheet."""
    mid = manifest.midline_x
    for s in _sheet_structures(manifest):
        m = _mesh(manifest, s)
        p = m.path
        medial_first = abs(p[0][0] - mid) < abs(p[-1][0] - mid)
        if names.SHEETS[s.muscle][0] == "medial":
            assert medial_first, s.id
        for t in (0.3, 0.5, 0.7):
            q = p[int(t * (len(p) - 1))]
            assert geometry.distance_outside(m.points, m.faces, q) <= 0.002, s.id


# --- Trunk columns -----------------------------------------------------------------------


def _column_structures(manifest):
    out = [s for s in _muscles(manifest, "myo-sim") if s.muscle in names.COLUMNS]
    assert {s.muscle for s in out} == set(names.COLUMNS)
    return out


def test_each_trunk_column_is_one_solid_clear_of_the_midline(manifest):
    """One piece per side, and the spinous processes stay visible between the two sides."""
    from ims_atlas.bake.fascicle_columns import MIDLINE_GAP

    mid = manifest.midline_x
    for s in _column_structures(manifest):
        m = _mesh(manifest, s)
        assert _components(m.points, m.faces) == 1, s.id
        sign = 1.0 if s.side == "left" else -1.0
        assert (sign * (m.points[:, 0] - mid) >= MIDLINE_GAP - 1e-9).all(), f"{s.id} crosses the midline"


@pytest.mark.bake
def test_trunk_columns_hold_every_one_of_their_fascicles(manifest, myosim_fascicles):
    """Each fascicle (smoothed as every muscle is, which rounds off wrap corners), from a fifth
    to four fifths of its length, is inside its column or within 3 mm of it; only where it
    comes within the midline keep-off is it allowed further out."""
    from ims_atlas.bake.fascicle_columns import MIDLINE_GAP
    from ims_atlas.bake.tubes import resample, smooth

    mid = manifest.midline_x
    for s in _column_structures(manifest):
        m = _mesh(manifest, s)
        for name in s.parts:
            for point in resample(smooth(myosim_fascicles[name].path), 11)[2:-2]:
                if abs(point[0] - mid) < MIDLINE_GAP + 0.003:
                    continue
                gap = geometry.distance_outside(m.points, m.faces, point)
                assert gap <= 0.003, f"{s.id}: {name} is {gap * 1000:.1f} mm outside"


def test_lumbar_multifidus_is_one_solid_per_level_and_side(manifest):
    """Each level of the lumbar multifidus (myo-sim's fascicles leaving one spinous process,
    L1-L5) is one closed solid a side, under its per-level id (the highlight of a segment's
    paraspinal muscle lights that level only), no longer five separate strands; it holds its
    fascicles (test_trunk_columns_hold_every_one_of_their_fascicles) and fills the space between
    them: at least 4 cm^3 (L1-L4; L5's short fan at least 2 cm^3)."""
    for level in ("L1", "L2", "L3", "L4", "L5"):
        for side in ("left", "right"):
            s = manifest[f"multifidus_{level.lower()}_{side}"]
            assert s.muscle == "multifidus" and s.level == level and s.source.startswith("myo-sim")
            assert len(s.parts) == 5 and all(p.startswith(f"MF_m{level[1]}") for p in s.parts), s.parts
            m = _mesh(manifest, s)
            assert _components(m.points, m.faces) == 1, f"{s.id} is {_components(m.points, m.faces)} pieces"
            v0, v1, v2 = (m.points[m.faces[:, k]] for k in range(3))
            volume = np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() / 6.0
            assert volume >= (2e-6 if level == "L5" else 4e-6), f"{s.id}: {volume * 1e6:.1f} cm^3"
