"""Paint the dermatome maps on the skin envelope (build time; needs SciPy).

For each map in ``ims_atlas/study/data/dermatome_maps.json`` every anchor landmark is found on
the bones (:mod:`ims_atlas.study.body_landmarks`), snapped to the skin, and each skin vertex
gets the segment of the nearest anchor of its own side of the body measured along the skin
of that side (multi-source Dijkstra over the mesh edges of each half).

The map's trunk bands (``bands``: T2-L1) are then painted again on the trunk skin those bands
took: each band's line runs, in the body's sagittal coordinates (depth, height), from its
back anchor to its front anchor, level behind the one and in front of the other (the plane
through the two anchors that contains the left-right axis, wrapping round the trunk from the
posterior to the anterior midline); a trunk vertex takes the band whose line is nearest in
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


def limb_of_vertices(points: np.ndarray, bf: BodyFrame) -> np.ndarray:
    """Per skin vertex: 1 nearest an arm bone, 2 nearest a leg bone, 0 otherwise."""
    from scipy.spatial import cKDTree

    clouds, tags = [], []
    for s in bf.manifest.by_kind("bone", "vertebra"):
        tag = 1 if s.id.startswith(ARM_BONES) else 2 if s.id.startswith(LEG_BONES) else 0
        pts = bf.bone(s.id)
        clouds.append(pts)
        tags.append(np.full(len(pts), tag, dtype=np.int8))
    tree = cKDTree(np.concatenate(clouds))
    _, idx = tree.query(points)
    return np.concatenate(tags)[idx]


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


def _voronoi(graph, keep: np.ndarray, seeds: np.ndarray, seed_labels: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The label of the nearest seed along the skin for the vertices ``keep`` (one side of the
    body), measured on that side only: a dermatome ends at the midline, and a seed of the
    other side must not claim skin here (which made the two sides' areas differ).
    """
    from scipy.sparse.csgraph import dijkstra

    index = np.full(len(keep), -1)
    index[keep] = np.arange(int(keep.sum()))
    mine = keep[seeds]
    local_seeds, local_labels = index[seeds[mine]], seed_labels[mine]
    label_of = dict(zip(local_seeds.tolist(), local_labels.tolist(), strict=True))
    _, _, sources = dijkstra(graph[keep][:, keep], directed=False, indices=local_seeds, min_only=True,
                             return_predecessors=True)
    out = np.full(int(keep.sum()), -1, dtype=np.int16)
    ok = sources >= 0
    out[ok] = [label_of[int(s)] for s in sources[ok]]
    if not ok.all():  # skin cut off from every anchor (the arm/leg cut, an island): the nearest painted label
        from scipy.spatial import cKDTree

        sub = points[keep]
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
    """
    out = []
    for pts in band_points:
        depth = [float(q @ bf.A) for q in pts]
        back, front = pts[int(np.argmin(depth))], pts[int(np.argmax(depth))]
        out.append([[float(back @ bf.A), float(back @ bf.U)], [float(front @ bf.A), float(front @ bf.U)]])
    return np.asarray(out)


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
    """The skin below and lateral to the apex of the axilla that its band took by nearest anchor
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
                below = points @ bf.U < apex @ bf.U
                out |= (labels == segments.index(seg)) & (side_of == k) & below & (lateral >= 0)
    return out


def _bands_off_the_arms(labels: np.ndarray, band_idx: np.ndarray, arm: np.ndarray, side_of: np.ndarray, graph,
                        seeds: np.ndarray, seed_labels: np.ndarray, points: np.ndarray) -> None:
    """Arm skin a trunk band took (over the envelope's bridges where a hanging arm touches the
    chest: no band has an anchor on the arm) goes to the nearest of the other anchors.
    """
    astray = np.isin(labels, band_idx) & arm
    if not astray.any():
        return
    others = ~np.isin(seed_labels, band_idx)
    for k in range(len(SIDES)):
        half = side_of == k
        redo = _voronoi(graph, half, seeds[others], seed_labels[others], points)
        sub = labels[half]
        sub[astray[half]] = redo[astray[half]]
        labels[half] = sub


def paint(points: np.ndarray, faces: np.ndarray, bf: BodyFrame, maps: DermatomeMaps) -> dict[str, np.ndarray]:
    """Per map: ``labels_<id>`` (segment index per vertex, -1 none), ``anchors_<id>`` (vertex
    indices), ``anchor_segments_<id>`` and ``anchor_names_<id>``.
    """
    limb = limb_of_vertices(points, bf)
    side_of = np.where((points - bf.midline) @ bf.Lf > 0, 0, 1)  # 0 left, 1 right (SIDES order)
    graph = edge_graph(points, faces, limb)
    out: dict[str, np.ndarray] = {}
    for m in maps.maps:
        seeds, seg_idx, names = [], [], []
        band_points = {(seg, side): [] for seg in m.bands for side in SIDES}
        for seg, landmark_names in m.anchors.items():
            for name in landmark_names:
                for k, side in enumerate(SIDES):
                    candidates = np.flatnonzero(side_of == k)
                    lm = find_landmark(bf, name, side)
                    local = snap_to_skin(points[candidates], lm)
                    seeds.append(int(candidates[local]))
                    seg_idx.append(maps.segments.index(seg))
                    names.append(f"{name}:{side}")
                    if seg in m.bands:
                        band_points[seg, side].append(on_ray(points[seeds[-1]], lm))
        seeds_a = np.asarray(seeds)
        duplicate = _shared_seed(seeds, seg_idx, names)
        if duplicate:
            raise ValueError(f"map {m.id}: {duplicate}")
        labels = np.full(len(points), -1, dtype=np.int16)
        seg_idx_a = np.asarray(seg_idx)
        for k in range(len(SIDES)):
            labels[side_of == k] = _voronoi(graph, side_of == k, seeds_a, seg_idx_a, points)
        if m.bands:
            band_idx = np.asarray([maps.segments.index(s) for s in m.bands], dtype=np.int16)
            _bands_off_the_arms(labels, band_idx[1:], limb == 1, side_of, graph, seeds_a, seg_idx_a, points)
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
