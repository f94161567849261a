"""Paint the dermatome maps on the skin envelope (build time; needs SciPy).

For each map in ``ims_atlas/study/data/dermatome_maps.json`` every anchor landmark is found on
the bones (:mod:`ims_atlas.study.body_landmarks`), snapped to the skin, and each skin vertex
gets the segment of the nearest anchor of its own side of the body measured along the skin
of that side (multi-source Dijkstra over the mesh edges of each half).

The map's trunk bands (``bands``: T2-L1) are then painted again on the trunk skin those bands
took: each band's line runs, in the body's sagittal coordinates (depth, height), from its
back anchor to its front anchor, level behind the one and in front of the other (the plane
through the two anchors that contains the left-right axis, wrapping round the trunk from the
posterior to the anterior midline; every line starts sloping at the depth of the most anterior
back anchor and is level behind it); a trunk vertex takes the band whose line is nearest in
height at its depth. With only a back and a front point per band, the nearest-anchor rule
turned the border between two bands 1.5-2.5 cm apart with a one-vertex shift of an anchor
and ran it centimetres off across the flank, differently on the two sides (T6 differed by
58%). The lines use the anchors' heights on the bones (the same on both sides of the
mirror-symmetric skeleton) and the skin's depth where each anchor's ray meets it. Arm skin the
bands took (no band has an anchor on the arm) goes to the nearest other anchor, and the skin
under the arm that the axilla's band (T2) took is left to it.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.study.body_landmarks import BodyFrame, Landmark, find_landmark, snap_to_skin
from ims_atlas.study.dermatomes import SIDES, DermatomeMaps

#: Bones of the upper and the lower limb: where the envelope joins a hand to a thigh (the arms
#: hang at the sides), no dermatome may cross from one to the other.
ARM_BONES = ("humerus", "radius", "ulna", "hand")
LEG_BONES = ("femur", "tibia", "fibula", "patella", "foot")
#: How far below the apex of the axilla the skin may join the arm over the axillary folds (metres).
FOLD_DROP = 0.08
#: Skin vertices in an arm's own piece below the folds at least (fewer: a fragment, not the arm).
ARM_PIECE = 200


def limb_tree(bf: BodyFrame):
    """``(tree, tags)``: a k-d tree of every bone's points (and the deltoid's, which wraps the
    shoulder over the acromion) with per point 1 for an arm, 2 for a leg, 0 otherwise.
    """
    from scipy.spatial import cKDTree

    from ims_atlas.anatomy.mesh_file import read_mesh

    clouds, tags = [], []
    for s in bf.manifest.by_kind("bone", "vertebra"):
        tag = 1 if s.id.startswith(ARM_BONES) else 2 if s.id.startswith(LEG_BONES) else 0
        pts = bf.bone(s.id)
        clouds.append(pts)
        tags.append(np.full(len(pts), tag, dtype=np.int8))
    for s in bf.manifest.muscle_structures("deltoid"):
        pts = read_mesh(bf.manifest.file_path(s)).points
        clouds.append(pts)
        tags.append(np.ones(len(pts), dtype=np.int8))
    return cKDTree(np.concatenate(clouds)), np.concatenate(tags)


def limb_of_vertices(points: np.ndarray, bf: BodyFrame, tree=None) -> np.ndarray:
    """Per point: 1 nearest an arm bone (or the deltoid), 2 nearest a leg bone, 0 otherwise."""
    kd, tags = tree if tree is not None else limb_tree(bf)
    _, idx = kd.query(points)
    return tags[idx]


def _arms_apart(limb: np.ndarray, points: np.ndarray, faces: np.ndarray, bf: BodyFrame,
                side_of: np.ndarray) -> np.ndarray:
    """The limb tags corrected by the skin's own shape: below the axilla (the apex, or where the
    skin over the axillary folds ends) an arm's skin is a surface of its own, apart from the
    trunk's. Each side's skin below that height falls
    into pieces along the mesh: the largest is the trunk (and the legs), so none of it is arm,
    however near the humerus it lies; every other piece that is mostly arm is all arm.
    """
    from scipy.sparse.csgraph import connected_components

    out = limb.copy()
    graph = edge_graph(points, faces)
    for k, side in enumerate(SIDES):
        apex = float(np.asarray(find_landmark(bf, "axilla_apex", side).point) @ bf.U)
        # The skin joins the arm over the axillary folds a few centimetres below the apex (the
        # humeral ends of the fold muscles): the arm's own piece starts where the folds end.
        for drop in np.arange(0.0, FOLD_DROP + 1e-9, 0.005):
            below = np.flatnonzero((side_of == k) & (points @ bf.U < apex - drop))
            n, comp = connected_components(graph[below][:, below], directed=False)
            sizes = np.bincount(comp, minlength=n)
            trunk = int(np.argmax(sizes))
            if any(c != trunk and sizes[c] >= ARM_PIECE and np.mean(limb[below[comp == c]] == 1) > 0.5
                   for c in range(n)):
                break
        else:
            raise ValueError(f"the {side} arm's skin is joined to the trunk's more than "
                             f"{FOLD_DROP * 100:.0f} cm below the apex of the axilla")
        for c in range(n):
            members = below[comp == c]
            if c == trunk:
                out[members[out[members] == 1]] = 0
            elif np.mean(limb[members] == 1) > 0.5:
                out[members] = 1
    return out


def edge_graph(points: np.ndarray, faces: np.ndarray, limb: np.ndarray | None = None):
    """The skin's edges as a sparse symmetric matrix of lengths (none between an arm and a leg)."""
    from scipy.sparse import coo_matrix

    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    e = np.unique(np.sort(e, axis=1), axis=0)
    if limb is not None:
        a, b = limb[e[:, 0]], limb[e[:, 1]]
        e = e[~(((a == 1) & (b == 2)) | ((a == 2) & (b == 1)))]
    w = np.linalg.norm(points[e[:, 0]] - points[e[:, 1]], axis=1)
    n = len(points)
    return coo_matrix((np.concatenate([w, w]), (np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]]))),
                      shape=(n, n)).tocsr()


