"""Where each spinal nerve leaves the spine, measured from the vertebra meshes.

A vertebra seen from above is a ring of bone around the vertebral canal. The canal is found as
the hole in the vertebra's outline projected on the horizontal plane; the intervertebral
foramen lies lateral to it, level with the front of the canal (just behind the vertebral body,
between the pedicles), at the lateral edge of the bone on that line, and at the height between
the two vertebrae that bound it (``core.ids.foramen_between``). S1 and S2 leave through the
anterior sacral foramina, on the pelvic surface of the sacrum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ims_atlas.core.ids import MIDLINE_X, foramen_between

#: Raster cell for the projected outline (metres).
PIXEL = 0.0005
#: The foramen line: this fraction of the canal's depth behind its front wall (pedicle level).
FRONT_FRACTION = 0.3
#: The foramen point lies this far beyond the canal wall at least / at most (pedicle width).
MIN_PEDICLE, MAX_PEDICLE = 0.003, 0.009
#: The slab of the vertebra (quantiles of its surface heights) in which the canal is measured.
SLAB = (0.45, 1.0)
#: Height of S1 and S2's foramina as fractions of the sacrum's height from its top (as used
#: for the posterior foramina in ``anatomy.spine``), and their distance from the midline as a
#: fraction of the sacrum's width at that height (the foramina lie between the fused bodies
#: and the lateral parts).
SACRAL_FRACTION = {"S1": 0.22, "S2": 0.42}
SACRAL_WIDTH_FRACTION = 0.28


@dataclass(frozen=True)
class Canal:
    """The vertebral canal of one vertebra, measured on its right side."""

    front_y: float  #: y of the canal's front wall (back of the vertebral body)
    back_y: float  #: y of its back wall (laminae)
    line_y: float  #: y of the foramen line
    half_width: float  #: half width of the canal on the foramen line
    exit_offset: float  #: distance from the midline of the foramen point


def surface_samples(points: np.ndarray, faces: np.ndarray, spacing: float = 0.4 * PIXEL) -> np.ndarray:
    """Points spread over every triangle no further apart than ``spacing`` (a deterministic
    barycentric grid, finer on bigger triangles).
    """
    tri = np.asarray(points, dtype=np.float64)[faces]  # (m, 3, 3)
    longest = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2).max(axis=1)
    steps = np.clip(np.ceil(longest / spacing), 1, 80).astype(int)
    out = []
    for n in np.unique(steps):
        a, b = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = a + b <= n
        w = np.stack([a[keep], b[keep], n - a[keep] - b[keep]], axis=1) / n
        out.append(np.einsum("kj,mjd->mkd", w, tri[steps == n]).reshape(-1, 3))
    return np.vstack(out)


def canal(points: np.ndarray, faces: np.ndarray, midline_x: float = MIDLINE_X) -> Canal:
    """Measure the canal of a vertebra from its mesh.

    Walks the projected outline: along the midline from the front, through the vertebral body
    (or the atlas's anterior arch) to the first gap (the canal) and on to the bone behind it;
    then, on the foramen line, from the midline out to the canal wall and across the pedicle.
    """
    from scipy import ndimage

    s = surface_samples(points, faces)
    # A horizontal slab through the middle of the vertebra: the sloping laminae and spinous
    # process of a whole vertebra can hide the canal in a full projection.
    z0, z1 = np.quantile(s[:, 2], [SLAB[0], SLAB[1]])
    s = s[(s[:, 2] >= z0) & (s[:, 2] <= z1)]
    lo = s[:, :2].min(axis=0) - 2 * PIXEL
    ij = np.floor((s[:, :2] - lo) / PIXEL).astype(int)
    shape = tuple(ij.max(axis=0) + 3)
    bone = np.zeros(shape, dtype=bool)
    bone[ij[:, 0], ij[:, 1]] = True
    bone = ndimage.binary_closing(bone, iterations=2)
    mid_i = int((midline_x - lo[0]) / PIXEL)
    column = bone[mid_i - 2 : mid_i + 3].any(axis=0)
    filled = np.flatnonzero(column)
    if len(filled) == 0:
        raise ValueError("the vertebra does not cross the midline")
    j = filled[0]
    while j < len(column) and column[j]:
        j += 1
    front_j = j
    while j < len(column) and not column[j]:
        j += 1
    back_j = j - 1
    if back_j <= front_j or j >= len(column):
        raise ValueError("no vertebral canal found behind the vertebral body")
    line_j = int(round(front_j + FRONT_FRACTION * (back_j - front_j)))
    i = mid_i
    while i > 0 and not bone[i, line_j]:
        i -= 1
    wall_i = i + 1
    while i > 0 and bone[i, line_j]:
        i -= 1
    half = midline_x - (lo[0] + wall_i * PIXEL)
    reach = midline_x - (lo[0] + (i + 1) * PIXEL)
    exit_offset = float(np.clip(reach, half + MIN_PEDICLE, half + MAX_PEDICLE))
    to_y = lambda j: float(lo[1] + (j + 0.5) * PIXEL)  # noqa: E731
    return Canal(to_y(front_j), to_y(back_j), to_y(line_j), float(half), exit_offset)


def foramen_point(segment: str, side: str, vertebrae: dict[str, tuple[np.ndarray, np.ndarray]],
                  midline_x: float = MIDLINE_X) -> np.ndarray:
    """The centre of the foramen a segment's nerve leaves through, on ``side``.

    Parameters
    ----------
    segment
        ``C1`` .. ``S2``.
    side
        ``"left"`` or ``"right"``.
    vertebrae
        Level (``C1`` .. ``L5``, ``S``) -> ``(points, faces)`` of that vertebra.
    """
    sign = 1.0 if side == "left" else -1.0  # +X is the subject's left
    upper, lower = foramen_between(segment)
    if upper == "S":
        p, f = vertebrae["S"]
        top, bottom = p[:, 2].max(), p[:, 2].min()
        z = top - SACRAL_FRACTION[segment] * (top - bottom)
        slab = surface_samples(p, f)
        slab = slab[np.abs(slab[:, 2] - z) < 0.004]
        width = np.ptp(slab[:, 0])
        x = midline_x + sign * SACRAL_WIDTH_FRACTION * width
        near = slab[np.abs(slab[:, 0] - x) < 0.006]
        y = float(near[:, 1].min())  # the pelvic (front) surface
        return np.array([x, y, z])
    bounds = [lv for lv in (upper, lower) if lv not in ("occiput", "S")]
    canals = [canal(*vertebrae[lv], midline_x=midline_x) for lv in bounds]
    offset = float(np.mean([c.exit_offset for c in canals]))
    y = float(np.mean([c.line_y for c in canals]))
    if upper == "occiput":  # C1: above the posterior arch of the atlas
        p = vertebrae["C1"][0]
        back = p[p[:, 1] > canals[0].back_y - 0.004]
        z = float(back[:, 2].max())
        y = float(np.mean([canals[0].line_y, canals[0].back_y]))
    else:
        # The sacrum is tall: L5's foramen is level with the sacrum's top (the L5-S1 disc), not
        # with its centre.
        heights = [vertebrae[lv][0].mean(axis=0)[2] if lv != "S" else vertebrae["S"][0][:, 2].max() for lv in (upper, lower)]
        z = float(np.mean(heights))
    return np.array([midline_x + sign * offset, y, z])
