"""A broad myo-sim muscle as one continuous sheet that fills the space between its fascicles.

myo-sim draws a broad muscle (gluteus maximus, latissimus dorsi, the obliques) as a few
separate lines of action. Here the fascicles of one muscle (or one head) are turned the same
way, origin first, ordered across the muscle, resampled to the same number of stations and
joined by a smooth spline across, which gives a fibre grid ``(fibres, stations, 3)`` that
passes through every fascicle. Where the fascicles converge on one tendon the grid becomes a
flat band of a tendon's width (:func:`widen_tendons`); where myo-sim's straight lines cut
inside the chest the grid is lifted onto the ribcage's hull (:func:`lift_off_wall`). A muscle
myo-sim draws with only a few fascicles gets more fibres between them (MIN_FIBRES), the grid
is smoothed and its corners rounded off (:func:`round_corners`), so the sheet curves instead of
showing facets and points. The authored-muscle generator :func:`solids.sheet` then gives the
grid its thickness (from the summed peak force) away from the bones beneath, thinning to a
rounded lip at the free borders, closing the ends with strips rather than fans so a sheet
curved across cannot fold. Plain NumPy and SciPy; deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ims_atlas.bake.solids import rounded_profile, sheet, smooth_grid
from ims_atlas.bake.tubes import belly_profile, resample, smooth

#: Points along every fibre, origin to insertion.
STATIONS = 28
#: Extra fibres interpolated in each gap between neighbouring fascicles.
FIBRES_PER_GAP = 4
#: Fewest fibres across a sheet: a muscle myo-sim draws with three fascicles (the glutei,
#: latissimus dorsi, pectoralis major) gets more in each gap, so it curves smoothly across
#: instead of in a few broad facets.
MIN_FIBRES = 17
#: Rounds of grid smoothing (:func:`solids.smooth_grid`, ends held): takes out the kinks of
#: myo-sim's wrapped paths and of the tendon blending, which showed as creases.
SMOOTHING = 2
#: Peak sheet thickness is kept between these (metres): a broad muscle is a few millimetres
#: (the obliques) to about two centimetres (gluteus maximus) thick.
THICKNESS_LIMITS = (0.003, 0.02)
#: Narrowest a sheet gets where its fascicles converge on one tendon: this share of its
#: widest station, and never under 12 mm, so the tendon stays a flat band, not a line.
TENDON_WIDTH_SHARE = 0.15
MIN_TENDON_WIDTH = 0.012
#: Relative thickness at the tendons and at the free borders (see :func:`solids.sheet`). The
#: borders are rounded (:func:`solids.rounded_profile`): the sheet thins over the outer RIM
#: share of its width to EDGE, a round lip rather than a cut wall.
TENDON = 0.15
EDGE = 0.1
RIM = 0.3
#: The four corners of a sheet (where a free border meets an attachment) are rounded off:
#: over CORNER_LENGTH of the length at each end the rows narrow towards the centre fibre, by
#: up to CORNER_CUT of their half-width at the very end, along a quarter circle.
CORNER_LENGTH = 0.15
CORNER_CUT = 0.25
#: Gap kept between a sheet and the chest wall (metres), and the share of the length at each
#: end over which the lift off the wall fades out, so the ends stay on their bones.
WALL_CLEARANCE = 0.003
PINNED_ENDS = 0.15
#: Share of the thickness put on the deep side of the fibre grid. myo-sim's paths run over
#: the bones' surfaces (their wrap objects), so most of the thickness goes outwards.
BIAS = 0.25


@dataclass(frozen=True)
class Sheet:
    """One closed sheet and its fibre grid ``(fibres, stations, 3)``, origin first."""

    points: np.ndarray
    faces: np.ndarray
    grid: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        """The middle fibre: origin first, along the centre of the belly."""
        return self.grid[len(self.grid) // 2]


def same_way(paths: list[np.ndarray], reference: np.ndarray) -> list[np.ndarray]:
    """Each path turned to run the same way as ``reference`` (myo-sim mixes both ways)."""
    out = []
    for p in paths:
        kept = np.linalg.norm(p[0] - reference[0]) + np.linalg.norm(p[-1] - reference[-1])
        turned = np.linalg.norm(p[-1] - reference[0]) + np.linalg.norm(p[0] - reference[-1])
        out.append(p[::-1].copy() if turned < kept else p)
    return out


def origin_first(paths: list[np.ndarray], origin_end: str, midline_x: float) -> list[np.ndarray]:
    """Paths that already run the same way, all turned so the origin comes first.

    ``origin_end`` says which end is the origin: ``"medial"`` (nearer the midline on average,
    e.g. latissimus dorsi from the spine) or ``"lateral"`` (the obliques from the ribs and crest).
    """
    start = np.mean([abs(p[0][0] - midline_x) for p in paths])
    end = np.mean([abs(p[-1][0] - midline_x) for p in paths])
    medial_first = start <= end
    if medial_first != (origin_end == "medial"):
        return [p[::-1].copy() for p in paths]
    return paths


def across_order(stations: np.ndarray) -> np.ndarray:
    """Order of fascicles ``(k, n, 3)`` across the sheet.

    The fascicles of a broad muscle lie side by side, so the main way they differ is where
    across the muscle they run: the first principal component of the whole resampled paths.
    The order is turned so the first fascicle is the highest (the same on both sides).
    """
    flat = stations.reshape(len(stations), -1)
    flat = flat - flat.mean(axis=0)
    _, _, vt = np.linalg.svd(flat, full_matrices=False)
    order = np.argsort(flat @ vt[0], kind="stable")
    if stations[order[0]][:, 2].mean() < stations[order[-1]][:, 2].mean():
        order = order[::-1]
    return order


def fibre_grid(stations: np.ndarray, per_gap: int = FIBRES_PER_GAP) -> np.ndarray:
    """Fibres ``(m, n, 3)`` through ordered fascicles ``(k, n, 3)`` and between them.

    A natural cubic spline across, over the mean distance between neighbouring fascicles, so
    the sheet is smooth across and passes through every fascicle (fibre ``i * per_gap``).
    """
    from scipy.interpolate import CubicSpline

    k = len(stations)
    gaps = np.linalg.norm(np.diff(stations, axis=0), axis=2).mean(axis=1)
    u = np.concatenate([[0.0], np.cumsum(np.maximum(gaps, 1e-6))])
    t = np.concatenate([np.linspace(u[i], u[i + 1], per_gap + 1)[:-1] for i in range(k - 1)] + [u[-1:]])
    if k == 2:
        w = ((t - u[0]) / (u[1] - u[0]))[:, None, None]
        return (1.0 - w) * stations[0][None] + w * stations[1][None]
    return CubicSpline(u, stations, axis=0, bc_type="natural")(t)


def widen_tendons(grid: np.ndarray) -> np.ndarray:
    """Turn stations where the fibres converge (myo-sim often has one site for all) into a flat
    tendon: an evenly spread straight band at least a tendon's width, in fibre order.

    Near such an end the fascicles also cross each other by a few mm, which would fold the
    sheet. Stations narrower than the tendon width become the band; between one and two
    tendon widths the grid blends into it. The band runs across the sheet as at the nearest
    station that is wide enough, made square to the centre fibre.
    """
    grid = grid.copy()
    centre = grid[len(grid) // 2].copy()
    tangent = np.gradient(centre, axis=0)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-12)
    # The width is measured square to the fibres: converging fascicles of different lengths
    # are also staggered along each other, which is no width at all.
    chord = grid[-1] - grid[0]
    chord -= tangent * np.einsum("ij,ij->i", chord, tangent)[:, None]
    width = np.linalg.norm(chord, axis=1)
    least = max(MIN_TENDON_WIDTH, TENDON_WIDTH_SHARE * float(width.max()))
    wide = np.flatnonzero(width >= 2.0 * least)
    if len(wide) == 0 or len(wide) == len(width):
        return grid
    u = np.linspace(-0.5, 0.5, len(grid))
    for s in np.flatnonzero(width < 2.0 * least):
        near = wide[np.argmin(np.abs(wide - s))]
        d = chord[near] - tangent[s] * np.dot(chord[near], tangent[s])
        d /= max(np.linalg.norm(d), 1e-12)
        band = centre[s] + max(width[s], least) * u[:, None] * d
        w = float(np.clip(2.0 - width[s] / least, 0.0, 1.0))
        grid[:, s] = (1.0 - w) * grid[:, s] + w * band
    return grid


def round_corners(grid: np.ndarray, length: float = CORNER_LENGTH, cut: float = CORNER_CUT) -> np.ndarray:
    """Round off the sheet's corners: near each end the stations narrow towards the centre
    fibre (which stays where it is), so the outline turns into the attachment along a curve
    instead of meeting it at a point. Each station's fibres slide along the station's own
    line across the sheet, so a sheet curved across keeps its curve.
    """
    grid = grid.copy()
    m, n = grid.shape[:2]
    v = np.linspace(0.0, 1.0, n)
    d = np.clip(np.minimum(v, 1.0 - v) / length, 0.0, 1.0)
    scale = 1.0 - cut * (1.0 - np.sqrt(1.0 - (1.0 - d) ** 2))
    for k in np.flatnonzero(scale < 1.0):
        row = grid[:, k]
        arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(row, axis=0), axis=1))])
        at = arc[m // 2] + scale[k] * (arc - arc[m // 2])
        grid[:, k] = np.stack([np.interp(at, arc, row[:, c]) for c in range(3)], axis=1)
    return grid


def lift_off_wall(grid: np.ndarray, planes: np.ndarray, rounds: int = 4) -> np.ndarray:
    """Move fibre points that lie inside a convex wall (``planes``: rows ``a, b, c, d`` with
    ``a x + b y + c z + d <= 0`` inside, e.g. the ribcage's convex hull) out onto it.

    myo-sim's straight lines of action cut across the curve of the chest (the sternal
    pectoralis, the latissimus over the erector spinae, the external oblique on the ribs).
    The push is smoothed over the grid (so the sheet stays smooth) and faded to nothing at
    both ends, which stay on their attachments.
    """
    from scipy.ndimage import gaussian_filter

    n = grid.shape[1]
    s = np.linspace(0.0, 1.0, n)
    fade = np.clip(np.minimum(s, 1.0 - s) / PINNED_ENDS, 0.0, 1.0)[None, :, None]
    normals, offsets = planes[:, :3], planes[:, 3]
    out = grid.copy()
    for _ in range(rounds):
        signed = out.reshape(-1, 3) @ normals.T + offsets
        nearest = np.argmax(signed, axis=1)
        gap = WALL_CLEARANCE - signed[np.arange(len(signed)), nearest]
        push = (np.maximum(gap, 0.0)[:, None] * normals[nearest]).reshape(out.shape)
        if not push.any():
            break
        out += gaussian_filter(push, sigma=(1.0, 1.0, 0.0), mode="nearest") * fade
    return out


def outward_from_bones(grid: np.ndarray, bone_points: np.ndarray) -> np.ndarray:
    """The mean direction from each grid point's nearest bone vertex to the point."""
    from scipy.spatial import cKDTree

    pts = grid.reshape(-1, 3)
    _, idx = cKDTree(bone_points).query(pts)
    away = pts - bone_points[idx]
    away /= np.maximum(np.linalg.norm(away, axis=1, keepdims=True), 1e-12)
    return away.mean(axis=0)