def _shared_seed(seeds: list[int], seg_idx: list[int], names: list[str]) -> str | None:
    """Words for two anchors of different segments snapped to one skin vertex (one would
    silently take the other's place), or None.
    """
    first: dict[int, int] = {}
    for i, v in enumerate(seeds):
        j = first.setdefault(v, i)
        if j != i and seg_idx[j] != seg_idx[i]:
            return f"anchors {names[j]} and {names[i]} fall on the same skin vertex {v}"
    return None


#: A seed stands on the skin where its landmark's ray meets it, joined to the skin vertices
#: this near (metres), not on one vertex: which vertex a ray snaps to differs by half a vertex
#: spacing between two mirror-image sides, and moved the border between two close anchors.
SEED_REACH = 0.008


def _voronoi(graph, keep: np.ndarray, seeds: np.ndarray, seed_labels: np.ndarray, points: np.ndarray,
             seed_points: np.ndarray | None = None) -> np.ndarray:
    """The label of the nearest seed along the skin for the vertices ``keep`` (one side of the
    body), measured on that side only: a dermatome ends at the midline, and a seed of the
    other side must not claim skin here (which made the two sides' areas differ). A seed with
    a point (``seed_points``) starts from the vertices within SEED_REACH of it (at least its
    own vertex), each at its straight distance from the point.
    """
    from scipy.sparse import bmat, coo_matrix
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    index = np.full(len(keep), -1)
    index[keep] = np.arange(int(keep.sum()))
    mine = keep[seeds]
    local_seeds, local_labels = index[seeds[mine]], seed_labels[mine]
    sub_graph = graph[keep][:, keep]
    n = sub_graph.shape[0]
    sub = points[keep]
    if seed_points is None:
        starts = [np.asarray([v]) for v in local_seeds]
        gaps = [np.zeros(1) for _ in local_seeds]
    else:
        tree = cKDTree(sub)
        starts, gaps = [], []
        for v, q in zip(local_seeds, np.asarray(seed_points)[mine], strict=True):
            near = np.union1d(np.asarray(tree.query_ball_point(q, SEED_REACH), dtype=int), [v])
            starts.append(near)
            gaps.append(np.maximum(np.linalg.norm(sub[near] - q, axis=1), 1e-9))
    rows = np.concatenate([np.full(len(st), i) for i, st in enumerate(starts)])
    link = coo_matrix((np.concatenate(gaps), (rows, np.concatenate(starts))), shape=(len(starts), n))
    full = bmat([[None, link], [link.T, sub_graph]], format="csr")
    _, _, sources = dijkstra(full, directed=False, indices=np.arange(len(starts)), min_only=True,
                             return_predecessors=True)
    sources = sources[len(starts):]
    out = np.full(n, -1, dtype=np.int16)
    ok = sources >= 0
    out[ok] = local_labels[sources[ok]]
    if not ok.all():  # skin cut off from every anchor (the arm/leg cut, an island): the nearest painted label
        _, near = cKDTree(sub[ok]).query(sub[~ok])
        out[~ok] = out[ok][near]
    return out


def on_ray(skin_point: np.ndarray, lm: Landmark) -> np.ndarray:
    """The point of the landmark's ray level with the skin vertex it snapped to: its height and
    depth come from the bones and the skin, not from where a vertex happens to lie beside the ray.
    """
    p, d = np.asarray(lm.point), np.asarray(lm.direction)
    return p + float((skin_point - p) @ d) * d


