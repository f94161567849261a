"""A myo-sim muscle column (erector spinae, quadratus lumborum, psoas, lumbar multifidus) as one closed solid
around all of its fascicles.

myo-sim draws these as bundles of thin lines of action stacked over each other (the
longissimus's 26 fascicles a side run side by side *and* overlap along the spine), so a sheet
through them would fold on itself. Instead the bundle is sliced square to its main axis; each
slice's outline is the convex outline of the fascicles there (where they cross the slice, and
every point of them within the slab it stands for) plus a margin, so every fascicle lies
inside. The outlines are smoothed along the axis (widened first, never shrunk), kept off the
mid-sagittal plane so the spinous processes stay in view, and lofted into a closed solid.
Plain NumPy and SciPy; deterministic.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.bake.solids import loft
from ims_atlas.bake.tubes import resample, smooth

#: Slices along the column and points around each slice.
SLICES = 24
SIDES = 16
#: Margin around the fascicles (metres): half the radius the summed cross-section would have
#: as one round belly, kept between these limits.
MARGIN_LIMITS = (0.003, 0.01)
#: Share of the margin kept at the two end slices.
END_WIDTH = 0.45
#: Closest a column comes to the mid-sagittal plane (metres).
MIDLINE_GAP = 0.005


def _crossings(path: np.ndarray, heights: np.ndarray, level: float) -> np.ndarray:
    """Points where a polyline (with ``heights`` along the axis) crosses the slice ``level``."""
    a, b = heights[:-1], heights[1:]
    hit = np.flatnonzero((a - level) * (b - level) <= 0.0)
    out = []
    for i in hit:
        span = b[i] - a[i]
        t = 0.5 if abs(span) < 1e-12 else (level - a[i]) / span
        out.append(path[i] + t * (path[i + 1] - path[i]))
    return np.array(out).reshape(-1, 3)


def _outline(flat: np.ndarray, directions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and distance to the convex outline of 2-D points along each direction.

    Where the points span no area (one or two fascicles, or all in a line) the support
    function stands in for the outline.
    """
    from scipy.spatial import ConvexHull, QhullError

    centre = 0.5 * (flat.min(axis=0) + flat.max(axis=0))
    support = np.maximum((flat - centre) @ directions.T, 0.0).max(axis=0)
    if len(flat) < 3:
        return centre, support
    try:
        hull = ConvexHull(flat)
    except QhullError:
        return centre, support
    poly = flat[hull.vertices]
    centre = poly.mean(axis=0)
    a, b = poly, np.roll(poly, -1, axis=0)
    edge = b - a
    # Ray centre + t * d meets edge a + s * (b - a): solve [d, -(b - a)] [t, s] = a - centre.
    det = directions[:, None, 0] * -edge[None, :, 1] + directions[:, None, 1] * edge[None, :, 0]
    rel = a - centre
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (rel[None, :, 0] * -edge[None, :, 1] + rel[None, :, 1] * edge[None, :, 0]) / det
        s_ = (directions[:, None, 0] * rel[None, :, 1] - directions[:, None, 1] * rel[None, :, 0]) / det
    ok = (np.abs(det) > 1e-15) & (s_ >= -1e-9) & (s_ <= 1 + 1e-9) & (t >= 0)
    reach = np.where(ok, t, 0.0).max(axis=1)
    return centre, reach


