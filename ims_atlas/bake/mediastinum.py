"""The heart as an obstacle the lungs keep clear of (not a structure of its own): points filling
it, from Gray's outline on the front of the chest (``organs.json``: ``heart``). NumPy and SciPy only.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.bake.pleura import BAND, Chest, _cartilage_z, rib_height


def heart_points(chest: Chest, right: Chest, left: Chest, spec: dict, vertebrae_front: dict) -> np.ndarray:
    """Points filling the heart, whose outline on the front of the chest the data gives (Gray's
    four points, by costal cartilage and distance from the sternal line) and whose depth runs from
    the back of the sternum to ``behind`` in front of the vertebral bodies. ``right`` and ``left``
    are the two sides' chests (the outline spans both); ``vertebrae_front`` maps a height band to
    the front of the vertebral bodies there.
    """
    from scipy.spatial import Delaunay

    mid = chest.midline_x
    cart = chest.cartilage
    front = cart[cart[:, 1] < np.percentile(cart[:, 1], 40)]
    # The sternal line: the narrowest half-width of the front of the sternum and cartilages.
    widths = []
    for zz in np.arange(front[:, 2].min() + 0.01, front[:, 2].max() - 0.01, 0.005):
        sl = front[np.abs(front[:, 2] - zz) < 0.003]
        if len(sl) > 3:
            near = sl[sl[:, 1] < sl[:, 1].min() + 0.006]
            widths.append(np.abs(near[:, 0] - mid).max())
    sternal = float(min(widths))

    def z_of(side_chest: Chest, rib: int) -> float:
        return _cartilage_z(side_chest, side_chest.ribs[rib - 1], sternal + 0.005)

    corners = []
    for c in spec["outline"]:
        side_chest = right if c["side"] == "right" else left
        sign = -1.0 if c["side"] == "right" else 1.0
        if "between_ribs" in c:
            a, b = c["between_ribs"]
            zc = 0.5 * (rib_height(side_chest, a, "midclavicular") + rib_height(side_chest, b, "midclavicular"))
        else:
            zc = z_of(side_chest, c["rib"])
        lat = c["from_midline"] if "from_midline" in c else sternal + c.get("from_sternal_line", 0.0)
        corners.append((mid + sign * lat, zc))
    quad = Delaunay(np.array(corners))
    xs = np.arange(min(c[0] for c in corners), max(c[0] for c in corners), 0.002)
    zs = np.arange(min(c[1] for c in corners), max(c[1] for c in corners), BAND / 2)
    gx, gz = np.meshgrid(xs, zs)
    xz = np.column_stack([gx.ravel(), gz.ravel()])
    xz = xz[quad.find_simplex(xz) >= 0]
    out = []
    for zz in np.unique(xz[:, 1]):
        row = xz[xz[:, 1] == zz][:, 0]
        sl = cart[(np.abs(cart[:, 2] - zz) < 0.006) & (np.abs(cart[:, 0] - mid) < 0.01)]
        y0 = (float(sl[:, 1].max()) if len(sl) else float(cart[:, 1].max())) + 0.003
        y1 = vertebrae_front(zz) - spec["behind"]
        if y1 <= y0:
            continue
        u = (row - row.mean()) / max((row.max() - row.min()) / 2, 1e-6)
        half = 0.5 * (y1 - y0) * np.sqrt(np.clip(1 - u ** 2, 0.05, 1.0))
        yc = 0.5 * (y0 + y1)
        for x, h in zip(row, half, strict=True):
            for y in np.arange(yc - h, yc + h + 1e-9, 0.003):
                out.append((x, y, zz))
    return np.array(out).reshape(-1, 3)
