"""Closed solids for authored anatomy: lofted rings, muscle sheets and nerve cables (NumPy only).

Every generator returns ``(points, faces)``: a watertight triangle surface, oriented outwards,
in float64. A solid is a stack of closed rings joined by quads and capped at both ends.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.bake.tubes import BELLY_PEAK, belly_profile, belly_shape, resample, smooth, transport_frames

#: Thinnest wall a sheet keeps at its edges and ends (metres): keeps every ring non-degenerate.
MIN_THICKNESS = 0.0006


def loft(rings: np.ndarray, strip_caps: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Join closed rings ``(n, k, 3)`` into one closed surface, capping both ends with fans
    (or strips, see ``strip_caps``).

    Parameters
    ----------
    rings
        ``n >= 2`` rings of ``k >= 3`` points each; ring ``i`` point ``j`` lies next to ring
        ``i + 1`` point ``j``.
    strip_caps
        Close the ends with a strip joining point ``j`` to point ``k - 1 - j`` instead of a fan
        from the ring's centre. For a ring that goes along a sheet's top and back along its
        bottom (``k`` even): a fan folds over where the sheet curves across, a strip cannot.

    Returns
    -------
    tuple of numpy.ndarray
        ``(points, faces)``, faces oriented so the enclosed volume is positive.
    """
    rings = np.asarray(rings, dtype=np.float64)
    n, k = rings.shape[:2]
    j = np.arange(k)
    last = (n - 1) * k
    faces = []
    for i in range(n - 1):
        a, b = i * k + j, i * k + (j + 1) % k
        faces.append(np.stack([a, b, b + k], axis=1))
        faces.append(np.stack([a, b + k, a + k], axis=1))
    if strip_caps:
        points = rings.reshape(-1, 3)
        t = np.arange(k // 2 - 1)
        top, top1, bottom, bottom1 = t, t + 1, k - 1 - t, k - 2 - t
        faces += [np.stack([bottom, bottom1, top1], axis=1), np.stack([bottom, top1, top], axis=1)]
        faces += [last + np.stack([top, top1, bottom1], axis=1), last + np.stack([top, bottom1, bottom], axis=1)]
    else:
        points = np.vstack([rings.reshape(-1, 3), rings[0].mean(axis=0)[None], rings[-1].mean(axis=0)[None]])
        start, end = n * k, n * k + 1
        faces.append(np.stack([np.full(k, start), (j + 1) % k, j], axis=1))
        faces.append(np.stack([np.full(k, end), last + j, last + (j + 1) % k], axis=1))
    faces = np.vstack(faces).astype(np.int64)
    v0, v1, v2 = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    if np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() < 0:
        faces = faces[:, ::-1]
    return points, faces


def curve(controls: np.ndarray, count: int, iterations: int = 3) -> np.ndarray:
    """A smooth curve through the ends of a control polygon, ``count`` points evenly spaced."""
    return resample(smooth(np.asarray(controls, dtype=np.float64), iterations), count)


def cable(controls: np.ndarray, radius: float, sides: int = 8, spacing: float = 0.008,
          taper: float = 0.08) -> tuple[np.ndarray, np.ndarray]:
    """A nerve: a round tube of even ``radius`` along a smoothed path, rounded off at both ends.

    Parameters
    ----------
    controls
        Control points, first to last (the tube passes through both ends).
    radius
        Tube radius (metres).
    sides
        Points per ring.
    spacing
        Target distance between rings (metres); at least 6 rings.
    taper
        Fraction of the length over which each end narrows.
    """
    rough = smooth(np.asarray(controls, dtype=np.float64), 3)
    length = float(np.linalg.norm(np.diff(rough, axis=0), axis=1).sum())
    count = int(np.clip(round(length / spacing), 6, 80))
    centre = resample(rough, count)
    t = np.linspace(0.0, 1.0, count)
    ends = np.clip(np.minimum(t, 1.0 - t) / taper, 0.0, 1.0)
    radii = radius * (0.45 + 0.55 * np.sqrt(ends))
    normals, binormals = transport_frames(centre)
    ang = np.linspace(0.0, 2.0 * np.pi, sides, endpoint=False)
    rings = centre[:, None, :] + radii[:, None, None] * (
        np.cos(ang)[None, :, None] * normals[:, None, :] + np.sin(ang)[None, :, None] * binormals[:, None, :]
    )
    return loft(rings)


def sheet(grid: np.ndarray, thickness: float, outward: np.ndarray, tendon: float = 0.25,
          edge: float | tuple[float, float] = 0.35, bias: float = 0.0, strip_caps: bool = False,
          peak: float | None = None, taper: float | None = None, strap: float | None = None,
          scale: np.ndarray | None = None, belly: tuple[float, float] | None = None, fullness: float = 1.0,
          along: np.ndarray | None = None, across: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A flat muscle: a closed solid of thickness around a grid of fibre points.

    Parameters
    ----------
    grid
        ``(m, n, 3)``: ``m >= 2`` fibres side by side, each ``n >= 2`` points from origin to
        insertion.
    thickness
        Peak thickness (metres), reached mid-belly in the middle of the sheet.
    outward
        A direction pointing away from the bones the sheet lies on; the sheet thickens that way.
    tendon
        Relative thickness at the origin and insertion (tapered ends).
    edge
        Relative thickness at the two free borders, or a pair (first fibre's border, last
        fibre's): a border pressed against a neighbouring belly stays nearly full thickness.
    bias
        Share of the thickness put on the deep side of the grid (0: the grid is the deep surface).
    strip_caps
        Close the two ends with strips, not fans (see :func:`loft`): for sheets curved across.
    peak
        Where along the fibres (0 origin, 1 insertion) the belly is thickest (default: halfway):
        a muscle whose fleshy part lies near its origin and whose long tendon runs on.
    taper
        Instead of a belly, a band thickest at its origin that thins evenly to this share of
        ``thickness`` at its insertion (an aponeurosis).
    strap
        Instead of a belly, a strap: full thickness along the whole length but for this fraction
        at each end, over which it thins to ``tendon``.
    scale
        ``(m, n)`` factors on the thickness at each grid point (shallow grooves across a strap
        muscle where tendinous intersections cross it); the surface stays one closed piece.
    belly
        Instead of a belly over the whole length, a fleshy belly over this range (start, end)
        of the fibres (0 origin, 1 insertion) and an even tendon of relative thickness ``tendon``
        elsewhere: the profile of the swept belly-and-tendon tubes (``tubes.belly_shape``),
        thickest ``peak`` of the way along the belly (default ``tubes.BELLY_PEAK``).
    fullness
        With ``belly``: an exponent on the belly's profile; below 1 the belly stays near its
        peak thickness over more of its length and rounds off quickly at its ends (a full
        fusiform belly rather than a spindle).
    along, across
        Optional relative thickness at each station (``n``) and at each fibre (``m``), in place
        of the belly profile (``tendon``, ``peak``, ``taper``, ``strap``, ``belly``) and the
        border profile of ``edge`` (see :func:`profile`): a muscle that thins onto its bone at
        one end (temporalis) or whose borders are rounded.
    """
    grid = np.asarray(grid, dtype=np.float64)
    m, n = grid.shape[:2]
    du = np.gradient(grid, axis=0)
    dv = np.gradient(grid, axis=1)
    normal = np.cross(du, dv)
    normal /= np.maximum(np.linalg.norm(normal, axis=2, keepdims=True), 1e-12)
    if np.einsum("ijk,k->", normal, np.asarray(outward, dtype=np.float64)) < 0:
        normal = -normal
    if along is None:
        v = np.linspace(0.0, 1.0, n)
        if taper is not None:
            along = 1.0 - (1.0 - float(taper)) * v
        elif strap is not None:
            along = tendon + (1.0 - tendon) * np.sqrt(np.clip(np.minimum(v, 1.0 - v) / strap, 0.0, 1.0))
        elif belly is not None:
            along = tendon + (1.0 - tendon) * belly_shape(v, belly, BELLY_PEAK if peak is None else float(peak)) ** fullness
        else:
            along = belly_profile(v if peak is None else v ** (np.log(0.5) / np.log(float(peak))), tendon)
    if across is None:
        u = np.linspace(0.0, 1.0, m)
        e0, e1 = (float(edge), float(edge)) if np.isscalar(edge) else (float(edge[0]), float(edge[1]))
        border = e0 + (e1 - e0) * u
        across = border + (1.0 - border) * np.sin(np.pi * u) ** 0.5
    along, across = np.asarray(along, dtype=np.float64), np.asarray(across, dtype=np.float64)
    t = thickness * across[:, None] * along[None, :]
    if scale is not None:
        t = t * np.asarray(scale, dtype=np.float64)
    t = np.maximum(t, MIN_THICKNESS)[..., None]
    top = grid + normal * t * (1.0 - bias)
    bottom = grid - normal * t * bias
    # Ring i goes along the top from fibre 0 to fibre m-1 and back along the bottom.
    rings = np.concatenate([top, bottom[::-1]], axis=0).transpose(1, 0, 2)
    return loft(rings, strip_caps=strip_caps)


def fibre_grid(lines: list[np.ndarray], fibres: int, stations: int, rounded: bool = False) -> np.ndarray:
    """Fibres from the first line (origin) through any middle lines to the last (insertion).

    Each line is a polyline across the width of the muscle; every line is smoothed and
    resampled to ``fibres`` points, and fibre ``j`` joins point ``j`` of each line by a smooth
    curve of ``stations`` points. With ``rounded`` the fibres (and the stations) are spaced
    closer towards the borders (and the ends), :func:`border_spacing`, so a rounded border has
    the points to be round.
    """
    u = border_spacing(fibres) if rounded else None
    across = [_spaced(curve(line, 4 * fibres, 2), u) if u is not None and len(line) > 1
              else curve(line, fibres, 2) if len(line) > 1 else np.repeat(np.asarray(line, float), fibres, 0)
              for line in lines]
    stack = np.stack(across, axis=1)  # (fibres, lines, 3)
    v = border_spacing(stations) if rounded else None
    return np.stack([_spaced(curve(stack[j], 4 * stations), v) if v is not None else curve(stack[j], stations)
                     for j in range(fibres)], axis=0)


def border_spacing(count: int, share: float = 0.5) -> np.ndarray:
    """``count`` fractions from 0 to 1, closer together towards both ends: a blend (``share``
    of cosine spacing) of even and cosine spacing, so a profile that falls to a thin border
    (:func:`rounded_profile`) is drawn with several points over its curve.
    """
    t = np.linspace(0.0, 1.0, count)
    return (1.0 - share) * t + share * 0.5 * (1.0 - np.cos(np.pi * t))


def _spaced(polyline: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Points at the given fractions of a polyline's arc length."""
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(polyline, axis=0), axis=1))])
    t = np.asarray(fractions, dtype=np.float64) * s[-1]
    return np.stack([np.interp(t, s, polyline[:, k]) for k in range(3)], axis=1)