def column(paths: list[np.ndarray], forces: list[float], specific_tension: float,
           midline: tuple[float, float] | None = None, fan: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One closed solid around the fascicle ``paths`` (origin first or not; any number >= 1).

    Parameters
    ----------
    paths
        myo-sim's computed paths.
    forces
        Each fascicle's peak isometric force (N): their sum over ``specific_tension`` (N/m^2)
        sets the margin around the bundle.
    specific_tension
        Force per cross-section (N/m^2).
    midline
        ``(x, sign)``: the mid-sagittal plane and the muscle's side (+1 left, -1 right); the
        solid is kept ``MIDLINE_GAP`` off the plane. None: no limit.
    fan
        The fascicles spread from one end like a fan (one level of the lumbar multifidus, from
        one spinous process to several levels below), so a slice cuts a thin sliver whose tips
        rays from its centre miss: each slice's outline is then the polygon of its support lines
        (it holds the whole convex outline, tips and all), moved out by the margin, and it is
        widened along the axis but not smoothed (the slices' centres move sideways).

    Returns
    -------
    tuple of numpy.ndarray
        ``(points, faces)``, closed and oriented outwards.
    """
    dense = [resample(smooth(np.asarray(p, dtype=np.float64)), 48) for p in paths]
    every = np.vstack(dense)
    middle = every.mean(axis=0)
    _, _, vt = np.linalg.svd(every - middle, full_matrices=False)
    axis = vt[0] if vt[0][2] >= 0 else -vt[0]  # a fixed sense, the same on both sides
    u = np.cross(axis, [1.0, 0.0, 0.0] if abs(axis[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(axis, u)
    heights = [(p - middle) @ axis for p in dense]
    along = (every - middle) @ axis
    low, high = float(along.min()), float(along.max())
    step = (high - low) / SLICES
    levels = np.linspace(low + 0.5 * step, high - 0.5 * step, SLICES)
    angles = np.linspace(0.0, 2.0 * np.pi, SIDES, endpoint=False)
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    centres, reach = np.empty((SLICES, 2)), np.empty((SLICES, SIDES))
    for k, level in enumerate(levels):
        # Where each fascicle crosses the slice, and every point of it within the slab the
        # slice stands for (a short fascicle across the axis may cross no slice at all).
        cut = [_crossings(p, h, level) for p, h in zip(dense, heights, strict=True)]
        slab = every[np.abs(along - level) <= 0.5 * step]
        pts = np.vstack(cut + [slab])
        if len(pts) == 0:  # cannot happen inside the range, but keep the slice well defined
            pts = every[np.argsort(np.abs(along - level))[:3]]
        flat = np.stack([(pts - middle) @ u, (pts - middle) @ v], axis=1)
        if fan:
            centres[k] = 0.5 * (flat.min(axis=0) + flat.max(axis=0))
            reach[k] = np.maximum((flat - centres[k]) @ directions.T, 0.0).max(axis=0)
        else:
            centres[k], reach[k] = _outline(flat, directions)
    from scipy.ndimage import gaussian_filter1d, maximum_filter1d

    # Smooth along the axis without letting any fascicle out: widen first, then smooth.
    reach = maximum_filter1d(reach, 3, axis=0, mode="nearest")
    if not fan:
        reach = gaussian_filter1d(reach, 1.0, axis=0, mode="nearest")
    margin = float(np.clip(0.5 * np.sqrt(np.sum(forces) / specific_tension / np.pi), *MARGIN_LIMITS))
    # The margin narrows towards the ends (the outline itself never shrinks: every fascicle,
    # and so a catalog epicentre on one, stays inside).
    t = np.linspace(0.0, 1.0, SLICES)
    taper = END_WIDTH + (1.0 - END_WIDTH) * np.sqrt(np.sin(np.pi * t))
    radii = reach + margin * taper[:, None]
    if fan:
        # Corners where neighbouring support lines x . d_i = r_i and x . d_i+1 = r_i+1 meet.
        nxt = np.roll(directions, -1, axis=0)
        det = directions[:, 0] * nxt[:, 1] - directions[:, 1] * nxt[:, 0]
        r1, r2 = radii, np.roll(radii, -1, axis=1)
        corners = np.stack([(r1 * nxt[:, 1] - r2 * directions[:, 1]) / det,
                            (r2 * directions[:, 0] - r1 * nxt[:, 0]) / det], axis=-1)
        ring2d = centres[:, None, :] + corners
    else:
        ring2d = centres[:, None, :] + radii[..., None] * directions[None]
    rings = middle + levels[:, None, None] * axis + ring2d[..., :1] * u + ring2d[..., 1:] * v
    if midline is not None:
        # Keep to the muscle's own side, clear of the spinous processes.
        x, sign = midline
        rings[..., 0] = x + sign * np.maximum(sign * (rings[..., 0] - x), MIDLINE_GAP)
    return loft(rings)
