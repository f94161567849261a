"""Turn the data file's named landmarks into points on the baked bones (right side).

See ``conventions.point`` in ``authored_anatomy.json`` for the forms a landmark takes. A bone
mesh made of several separate bones (``foot_bones``, ``hand_bones``) can name its pieces in the
data file's ``pieces`` table; a landmark with ``"piece"`` then works on that one bone alone. The
data file's ``landmarks`` table names landmarks used in several places (the centres of the elbow
and of the wrist); a landmark given as a plain string is looked up there. An ``around`` landmark
is a point at an angle round a limb's axis (between two landmarks), for muscles laid side by side
round the forearm; ``wrap`` with an ``axis`` then lays such a grid on the surface beneath it.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.geometry import contains_point, ray_hits
from ims_atlas.bake.foramina import surface_samples

#: Body directions on the right side (+X is the subject's left, so lateral is -X).
DIRECTIONS = {
    "lateral": (-1.0, 0.0, 0.0), "medial": (1.0, 0.0, 0.0), "anterior": (0.0, -1.0, 0.0),
    "posterior": (0.0, 1.0, 0.0), "superior": (0.0, 0.0, 1.0), "inferior": (0.0, 0.0, -1.0),
}
#: Spacing of the surface samples landmarks snap to (metres).
SAMPLE_SPACING = 0.0015
#: Share of a limb's axis over which a wrap round it fades out before its ``upto`` level.
UPTO_FADE = 0.08


def direction(text: str) -> np.ndarray:
    """``"posterior+superior"`` -> a unit vector in the mesh frame (right side)."""
    v = np.sum([DIRECTIONS[w.strip()] for w in text.split("+")], axis=0).astype(np.float64)
    return v / np.linalg.norm(v)


def body_vector(v: list[float]) -> np.ndarray:
    """``[lateral, posterior, superior]`` (right side) -> mesh-frame vector."""
    return np.array([-v[0], v[1], v[2]], dtype=np.float64)


class Landmarks:
    """Resolve landmark specs against the bones.

    Parameters
    ----------
    bones
        Bone id (``scapula_right``, ``skull`` ...) -> ``(points, faces)``.
    vertebrae
        Level -> ``(points, faces)``.
    vertebra_landmarks
        Level -> the vertebra's manifest landmarks.
    midline_x
        x of the mid-sagittal plane.
    pieces
        Bone name -> piece name -> a ``box`` point ``[u, v, w]`` of the whole bone mesh: the
        piece is the connected part of the mesh (one bone of the foot) nearest that point.
    named
        Landmark name -> spec (the data file's ``landmarks`` table): a spec that is a plain
        string is that named landmark.
    """

    def __init__(self, bones: dict, vertebrae: dict, vertebra_landmarks: dict, midline_x: float,
                 pieces: dict | None = None, named: dict | None = None) -> None:
        self._bones = bones
        self._vertebrae = vertebrae
        self._vlm = vertebra_landmarks
        self._mid = midline_x
        self._pieces = pieces or {}
        self._named = named or {}
        self._samples: dict[str, np.ndarray] = {}
        self._piece_meshes: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def bone_id(self, name: str) -> str:
        """The baked id of a bone named in the data (``scapula`` -> ``scapula_right``)."""
        for candidate in (f"{name}_right", name):
            if candidate in self._bones:
                return candidate
        raise KeyError(f"authored_anatomy.json: unknown bone {name!r}")

    def samples(self, bone_id: str) -> np.ndarray:
        """Points spread over a bone's (or a piece's, ``bone_id:piece``) surface (cached)."""
        if bone_id not in self._samples:
            p, f = self._mesh(bone_id)
            self._samples[bone_id] = surface_samples(p, f, SAMPLE_SPACING)
        return self._samples[bone_id]

    def target(self, spec: dict) -> str:
        """The mesh a landmark spec works on: ``scapula_right``, or ``foot_bones_right:calcaneus``."""
        bone = self.bone_id(spec["bone"])
        if "piece" not in spec:
            return bone
        name = spec["piece"]
        table = self._pieces.get(spec["bone"], {})
        if name not in table:
            raise KeyError(f"authored_anatomy.json: unknown piece {name!r} of {spec['bone']!r}")
        key = f"{bone}:{name}"
        if key not in self._piece_meshes:
            self._piece_meshes[key] = self._piece(bone, table[name])
        return key

    def _piece(self, bone_id: str, box: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """The connected part of a bone mesh nearest a point of its box."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        p, f = self._bones[bone_id]
        n = len(p)
        edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]]])
        _, labels = connected_components(coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)),
                                         directed=False)
        seed = self._to_box(bone_id, box)
        label = labels[np.argmin(np.linalg.norm(np.asarray(p) - seed, axis=1))]
        return p, f[labels[f[:, 0]] == label]

    def _box(self, bone_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Corners of the bone's box as (medial/anterior/bottom, lateral/posterior/top) in x, y, z."""
        s = self.samples(bone_id)
        lo, hi = s.min(axis=0), s.max(axis=0)
        medial = hi[0] if bone_id.split(":")[0].endswith("_right") else self._mid
        return np.array([medial, lo[1], lo[2]]), np.array([lo[0], hi[1], hi[2]])

    def _to_box(self, bone_id: str, uvw: np.ndarray) -> np.ndarray:
        a, b = self._box(bone_id)
        return a + np.asarray(uvw, dtype=np.float64) * (b - a)

    def point(self, spec: dict | str) -> np.ndarray:
        """The mesh-frame point a landmark spec names (right side)."""
        if isinstance(spec, str):
            if spec not in self._named:
                raise KeyError(f"authored_anatomy.json: unknown named landmark {spec!r}")
            return self.point(self._named[spec])
        if "around" in spec:
            p = self._around(spec)
        elif "between" in spec:
            a, b = (self.point(s) for s in spec["between"])
            p = a + float(spec.get("t", 0.5)) * (b - a)
        elif "vertebra" in spec:
            p = self._vertebra_point(spec["vertebra"], spec.get("at", "centroid"))
        else:
            bone = self.target(spec)
            s = self.samples(bone)
            if "hit" in spec:
                p = self._hit(bone, spec)
            elif "extreme" in spec:
                if "within" in spec:
                    a, b = self._box(bone)
                    rel = (s - a) / np.where(np.abs(b - a) > 1e-9, b - a, 1.0)
                    lo, hi = np.asarray(spec["within"], dtype=np.float64)
                    s = s[np.all((rel >= lo) & (rel <= hi), axis=1)]
                    if len(s) == 0:
                        raise ValueError(f"authored_anatomy.json: empty 'within' box on {bone}: {spec}")
                p = s[np.argmax(s @ direction(spec["extreme"]))]
            else:
                target = self._to_box(bone, spec["box"])
                p = s[np.argmin(np.linalg.norm(s - target, axis=1))]
        if spec.get("midline"):
            p = np.array(p, dtype=np.float64)
            p[0] = self._mid
        if "offset" in spec:
            p = p + body_vector(spec["offset"])
        return np.asarray(p, dtype=np.float64)

    def axis(self, specs: list) -> tuple[np.ndarray, np.ndarray]:
        """A limb's axis: the points of its two landmarks (proximal first)."""
        return self.point(specs[0]), self.point(specs[1])

    def _around(self, spec: dict) -> np.ndarray:
        """The point ``radius`` metres from a limb's axis (``around``: two landmarks, proximal
        first), at fraction ``t`` along it, at ``angle`` degrees round it: 0 lateral, 90
        posterior, -90 anterior, 180 medial (right side), in the plane square to the axis.
        """
        a, b = self.axis(spec["around"])
        along = (b - a) / np.linalg.norm(b - a)
        lateral = direction("lateral")
        lateral = lateral - along * float(lateral @ along)
        lateral /= np.linalg.norm(lateral)
        posterior = np.cross(along, lateral)
        if posterior @ direction("posterior") < 0:
            posterior = -posterior
        theta = np.radians(float(spec.get("angle", 0.0)))
        centre = a + float(spec.get("t", 0.0)) * (b - a)
        return centre + float(spec.get("radius", 0.03)) * (np.cos(theta) * lateral + np.sin(theta) * posterior)

    def mesh(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The ``(points, faces)`` of a bone named in the data (``foot_bones``)."""
        return self._mesh(self.bone_id(name))

    def _mesh(self, bone_id: str) -> tuple[np.ndarray, np.ndarray]:
        if bone_id.startswith("vertebra_"):
            return self._vertebrae[bone_id.split("_", 1)[1].upper()]
        if ":" in bone_id:
            return self._piece_meshes[bone_id]
        return self._bones[bone_id]

    def _hit(self, bone_id: str, spec: dict) -> np.ndarray:
        """The first surface point a ray travelling in direction ``hit`` meets, the ray passing
        through the ``box`` point and starting outside the bone's box (the outer surface seen
        from that side).
        """
        d = direction(spec["hit"])
        target = self._to_box(bone_id, spec["box"])
        lo, hi = self._box(bone_id)
        start = target - d * (2.0 * float(np.linalg.norm(hi - lo)) + 0.05)
        p, f = self._mesh(bone_id)
        p = np.asarray(p, dtype=np.float64)
        a = p[f[:, 0]]
        t = ray_hits(a, p[f[:, 1]] - a, p[f[:, 2]] - a, start, d)
        if np.all(np.isnan(t)):
            s = self.samples(bone_id)
            return s[np.argmin(np.linalg.norm(s - target, axis=1))]
        return start + float(np.nanmin(t)) * d

    def drape(self, grid: np.ndarray, bone_names: list[str], outward: np.ndarray, clearance: float,
              axis: tuple[np.ndarray, np.ndarray] | None = None, snap: float = 0.0) -> np.ndarray:
        """Lift the points of a fibre grid that lie inside (or closer than ``clearance`` to) a
        closed bone out along ``outward``, so a sheet lies on the bone instead of cutting through it.

        With an ``axis`` (two points), each point is lifted straight away from that line instead:
        a sheet wrapped round a long bone (the deltoid round the humeral head and shaft) is lifted
        outwards all round, not to one side. With ``snap`` (metres), a point outside the bone
        whose way back against ``outward`` meets the bone within half that distance is laid down
        on it too (partly, fading out, up to the whole distance): the sheet then follows a hollow
        (the temporal fossa, the ramus under the masseter) instead of bridging it.
        """
        grid = np.array(grid, dtype=np.float64)
        d0 = np.asarray(outward, dtype=np.float64)
        d0 = d0 / np.linalg.norm(d0)
        if axis is not None:
            a0 = np.asarray(axis[0], dtype=np.float64)
            along = np.asarray(axis[1], dtype=np.float64) - a0
            along = along / np.linalg.norm(along)
        for name in bone_names:
            bid = self.bone_id(name)
            p, f = self._mesh(bid)
            p = np.asarray(p, dtype=np.float64)
            a = p[f[:, 0]]
            e1, e2 = p[f[:, 1]] - a, p[f[:, 2]] - a
            s = self.samples(bid)
            flat = grid.reshape(-1, 3)
            for i, q in enumerate(flat):
                d = d0
                if axis is not None:
                    r = (q - a0) - np.dot(q - a0, along) * along
                    d = r / max(float(np.linalg.norm(r)), 1e-9)
                if contains_point(p, f, q):
                    t = ray_hits(a, e1, e2, q, d)
                    if not np.all(np.isnan(t)):
                        flat[i] = q + (float(np.nanmin(t)) + clearance) * d
                        continue
                if snap > 0.0:
                    t = ray_hits(a, e1, e2, q, -d)
                    if not np.all(np.isnan(t)) and float(np.nanmin(t)) < snap:
                        # All the way down within half the distance, fading to nothing at
                        # it, so the sheet bends onto the bone instead of stepping down.
                        gap = float(np.nanmin(t))
                        pull = min(1.0, 2.0 - 2.0 * gap / snap)
                        flat[i] = q - pull * (gap - clearance) * d
                        continue
                gap = float(np.linalg.norm(s - q, axis=1).min())
                if gap < clearance:
                    flat[i] = q + (clearance - gap) * d
            grid = flat.reshape(grid.shape)
        return grid

    def line(self, specs: list[dict]) -> np.ndarray:
        """Several landmarks as a polyline."""
        return np.array([self.point(s) for s in specs])

    def _vertebra_point(self, level: str, at: str) -> np.ndarray:
        lm = self._vlm[level]
        if at == "lamina":
            return np.array(lm["lamina_right"], dtype=np.float64)
        if at == "transverse_tip":
            p = self._vertebrae[level][0]
            return p[np.argmin(p[:, 0])].astype(np.float64)
        return np.array(lm[at], dtype=np.float64)

    def distance_to_bones(self, point: np.ndarray, bone_names: list[str]) -> float:
        """Distance from a point to the nearest surface sample of any named bone."""
        best = np.inf
        for name in bone_names:
            bid = f"vertebra_{name.lower()}" if name[:1] in "CTL" and name[1:].isdigit() else self.bone_id(name)
            s = self.samples(bid)
            best = min(best, float(np.linalg.norm(s - point, axis=1).min()))
        return best


def wrap(grid: np.ndarray, meshes: list[tuple[np.ndarray, np.ndarray]], outward: np.ndarray, clearance: float,
         relax: int = 4, ends: bool = False, reach: float = np.inf,
         axis: tuple[np.ndarray, np.ndarray] | None = None, upto: float = np.inf) -> np.ndarray:
    """Lay a fibre grid on the outer surface of some closed meshes, seen from ``outward``.

    Each point moves along ``outward`` to lie ``clearance`` outside the first surface a ray
    coming from far outside meets on the line through it (a point whose line meets nothing
    keeps its place). ``relax`` rounds of averaging each point's depth with its neighbours'
    (never deeper than the surface under it) then bridge the grooves between the meshes, as a
    taut membrane would: a fascia laid over the muscles under it. The first and last station of
    every fibre (the attachments) stay where they are, unless ``ends``: then they too are laid
    on the surface (but the averaging does not move them). No point is drawn further in than
    ``reach`` from where the grid put it: a groove between two muscles is bridged, not followed
    down to the bone at its floor.

    With an ``axis`` (two points on a limb's long axis) each point moves straight away from (or
    towards) that line instead of along one direction: a muscle laid round the forearm lies on
    the bones and deep muscles beneath it all the way round, and its depth is its distance from
    the axis. The rays then start just outside the limb (0.08 m out), so only the meshes near
    the grid count. Points further along the axis than ``upto`` (a share of the axis's length:
    1 at its second point) stay where they are (the tendons on the back of the hand, where the
    radial directions of the forearm mean nothing); the move fades out over ``UPTO_FADE`` of
    the axis before that, so a tendon runs on smoothly.
    """
    grid = np.array(grid, dtype=np.float64)
    m, n = grid.shape[:2]
    if axis is None:
        d = np.asarray(outward, dtype=np.float64)
        dirs = np.broadcast_to(d / np.linalg.norm(d), grid.shape)
        depth = grid @ -dirs[0, 0]  # how deep each point lies (larger: further inside)
        far = 0.25
    else:
        a0 = np.asarray(axis[0], dtype=np.float64)
        along = np.asarray(axis[1], dtype=np.float64) - a0
        along /= np.linalg.norm(along)
        r = (grid - a0) - ((grid - a0) @ along)[..., None] * along
        dist = np.linalg.norm(r, axis=-1)
        dirs = r / np.maximum(dist, 1e-9)[..., None]
        depth = -dist
        far = 0.08
        axial = ((grid - a0) @ along) / float(np.linalg.norm(np.asarray(axis[1], dtype=np.float64) - a0))
    lo, hi = grid.reshape(-1, 3).min(axis=0) - far - 0.01, grid.reshape(-1, 3).max(axis=0) + far + 0.01
    tris = []
    for p, f in meshes:
        p = np.asarray(p, dtype=np.float64)
        tri = p[np.asarray(f)]
        near = np.all((tri.max(axis=1) >= lo) & (tri.min(axis=1) <= hi), axis=1)
        a = tri[near, 0]
        tris.append((a, tri[near, 1] - a, tri[near, 2] - a))
    limit = depth.copy()
    weight = np.ones((m, n)) if axis is None else np.clip((upto - axial) / UPTO_FADE, 0.0, 1.0)
    pinned = weight <= 0.0
    for i in range(m):
        for j in range(0 if ends else 1, n if ends else n - 1):
            if pinned[i, j]:
                continue
            d = dirs[i, j]
            start = grid[i, j] + far * d
            hits = [np.nanmin(t) for t in (ray_hits(a, e1, e2, start, -d) for a, e1, e2 in tris)
                    if len(a) and not np.all(np.isnan(t))]
            if hits:
                limit[i, j] = min(depth[i, j] - far + min(hits) - clearance, depth[i, j] + reach)
    h = limit.copy()
    for _ in range(int(relax)):
        padded = np.pad(h, ((1, 1), (0, 0)), mode="edge")
        avg = (padded[:-2, 1:-1] + padded[2:, 1:-1] + h[:, :-2] + h[:, 2:]) / 4.0
        h[:, 1:-1] = np.where(pinned[:, 1:-1], limit[:, 1:-1], np.minimum(avg, limit[:, 1:-1]))
    return grid + ((depth - h) * weight)[..., None] * dirs