def profile(knots: list[list[float]], t: np.ndarray) -> np.ndarray:
    """A relative thickness from ``[[fraction, value], ...]`` knots at fractions ``t``:
    piecewise linear between the knots, eased (smoothstep) so the surface has no crease.
    """
    k = np.asarray(knots, dtype=np.float64)
    t = np.clip(np.asarray(t, dtype=np.float64), k[0, 0], k[-1, 0])
    i = np.clip(np.searchsorted(k[:, 0], t, side="right") - 1, 0, len(k) - 2)
    w = (t - k[i, 0]) / np.maximum(k[i + 1, 0] - k[i, 0], 1e-12)
    w = w * w * (3.0 - 2.0 * w)
    return k[i, 1] + w * (k[i + 1, 1] - k[i, 1])


def rounded_profile(t: np.ndarray, border: float, rim: float = 0.25) -> np.ndarray:
    """Relative thickness across a sheet whose two free borders are rounded: 1 in the middle,
    falling over the outer ``rim`` share of the width on each side to ``border`` at the edge,
    steeply at the edge (a round lip instead of a cut) and leaving the flat middle without a
    kink (``sqrt(1 - (1 - d)^3)``: no change of slope or curvature where the rim begins, so
    the shading shows no line there).
    """
    t = np.asarray(t, dtype=np.float64)
    d = np.clip(np.minimum(t, 1.0 - t) / rim, 0.0, 1.0)
    return border + (1.0 - border) * np.sqrt(1.0 - (1.0 - d) ** 3)