def peak_thickness(cross_section: float, grid: np.ndarray) -> float:
    """Cross-section (m^2) spread over the sheet's width at mid-belly, within THICKNESS_LIMITS."""
    row = grid[:, grid.shape[1] // 2]
    width = float(np.linalg.norm(np.diff(row, axis=0), axis=1).sum())
    return float(np.clip(cross_section / max(width, 1e-6), *THICKNESS_LIMITS))


def fascicle_sheet(paths: list[np.ndarray], forces: list[float], origin_end: str, midline_x: float,
                   bone_points: np.ndarray, specific_tension: float, wall: np.ndarray | None = None,
                   bias: float = BIAS, corners: float = CORNER_CUT) -> Sheet:
    """One closed sheet through the fascicle ``paths`` (2 or more) of one muscle or head.

    Parameters
    ----------
    paths
        myo-sim's computed paths, either way round.
    forces
        Each fascicle's peak isometric force (N); their sum over ``specific_tension`` (N/m^2)
        is the sheet's cross-section.
    origin_end
        ``"medial"`` or ``"lateral"``: which end is the origin (see :func:`origin_first`).
    midline_x
        The mid-sagittal plane's x.
    bone_points
        Vertices of the bones, to point the thickness away from them.
    specific_tension
        Force per cross-section (N/m^2).
    wall
        Optional convex wall the sheet must lie on, as hull planes (see :func:`lift_off_wall`).
    bias
        Share of the thickness put deep to the fascicles (see :func:`solids.sheet`).
    corners
        How much the corners are rounded off (:func:`round_corners`; 0 leaves them square).
    """
    main = paths[int(np.argmax(forces))]
    turned = origin_first(same_way(paths, main), origin_end, midline_x)
    stations = np.stack([resample(smooth(p), STATIONS) for p in turned])
    per_gap = max(FIBRES_PER_GAP, -(-(MIN_FIBRES - 1) // max(len(paths) - 1, 1)))
    grid = widen_tendons(fibre_grid(stations[across_order(stations)], per_gap))
    if corners > 0.0:
        grid = round_corners(grid, cut=corners)
    grid = smooth_grid(grid, SMOOTHING)
    if wall is not None:
        grid = lift_off_wall(grid, wall)
    thickness = peak_thickness(float(np.sum(forces)) / specific_tension, grid)
    across = rounded_profile(np.linspace(0.0, 1.0, len(grid)), EDGE, RIM)
    points, faces = sheet(grid, thickness, outward_from_bones(grid, bone_points), bias=bias, strip_caps=True,
                          along=belly_profile(np.linspace(0.0, 1.0, grid.shape[1]), TENDON), across=across)
    return Sheet(points=points, faces=faces, grid=grid)
