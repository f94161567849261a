"""Paint the dermatome maps on the skin envelope (build time; needs SciPy).

For each map in ``ims_atlas/study/data/dermatome_maps.json`` every anchor landmark is found on
the bones (:mod:`ims_atlas.study.body_landmarks`), snapped to the skin, and each skin vertex
gets the segment of the nearest anchor of its own side of the body measured along the skin
of that side (multi-source Dijkstra over the mesh edges of each half).
"""

from __future__ import annotations

import numpy as np

from ims_atlas.study.body_landmarks import BodyFrame, find_landmark, snap_to_skin
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


def paint(points: np.ndarray, faces: np.ndarray, bf: BodyFrame, maps: DermatomeMaps) -> dict[str, np.ndarray]:
    """Per map: ``labels_<id>`` (segment index per vertex, -1 none), ``anchors_<id>`` (vertex
    indices), ``anchor_segments_<id>`` and ``anchor_names_<id>``.
    """
    graph = edge_graph(points, faces, limb_of_vertices(points, bf))
    side_of = np.where((points - bf.midline) @ bf.Lf > 0, 0, 1)  # 0 left, 1 right (SIDES order)
    out: dict[str, np.ndarray] = {}
    for m in maps.maps:
        seeds, seg_idx, names = [], [], []
        for seg, landmark_names in m.anchors.items():
            for name in landmark_names:
                for k, side in enumerate(SIDES):
                    candidates = np.flatnonzero(side_of == k)
                    lm = find_landmark(bf, name, side)
                    local = snap_to_skin(points[candidates], lm)
                    seeds.append(int(candidates[local]))
                    seg_idx.append(maps.segments.index(seg))
                    names.append(f"{name}:{side}")
        seeds_a = np.asarray(seeds)
        duplicate = _shared_seed(seeds, seg_idx, names)
        if duplicate:
            raise ValueError(f"map {m.id}: {duplicate}")
        labels = np.full(len(points), -1, dtype=np.int16)
        for k in range(len(SIDES)):
            labels[side_of == k] = _voronoi(graph, side_of == k, seeds_a, np.asarray(seg_idx), points)
        out[f"labels_{m.id}"] = labels
        out[f"anchors_{m.id}"] = seeds_a
        out[f"anchor_segments_{m.id}"] = np.asarray(seg_idx, dtype=np.int16)
        out[f"anchor_names_{m.id}"] = np.asarray(names)
    return out
