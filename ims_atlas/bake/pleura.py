"""The pleural sacs and lungs, authored from surface-anatomy landmarks on the baked ribcage.

Each side is one closed surface lofted round a vertical axis through its half of the chest:

* the **wall** is the inner surface of the ribs, costal cartilages and vertebral bodies (the
  innermost bone point in each direction and height band), bridged across the intercostal
  spaces and, medially, across the mediastinum (which the bones do not bound: the mediastinal
  surface is drawn as the smooth bridge between the back of the sternum and the side of the
  vertebral bodies; the hollows the heart and great vessels make in it are not modelled);
* the **floor** meets the wall along the lower border the data file gives by rib at three
  lines (midclavicular, midaxillary, paravertebral) and by vertebral level beside the sternum,
  and rises inward to the dome of the diaphragm;
* the **top** rises from the first rib's inner border to the apex, above the medial third of
  the clavicle by the sourced height.

The parietal pleura lies ``wall_gap`` inside the bones; the lung lies ``inside_pleura`` inside
the pleura with its own lower border. NumPy and SciPy only; every number comes from the data
file (``organs.json``), whose ``sources`` name the references.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ims_atlas.bake.solids import loft

#: Directions round each side's axis, and samples along each direction's profile.
ANGLES = 96
FLOOR_SAMPLES = 8
WALL_SAMPLES = 28
TOP_SAMPLES = 8
#: Height band of the wall grid (metres): bone points this close in height share a row.
BAND = 0.004
#: The paravertebral line's distance from the midline (metres): over the tips of the thoracic
#: transverse processes, 3-4 cm lateral (drawing value between them).
PARAVERTEBRAL = 0.035
#: The floor is flat over this share of the radius round the dome's centre.
DOME_FLAT = 0.25


@dataclass(frozen=True)
class Chest:
    """One side's bones, in the mesh frame (``lat`` of a point = its distance from the midline
    towards this side).
    """

    side: str
    midline_x: float
    ribs: list[np.ndarray]  # rib 1..12, points
    cartilage: np.ndarray  # sternum and costal cartilages, points
    cartilage_faces: np.ndarray
    cartilage_all: np.ndarray  # every cartilage point (both sides) for the geodesic
    vertebrae: dict[str, np.ndarray]  # level -> points
    vertebra_landmarks: dict[str, dict]
    clavicle: np.ndarray
    scapula: np.ndarray
    ribcage: np.ndarray  # every point of the ribcage (both sides), for its convex hull
    bone_samples: np.ndarray  # points spread over the ribs, cartilages and vertebrae
    heart: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))  # points filling the heart

    @property
    def sign(self) -> float:
        """-1 on the right (+X is the subject's left), +1 on the left."""
        return -1.0 if self.side == "right" else 1.0

    def lat(self, points: np.ndarray) -> np.ndarray:
        """Distance of points from the midline towards this side (negative across it)."""
        return self.sign * (np.asarray(points)[..., 0] - self.midline_x)

    def hull(self) -> tuple[np.ndarray, float]:
        """The whole ribcage's convex hull (planes, inside <= 0) and the height of the thoracic
        inlet (the first rib's mean height), above which the hull's section there bounds the dome.
        """
        from scipy.spatial import ConvexHull

        return ConvexHull(self.ribcage).equations, float(self.ribs[0][:, 2].mean())


# -- landmarks on the bones ----------------------------------------------------------------------

def midclavicular_lat(chest: Chest) -> float:
    """The midclavicular line: midway between the jugular notch (midline) and the acromion tip
    (the scapula's most lateral point in its top 4 cm).
    """
    top = chest.scapula[chest.scapula[:, 2] > chest.scapula[:, 2].max() - 0.04]
    return float(chest.lat(top).max()) / 2.0


def midaxillary_y(chest: Chest) -> float:
    """The midaxillary line's front-back place: the mean of the ribs' most lateral points (3-8)."""
    ys = [r[np.argmax(chest.lat(r))][1] for r in chest.ribs[2:8]]
    return float(np.mean(ys))


def _cartilage_z(chest: Chest, rib: np.ndarray, lat_line: float) -> float:
    """Height at ``lat_line`` of the costal cartilage that continues ``rib`` (walked along the
    cartilage mesh from the rib's front end to the first point medial to the line).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    pts, faces = chest.cartilage_all, chest.cartilage_faces
    end = rib[np.argmin(rib[:, 1])]
    start = int(np.argmin(np.linalg.norm(pts - end, axis=1)))
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    w = np.linalg.norm(pts[e[:, 0]] - pts[e[:, 1]], axis=1)
    graph = coo_matrix((w, (e[:, 0], e[:, 1])), shape=(len(pts), len(pts))).tocsr()
    dist = dijkstra(graph, directed=False, indices=start)
    lat = chest.lat(pts)
    ok = np.isfinite(dist) & (lat <= lat_line) & (lat >= lat_line - 0.01)
    if not ok.any():
        raise ValueError(f"organs: no costal cartilage reaches the midclavicular line from a {chest.side} rib")
    return float(pts[np.flatnonzero(ok)[np.argmin(dist[ok])], 2])


def rib_height(chest: Chest, rib_number: int, line: str) -> float:
    """Height (z) at which rib ``rib_number`` crosses a surface line (``midclavicular``,
    ``midaxillary`` or ``paravertebral``).
    """
    rib = chest.ribs[rib_number - 1]
    lat = chest.lat(rib)
    if line == "midclavicular":
        x = midclavicular_lat(chest)
        near = rib[(np.abs(lat - x) < 0.006) & (rib[:, 1] < np.median(rib[:, 1]))]
        return float(near[:, 2].mean()) if len(near) else _cartilage_z(chest, rib, x)
    if line == "midaxillary":
        y = midaxillary_y(chest)
        near = rib[(np.abs(rib[:, 1] - y) < 0.008) & (lat > 0.5 * lat.max())]
        if not len(near):
            raise ValueError(f"organs: the {chest.side} rib {rib_number} does not reach the midaxillary line")
        return float(near[:, 2].mean())
    if line in ("paravertebral", "vertebral"):
        near = rib[(np.abs(lat - PARAVERTEBRAL) < 0.008) & (rib[:, 1] > np.median(rib[:, 1]))]
        if not len(near):
            near = rib[lat < np.percentile(lat, 30)]
        return float(near[:, 2].mean())
    raise ValueError(f"organs: unknown surface line {line!r}")


def level_height(chest: Chest, spec: str) -> float:
    """``"T10 spinous"``, ``"T9/T10 disc"``, ``"T12 inferior"`` -> a height on the baked spine."""
    words = spec.split()
    if "/" in words[0]:
        upper, lower = words[0].split("/")
        return 0.5 * (chest.vertebra_landmarks[upper]["inferior"][2] + chest.vertebra_landmarks[lower]["superior"][2])
    key = {"spinous": "spinous_tip", "superior": "superior", "inferior": "inferior", "centroid": "centroid"}[words[1]]
    return float(chest.vertebra_landmarks[words[0]][key][2])


#: The surface line each lower-border control's rib is read at.
LINE_OF = {"sternal": "midclavicular", "midclavicular": "midclavicular", "midaxillary": "midaxillary",
           "paravertebral": "paravertebral", "vertebral": "vertebral"}


def border_height(chest: Chest, spec: dict | str, line: str) -> float:
    """A lower-border control: ``{"rib": 8}`` (at ``line``) or a vertebral level string."""
    if isinstance(spec, dict):
        if "between_ribs" in spec:
            a, b = spec["between_ribs"]
            return 0.5 * (rib_height(chest, a, line) + rib_height(chest, b, line))
        return rib_height(chest, int(spec["rib"]), line)
    return level_height(chest, spec)


def apex(chest: Chest, above: float) -> np.ndarray:
    """The apex: ``above`` metres over the top of the clavicle's medial third, at the middle of
    that third (side to side) and over the middle of the first rib's ring (front to back).
    """
    cl = chest.clavicle
    lat = chest.lat(cl)
    lo, hi = lat.min(), lat.max()
    third = cl[lat <= lo + (hi - lo) / 3.0]
    mid_lat = lo + (hi - lo) / 6.0
    rib1 = chest.ribs[0]
    y = 0.5 * (rib1[:, 1].min() + rib1[:, 1].max())
    return np.array([chest.midline_x + chest.sign * mid_lat, y, third[:, 2].max() + above])


# -- the wall grid -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wall:
    """Inner radius of the chest wall round an axis: ``radius[i, j]`` at height ``z[i]`` and
    angle ``theta[j]``; ``top[j]`` the highest height with bone at that angle.
    """

    z: np.ndarray
    theta: np.ndarray
    centre: np.ndarray  # (len(z), 2) axis x, y at each height
    radius: np.ndarray
    top: np.ndarray
    bottom: float

    def at(self, j: int, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Radius and axis centre at angle index ``j`` and heights ``z``."""
        r = np.interp(z, self.z, self.radius[:, j])
        c = np.stack([np.interp(z, self.z, self.centre[:, k]) for k in range(2)], axis=1)
        return r, c


def _fill_periodic(values: np.ndarray) -> np.ndarray:
    """NaNs of a periodic 1-D array filled by linear interpolation between known neighbours."""
    n = len(values)
    known = np.flatnonzero(np.isfinite(values))
    if len(known) == 0:
        return values
    idx = np.arange(n)
    xs = np.concatenate([known - n, known, known + n])
    ys = np.tile(values[known], 3)
    return np.interp(idx, xs, ys)


def _smooth_rows(a: np.ndarray, passes: int) -> np.ndarray:
    for _ in range(passes):
        a = 0.25 * np.roll(a, 1, axis=1) + 0.5 * a + 0.25 * np.roll(a, -1, axis=1)
        b = a.copy()
        b[1:-1] = 0.25 * a[:-2] + 0.5 * a[1:-1] + 0.25 * a[2:]
        a = b
    return a


def wall(chest: Chest, floor_z: float) -> Wall:
    """The chest wall's inner surface on this side, from ``floor_z`` to the first rib."""
    ribs = np.vstack(chest.ribs)
    cart = chest.cartilage[chest.lat(chest.cartilage) >= -0.001]
    verts = [p[chest.lat(p) >= 0.0] for p in chest.vertebrae.values()]
    points = np.vstack([ribs, cart] + verts)
    top = float(ribs[:, 2].max())
    z = np.arange(floor_z - 0.01, top + BAND, BAND)
    centre = np.zeros((len(z), 2))
    rib_lat = chest.lat(ribs)
    for i, zi in enumerate(z):
        band = ribs[(np.abs(ribs[:, 2] - zi) < 0.012) & (rib_lat > 0.012)]
        if len(band) < 8:
            band = ribs[np.argsort(np.abs(ribs[:, 2] - zi))[:40]]
        lat_c = 0.5 * (chest.lat(band).max() + max(chest.lat(band).min(), 0.02))
        centre[i] = (chest.midline_x + chest.sign * lat_c, 0.5 * (band[:, 1].min() + band[:, 1].max()))
    for k in range(2):
        centre[:, k] = np.convolve(np.pad(centre[:, k], 4, mode="edge"), np.ones(9) / 9, mode="valid")
    theta = np.linspace(0.0, 2 * np.pi, ANGLES, endpoint=False)
    radius = np.full((len(z), ANGLES), np.nan)
    row = np.clip(np.round((points[:, 2] - z[0]) / BAND).astype(int), -1, len(z))
    for i in range(len(z)):
        p = points[row == i]
        if not len(p):
            continue
        d = p[:, :2] - centre[i]
        ang = np.mod(np.arctan2(d[:, 1], d[:, 0]), 2 * np.pi)
        col = np.round(ang / (2 * np.pi / ANGLES)).astype(int) % ANGLES
        r = np.hypot(d[:, 0], d[:, 1])
        for j in np.unique(col):
            radius[i, j] = r[col == j].min()
    tops = np.full(ANGLES, np.nan)
    for j in range(ANGLES):
        known = np.flatnonzero(np.isfinite(radius[:, j]))
        if len(known):
            tops[j] = z[known.max()]
            radius[:, j] = np.interp(z, z[known], radius[known, j])
    tops = _fill_periodic(tops)
    for i in range(len(z)):
        radius[i] = _fill_periodic(radius[i])
    if len(chest.heart):
        # The heart bounds the mediastinal surface where it lies (the rows of its height only).
        hrow = np.round((chest.heart[:, 2] - z[0]) / BAND).astype(int)
        for i in np.unique(hrow[(hrow >= 0) & (hrow < len(z))]):
            d = chest.heart[hrow == i][:, :2] - centre[i]
            col = np.round(np.mod(np.arctan2(d[:, 1], d[:, 0]), 2 * np.pi) / (2 * np.pi / ANGLES)).astype(int) % ANGLES
            r = np.hypot(d[:, 0], d[:, 1])
            for j in np.unique(col):
                radius[i, j] = min(radius[i, j], r[col == j].min())
    radius = _smooth_rows(radius, 3)
    return Wall(z=z, theta=theta, centre=centre, radius=radius, top=tops, bottom=float(z[0]))


# -- the surfaces --------------------------------------------------------------------------------

def _angle_of_lines(chest: Chest, w: Wall) -> dict[str, float]:
    """Angles round the axis (at mid-chest height) of the surface lines and the two medial ends."""
    i = len(w.z) // 2
    cx, cy = w.centre[i]
    s = chest.sign
    mcl_x = chest.midline_x + s * midclavicular_lat(chest)
    front = float(chest.cartilage[:, 1].min())
    back = float(np.vstack(chest.ribs)[:, 1].max())
    lateral = float(np.vstack(chest.ribs)[:, 0].min() if s < 0 else np.vstack(chest.ribs)[:, 0].max())
    para_x = chest.midline_x + s * 0.03

    def ang(x: float, y: float) -> float:
        return float(np.mod(np.arctan2(y - cy, x - cx), 2 * np.pi))

    return {"midclavicular": ang(mcl_x, front), "midaxillary": ang(lateral, midaxillary_y(chest)),
            "paravertebral": ang(para_x, back), "sternal": ang(chest.midline_x, front),
            "vertebral": ang(chest.midline_x, cy + 0.6 * (back - cy))}


def border_line(chest: Chest, w: Wall, border: dict) -> np.ndarray:
    """Height of the lower border at each of the wall's angles, interpolated (round the side's
    axis) between the controls: sternal, midclavicular, midaxillary, paravertebral, vertebral.
    """
    lines = _angle_of_lines(chest, w)
    order = ["sternal", "midclavicular", "midaxillary", "paravertebral", "vertebral"]
    angles = np.array([lines[k] for k in order])
    heights = np.array([border_height(chest, border[k], LINE_OF[k]) for k in order])
    # Angles measured one way round from the sternal control (towards the midclavicular line);
    # across the mediastinum (from the vertebral control back to the sternal) the border runs
    # straight between the two.
    a0 = angles[0]
    way = 1.0 if np.sin(angles[1] - a0) > 0 else -1.0
    span = np.mod((angles - a0) * way, 2 * np.pi)
    if not np.all(np.diff(span) > 0):
        raise ValueError(f"organs: the {chest.side} lower-border controls do not run round the chest in order")
    t = np.mod((w.theta - a0) * way, 2 * np.pi)
    return np.interp(t, np.concatenate([span, [2 * np.pi]]), np.concatenate([heights, heights[:1]]))


def sac(chest: Chest, w: Wall, floor: np.ndarray, dome_z: float, apex_point: np.ndarray,
        inset: float, hull: tuple[np.ndarray, float] | None = None, extra: float = 0.0
        ) -> tuple[np.ndarray, np.ndarray]:
    """One closed surface: floor (dome to ``floor``), wall (``inset`` inside the bones), top.

    ``extra`` shrinks the wall and top by that much more (the lung inside its pleura: the same
    wall and dome, so one lies inside the other). The surface is then kept inside ``hull`` (the
    ribcage's convex hull planes and top height, see :func:`within`) and ``inset + extra`` clear
    of every bone (``chest.bone_samples``).
    """
    rings = np.zeros((FLOOR_SAMPLES + WALL_SAMPLES + TOP_SAMPLES, ANGLES, 3))
    for j, th in enumerate(w.theta):
        u = np.array([np.cos(th), np.sin(th)])
        zf, zt = float(floor[j]), float(max(w.top[j] - inset, floor[j] + 0.01))
        # Floor: from near the axis (flat dome) out to the wall, falling to the border.
        rho = np.linspace(0.12, 1.0, FLOOR_SAMPLES)
        g = np.clip((rho - DOME_FLAT) / (1.0 - DOME_FLAT), 0.0, 1.0) ** 2
        zs = dome_z + (zf - dome_z) * g
        r, c = w.at(j, zs)
        floor_pts = np.column_stack([c + (rho * (r - inset - extra))[:, None] * u, zs])
        # Wall: from the border up to the top of the bone at this angle.
        zs = np.linspace(zf, zt, WALL_SAMPLES + 1)[1:]
        r, c = w.at(j, zs)
        wall_pts = np.column_stack([c + (r - inset - extra)[:, None] * u, zs])
        # Top: a quarter ellipse from the wall's top to the apex.
        s = np.linspace(0.0, 1.0, TOP_SAMPLES + 2)[1:-1]
        start = wall_pts[-1]
        k = np.cos(s * np.pi / 2)[:, None]
        xy = apex_point[:2] + (start[:2] - apex_point[:2]) * k
        zz = start[2] + (apex_point[2] - extra - start[2]) * np.sin(s * np.pi / 2)
        top_pts = np.column_stack([xy, zz])
        rings[:, j] = np.vstack([floor_pts, wall_pts, top_pts])
    flat = rings.reshape(-1, 3)
    _, axis = w.at(0, np.minimum(flat[:, 2], w.z[-1]))
    anchors = np.column_stack([axis, flat[:, 2]])
    if hull is not None:
        flat = within(flat, anchors, hull, inset + extra)
    grid = clear_of_bone(flat.reshape(rings.shape), anchors.reshape(rings.shape), chest.bone_samples, inset + extra)
    return loft(grid)


def clear_of_bone(grid: np.ndarray, anchors: np.ndarray, bone: np.ndarray, clearance: float,
                  step: float = 0.0003, rounds: int = 60) -> np.ndarray:
    """Points of a ring grid ``(n, k, 3)`` moved towards their anchors until every point, and the
    middle of every cell and of every edge between them, lies ``clearance`` clear of the bone
    samples (so the facets, not only their corners, keep off the ribs).
    """
    from scipy.spatial import cKDTree

    if not len(bone):
        return grid
    tree = cKDTree(bone)
    out = grid.copy()
    for _ in range(rounds):
        nxt = np.roll(out, -1, axis=1)
        probes = [(out, [(0, 0)]),
                  (0.5 * (out[:-1] + out[1:]), [(0, 0), (1, 0)]),
                  (0.5 * (out + nxt), [(0, 0), (0, 1)]),
                  (0.25 * (out[:-1] + out[1:] + nxt[:-1] + nxt[1:]), [(0, 0), (1, 0), (0, 1), (1, 1)])]
        close = np.zeros(out.shape[:2], dtype=bool)
        for pts, corners in probes:
            d, _ = tree.query(pts.reshape(-1, 3), distance_upper_bound=clearance)
            hit = (d < clearance).reshape(pts.shape[:2])
            for di, dj in corners:
                rows = np.arange(hit.shape[0]) + di
                close[rows[:, None], (np.arange(hit.shape[1]) + dj) % out.shape[1]] |= hit
        if not close.any():
            break
        v = anchors[close] - out[close]
        n = np.linalg.norm(v, axis=1, keepdims=True)
        out[close] += np.where(n > step, v / np.maximum(n, 1e-12) * step, v)
    return out


def within(points: np.ndarray, anchors: np.ndarray, hull: tuple[np.ndarray, float], inset: float) -> np.ndarray:
    """Each point moved towards its anchor (on the side's axis) until it lies ``inset`` inside
    the ribcage's convex hull; above the thoracic inlet, inside the hull's section at the inlet
    (the first rib's height), so the dome rises through the inlet into the neck.
    """
    planes, inlet = hull

    def excess(q: np.ndarray) -> np.ndarray:
        qq = q.copy()
        qq[:, 2] = np.minimum(qq[:, 2], inlet)
        return (qq @ planes[:, :3].T + planes[:, 3]).max(axis=1) + inset

    lo, hi = np.zeros(len(points)), np.ones(len(points))
    ok = excess(points) <= 0
    hi[ok] = lo[ok] = 1.0
    for _ in range(24):
        mid = 0.5 * (lo + hi)
        inside = excess(anchors + mid[:, None] * (points - anchors)) <= 0
        lo = np.where(inside, mid, lo)
        hi = np.where(inside, hi, mid)
    return anchors + lo[:, None] * (points - anchors)