def band_lines(band_points: list[list[np.ndarray]], bf: BodyFrame) -> np.ndarray:
    """Per band (cranio-caudal) its line ``[[back depth, back height], [front depth, front
    height]]`` from the band's most posterior and most anterior anchor points.

    Every line starts sloping at the same depth, the most anterior of the bands' back anchors:
    behind it each line is level at its back anchor's height (so each back anchor lies on its
    line). Started at each band's own back anchor, two lines whose back anchors are close in
    height (the spinous tips of T12 and L1 are 1 cm apart on this skeleton) met behind the
    lower one wherever the skin of the lumbar lordosis lay a few millimetres in front of the
    thoracic skin, and a band vanished there.
    """
    backs, fronts = [], []
    for pts in band_points:
        depth = [float(q @ bf.A) for q in pts]
        backs.append(pts[int(np.argmin(depth))])
        fronts.append(pts[int(np.argmax(depth))])
    start = max(float(b @ bf.A) for b in backs)
    return np.asarray([[[start, float(b @ bf.U)], [max(float(f @ bf.A), start + 1e-3), float(f @ bf.U)]]
                       for b, f in zip(backs, fronts, strict=True)])


def band_heights(lines: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Each band line's height at each depth (level beyond its ends): shape (bands, points)."""
    return np.stack([np.interp(depth, line[:, 0], line[:, 1]) for line in lines])


def crossing_bands(lines: np.ndarray, names: tuple[str, ...]) -> str | None:
    """Words for two successive band lines that meet or cross (a band would vanish), or None."""
    depth = np.linspace(lines[:, :, 0].min(), lines[:, :, 0].max(), 200)
    h = band_heights(lines, depth)
    for i in range(len(lines) - 1):
        gap = h[i] - h[i + 1]
        if gap.min() <= 0.002:
            at = depth[int(np.argmin(gap))]
            return f"the lines of bands {names[i]} and {names[i + 1]} meet at depth {at * 100:.1f} cm"
    return None


def paint_bands(labels: np.ndarray, keep: np.ndarray, points: np.ndarray, lines: np.ndarray,
                band_idx: np.ndarray, bf: BodyFrame) -> None:
    """Relabel the vertices ``keep`` with the band whose line is nearest in height at their depth."""
    h = band_heights(lines, points[keep] @ bf.A)
    labels[keep] = band_idx[np.argmin(np.abs(points[keep] @ bf.U - h), axis=0)]


def _axilla(labels, m, segments, bf: BodyFrame, points, side_of) -> np.ndarray:
    """The skin at, below and lateral to the apex of the axilla that its band took by nearest anchor
    (kept: where the envelope fuses a hanging arm to the chest it stands for the axilla and the
    medial arm, pressed against the chest wall).
    """
    out = np.zeros(len(points), dtype=bool)
    for seg, names in m.anchors.items():
        if seg in m.bands and "axilla_apex" in names:
            for k, side in enumerate(SIDES):
                half = np.flatnonzero(side_of == k)
                apex = points[half[snap_to_skin(points[half], find_landmark(bf, "axilla_apex", side))]]
                lateral = (points - apex) @ bf.lateral(side)
                below = points @ bf.U <= apex @ bf.U  # the apex itself too
                out |= (labels == segments.index(seg)) & (side_of == k) & below & (lateral >= 0)
    return out


def _medial_upper_arm(points: np.ndarray, bf: BodyFrame, side_of: np.ndarray) -> np.ndarray:
    """Skin of the medial side of the upper half of each arm (medial to the humerus's axis at its
    height, above the middle of the humerus): all of the arm the axilla's band (T2) may keep.
    The intercostobrachial nerve (T2) crosses the axilla and supplies the skin of the upper half
    of the medial and back part of the arm (Gray's Anatomy, 20th ed., 1918, the thoracic nerves);
    the rest of the arm skin T2 took by nearest anchor (over the shoulder, the deltoid, the
    forearm) goes to the arm's own segments.
    """
    out = np.zeros(len(points), dtype=bool)
    for k, side in enumerate(SIDES):
        hum = bf.bone(f"humerus_{side}")
        h = hum @ bf.U
        mid = 0.5 * (h.min() + h.max())
        half = np.flatnonzero((side_of == k) & (points @ bf.U > mid))
        ph = points[half] @ bf.U
        # The humerus's axis at each vertex's height: the mean of its points within 2 cm.
        order = np.argsort(h)
        lo = np.searchsorted(h[order], ph - 0.02)
        hi = np.searchsorted(h[order], ph + 0.02)
        csum = np.concatenate([np.zeros((1, 3)), np.cumsum(hum[order], axis=0)])
        count = np.maximum(hi - lo, 1)
        axis = (csum[hi] - csum[lo]) / count[:, None]
        inside = hi > lo
        medial = ((points[half] - axis) @ bf.lateral(side)) < 0
        out[half[inside & medial]] = True
    return out


def _bands_off_the_arms(labels: np.ndarray, band_idx: np.ndarray, astray: np.ndarray, side_of: np.ndarray, graph,
                        seeds: np.ndarray, seed_labels: np.ndarray, points: np.ndarray,
                        seed_points: np.ndarray | None = None) -> None:
    """Arm skin ``astray`` that a trunk band took goes to the nearest of the anchors of no band."""
    if not astray.any():
        return
    others = ~np.isin(seed_labels, band_idx)
    for k in range(len(SIDES)):
        half = side_of == k
        redo = _voronoi(graph, half, seeds[others], seed_labels[others], points,
                        None if seed_points is None else seed_points[others])
        sub = labels[half]
        sub[astray[half]] = redo[astray[half]]
        labels[half] = sub


def paint(points: np.ndarray, faces: np.ndarray, bf: BodyFrame, maps: DermatomeMaps) -> dict[str, np.ndarray]:
    """Per map: ``labels_<id>`` (segment index per vertex, -1 none), ``anchors_<id>`` (vertex
    indices), ``anchor_segments_<id>`` and ``anchor_names_<id>``.
    """
    side_of = np.where((points - bf.midline) @ bf.Lf > 0, 0, 1)  # 0 left, 1 right (SIDES order)
    tree = limb_tree(bf)
    limb = _arms_apart(limb_of_vertices(points, bf, tree), points, faces, bf, side_of)
    graph = edge_graph(points, faces, limb)
    out: dict[str, np.ndarray] = {}
    for m in maps.maps:
        seeds, seg_idx, names, seed_points = [], [], [], []
        band_points = {(seg, side): [] for seg in m.bands for side in SIDES}
        for seg, landmark_names in m.anchors.items():
            for name in landmark_names:
                for k, side in enumerate(SIDES):
                    lm = find_landmark(bf, name, side)
                    # A landmark on the arm snaps to the arm's own skin, never to the flank
                    # beside it (the arm hangs a few millimetres from the chest wall).
                    on_arm = limb_of_vertices(np.asarray(lm.point)[None], bf, tree)[0] == 1
                    candidates = np.flatnonzero((side_of == k) & ((limb == 1) if on_arm else True))
                    local = snap_to_skin(points[candidates], lm)
                    seeds.append(int(candidates[local]))
                    seg_idx.append(maps.segments.index(seg))
                    names.append(f"{name}:{side}")
                    if seg in m.bands:
                        band_points[seg, side].append(on_ray(points[seeds[-1]], lm))
                    q = on_ray(points[seeds[-1]], lm)  # the vertex itself where the ray missed the skin
                    seed_points.append(q if np.linalg.norm(q - points[seeds[-1]]) <= SEED_REACH else points[seeds[-1]])
        seeds_a = np.asarray(seeds)
        seed_points_a = np.asarray(seed_points)
        duplicate = _shared_seed(seeds, seg_idx, names)
        if duplicate:
            raise ValueError(f"map {m.id}: {duplicate}")
        labels = np.full(len(points), -1, dtype=np.int16)
        seg_idx_a = np.asarray(seg_idx)
        for k in range(len(SIDES)):
            labels[side_of == k] = _voronoi(graph, side_of == k, seeds_a, seg_idx_a, points, seed_points_a)
        if m.bands:
            band_idx = np.asarray([maps.segments.index(s) for s in m.bands], dtype=np.int16)
            astray = np.isin(labels, band_idx[1:]) & (limb == 1)
            astray |= (labels == band_idx[0]) & (limb == 1) & ~_medial_upper_arm(points, bf, side_of)
            _bands_off_the_arms(labels, band_idx, astray, side_of, graph, seeds_a, seg_idx_a, points, seed_points_a)
            taken = np.isin(labels, band_idx) & (limb == 0)  # the trunk skin the bands took
            taken &= ~_axilla(labels, m, maps.segments, bf, points, side_of)
            for k, side in enumerate(SIDES):
                lines = band_lines([band_points[seg, side] for seg in m.bands], bf)
                crossing = crossing_bands(lines, m.bands)
                if crossing:
                    raise ValueError(f"map {m.id}, {side} side: {crossing}")
                paint_bands(labels, taken & (side_of == k), points, lines, band_idx, bf)
        out[f"labels_{m.id}"] = labels
        out[f"anchors_{m.id}"] = seeds_a
        out[f"anchor_segments_{m.id}"] = np.asarray(seg_idx, dtype=np.int16)
        out[f"anchor_names_{m.id}"] = np.asarray(names)
    return out