def smooth_grid(grid: np.ndarray, iterations: int, keep: tuple[bool, bool] = (True, True)) -> np.ndarray:
    """Laplacian smoothing of a fibre grid ``(m, n, 3)`` (half-step per iteration), the two
    border fibres sliding only along themselves and, with ``keep``, the origin / insertion
    stations held (they lie on their attachments).
    """
    g = np.array(grid, dtype=np.float64)
    for _ in range(iterations):
        new = g.copy()
        new[1:-1, 1:-1] = 0.5 * g[1:-1, 1:-1] + 0.125 * (g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:])
        new[[0, -1], 1:-1] = 0.5 * g[[0, -1], 1:-1] + 0.25 * (g[[0, -1], :-2] + g[[0, -1], 2:])
        if not keep[0]:
            new[1:-1, 0] = 0.5 * g[1:-1, 0] + 0.25 * (g[:-2, 0] + g[2:, 0])
        if not keep[1]:
            new[1:-1, -1] = 0.5 * g[1:-1, -1] + 0.25 * (g[:-2, -1] + g[2:, -1])
        g = new
    return g


def merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """One triangle surface from several ``(points, faces)`` parts (faces re-indexed)."""
    pts, fcs, offset = [], [], 0
    for p, f in parts:
        pts.append(p)
        fcs.append(f + offset)
        offset += len(p)
    return np.vstack(pts), np.vstack(fcs)


def mirror(points: np.ndarray, faces: np.ndarray, midline_x: float) -> tuple[np.ndarray, np.ndarray]:
    """Mirror a solid across the mid-sagittal plane, keeping it oriented outwards."""
    p = np.array(points, dtype=np.float64)
    p[:, 0] = 2.0 * midline_x - p[:, 0]
    return p, np.asarray(faces)[:, ::-1].copy()
