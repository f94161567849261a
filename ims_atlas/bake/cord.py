"""The spinal cord, authored in the model's own vertebral canal (``organs.json``: ``spinal_cord``).

Its centre line runs through the middle of each vertebra's canal, measured on the vertebra
meshes (:func:`ims_atlas.bake.foramina.canal`; at the atlas, behind the dens of the axis), from
just above the atlas down to its sourced end in the first lumbar vertebra. Its cross-section is
an ellipse of the sourced transverse and anteroposterior diameters at each vertebral level; where
the model's canal is narrower than that (its coarse meshes), the cord is drawn to fit the canal
with a small clearance, and the bake says at which levels and by how much.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.bake.foramina import canal
from ims_atlas.bake.solids import loft

#: The vertebrae the cord passes, top to bottom.
LEVELS = ("C1", "C2", "C3", "C4", "C5", "C6", "C7") + tuple(f"T{i}" for i in range(1, 13)) + ("L1",)
#: Points per ring of the cord's surface; rings are laid this far apart (metres).
SIDES = 16
SPACING = 0.003


def _index(level: str) -> float:
    return float(LEVELS.index(level))


def sourced_size(level_position: float, knots: list[dict]) -> tuple[float, float]:
    """The sourced (transverse, anteroposterior) diameter at a position on the vertebral column
    (``LEVELS`` index, fractional between vertebrae), linear between the data's knots.
    """
    xs = [_index(k["level"]) for k in knots]
    return (float(np.interp(level_position, xs, [k["transverse"] for k in knots])),
            float(np.interp(level_position, xs, [k["anteroposterior"] for k in knots])))


def _atlas_front(vertebrae: dict, midline_x: float, at_z: float) -> float:
    """The back of the dens of the axis at the atlas's height (the cord lies behind it)."""
    p = vertebrae["C2"][0]
    near = p[(np.abs(p[:, 0] - midline_x) < 0.005) & (np.abs(p[:, 2] - at_z) < 0.004)]
    return float(near[:, 1].max()) if len(near) else -np.inf


def stations(vertebrae: dict, landmarks: dict, data: dict, midline_x: float) -> dict:
    """The cord's stations: at each vertebra's centroid height, the canal's middle, the room
    the canal leaves and the sourced size there; and the top and the tip.
    """
    sc = data["spinal_cord"]
    out = []
    for lv in LEVELS:
        c = canal(*vertebrae[lv], midline_x=midline_x)
        z = float(landmarks[lv]["centroid"][2])
        front = c.front_y
        if lv == "C1":
            front = max(front, _atlas_front(vertebrae, midline_x, z))
        room = (c.half_width - sc["clearance"], 0.5 * (c.back_y - front) - sc["clearance"])
        out.append({"level": lv, "centre": np.array([midline_x, 0.5 * (front + c.back_y), z]),
                    "room": room, "sourced": sourced_size(_index(lv), sc["diameters"])})
    l1 = landmarks[sc["ends_in"]]
    tip_z = float(l1["inferior"][2]) + sc["ends_at_fraction_from_below"] * float(l1["superior"][2] - l1["inferior"][2])
    top_z = float(landmarks["C1"]["superior"][2]) + sc["above_atlas"]
    return {"levels": out, "top_z": top_z, "tip_z": tip_z}


def spinal_cord(vertebrae: dict, landmarks: dict, data: dict, midline_x: float
                ) -> tuple[np.ndarray, np.ndarray, dict, list[str]]:
    """The cord's surface, its landmarks and the levels where the model's canal made it thinner.

    ``vertebrae``: level -> (points, faces) for C1..L1 (C2 is also used at the atlas: its dens).
    ``landmarks``: level -> the vertebra's manifest landmarks (``centroid``, ``superior``, ``inferior``).
    """
    sc = data["spinal_cord"]
    st = stations(vertebrae, landmarks, data, midline_x)
    levels = st["levels"]
    # Stations: the top (the atlas's canal, just above it), each vertebra, the tip of the conus.
    zs = [st["top_z"]] + [s["centre"][2] for s in levels]
    ys = [levels[0]["centre"][1]] + [s["centre"][1] for s in levels]
    semi = [np.minimum(np.array(levels[0]["sourced"]) / 2, levels[0]["room"])]
    narrowed = []
    for s in levels:
        want = np.array(s["sourced"]) / 2
        room = np.array(s["room"])
        if (want > room + 1e-6).any():
            narrowed.append(f"{s['level']} ({1000 * 2 * min(want[0], room[0]):.1f} x {1000 * 2 * min(want[1], room[1]):.1f} mm "
                            f"for {1000 * 2 * want[0]:.1f} x {1000 * 2 * want[1]:.1f})")
        semi.append(np.minimum(want, room))
    # Below the last vertebra's centre the conus tapers to its tip (Gray: it tapers rapidly below
    # the lumbar enlargement).
    if st["tip_z"] < zs[-1]:
        zs.append(st["tip_z"])
        ys.append(ys[-1])
        semi.append(np.array([sc["tip_radius"], sc["tip_radius"]]))
    zs, ys, semi = np.array(zs), np.array(ys), np.array(semi)
    # Rings about SPACING apart in height (z falls along the cord), one exactly at each station,
    # each a horizontal ellipse.
    z = np.concatenate([np.linspace(a, b, max(int(round((a - b) / SPACING)), 1), endpoint=False)
                        for a, b in zip(zs[:-1], zs[1:], strict=True)] + [zs[-1:]])
    y = np.interp(-z, -zs, ys)
    ax = np.interp(-z, -zs, semi[:, 0])
    ap = np.interp(-z, -zs, semi[:, 1])
    ang = np.linspace(0.0, 2 * np.pi, SIDES, endpoint=False)
    rings = np.stack([np.column_stack([midline_x + a * np.cos(ang), yy + b * np.sin(ang), np.full(SIDES, zz)])
                      for zz, yy, a, b in zip(z, y, ax, ap, strict=True)])
    p, f = loft(rings)
    lm = {"top": np.array([midline_x, ys[0], zs[0]]), "conus_tip": np.array([midline_x, ys[-1], zs[-1]])}
    for s in levels:
        lm[f"canal_{s['level']}"] = s["centre"]
    return p, f, lm, narrowed
