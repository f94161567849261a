"""Camera presets as data: where the eye is, relative to the body, for each named view."""

from __future__ import annotations

from dataclasses import dataclass

Vec = tuple[float, float, float]
Pose = tuple[Vec, Vec, Vec]  # (position, focal point, view up)


@dataclass(frozen=True)
class ViewPreset:
    """A named camera direction: ``direction`` points from the focus to the eye."""

    name: str
    label: str
    direction: Vec
    view_up: Vec
    shortcut: str


# Mesh frame: +Z up, -Y anterior (the body faces -Y), +X the subject's left.
VIEWS: dict[str, ViewPreset] = {
    v.name: v
    for v in (
        ViewPreset("anterior", "Front", (0.0, -1.0, 0.0), (0.0, 0.0, 1.0), "1"),
        ViewPreset("posterior", "Back", (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), "2"),
        ViewPreset("left", "Left side", (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), "3"),
        ViewPreset("right", "Right side", (-1.0, 0.0, 0.0), (0.0, 0.0, 1.0), "4"),
        ViewPreset("superior", "From above", (0.0, 0.0, 1.0), (0.0, -1.0, 0.0), "5"),
    )
}
DEFAULT_VIEW = "anterior"


def camera_for(view: str, bounds: tuple[float, float, float, float, float, float], aspect: float = 1.6,
               view_angle_deg: float = 30.0, margin: float = 1.08) -> tuple[Vec, Vec, Vec]:
    """Camera ``(position, focal_point, view_up)`` that frames ``bounds`` from a preset.

    Pure geometry, so the same framing is used on screen and in off-screen export.
    """
    import math

    preset = VIEWS[view]
    xmin, xmax, ymin, ymax, zmin, zmax = bounds
    centre = ((xmin + xmax) / 2, (ymin + ymax) / 2, (zmin + zmax) / 2)
    size = (xmax - xmin, ymax - ymin, zmax - zmin)
    d = preset.direction
    up = preset.view_up
    # Extent of the box on the screen's vertical (view-up) and horizontal axes.
    right = (up[1] * d[2] - up[2] * d[1], up[2] * d[0] - up[0] * d[2], up[0] * d[1] - up[1] * d[0])
    height = sum(abs(u) * s for u, s in zip(up, size, strict=True))
    width = sum(abs(r) * s for r, s in zip(right, size, strict=True))
    depth = sum(abs(c) * s for c, s in zip(d, size, strict=True))
    half = max(height / 2, width / (2 * max(aspect, 1e-3))) * margin
    dist = half / math.tan(math.radians(view_angle_deg) / 2) + depth / 2
    pos = tuple(c + dist * k for c, k in zip(centre, d, strict=True))
    return pos, centre, up  # type: ignore[return-value]


def frame_points(points, direction: Vec, aspect: float = 1.6, view_angle_deg: float = 30.0,
                 margin: float = 1.25, up: Vec = (0.0, 0.0, 1.0), least: float = 0.05) -> tuple[Vec, Vec, Vec]:
    """Camera ``(position, focal_point, view_up)`` looking along ``-direction`` at all ``points``
    (framing at least ``least`` metres either side of their centre).
    """
    import math

    import numpy as np

    pts = np.asarray(points, dtype=float).reshape(-1, 3)
    d = np.asarray(direction, dtype=float)
    d /= np.linalg.norm(d)
    u = np.asarray(up, dtype=float)
    u = u - d * float(np.dot(u, d))
    if float(np.linalg.norm(u)) < 1e-9:
        # Looking straight along ``up`` (a view from below with the default up): the screen's
        # up is then the model axis least along the view, not a division by zero.
        axis = np.eye(3)[int(np.argmin(np.abs(d)))]
        u = axis - d * float(np.dot(axis, d))
    u /= np.linalg.norm(u)
    r = np.cross(u, d)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    rel = pts - centre
    half_h = max(float(np.abs(rel @ u).max()), least)
    half_w = max(float(np.abs(rel @ r).max()), least)
    depth = float(np.abs(rel @ d).max())
    half = max(half_h, half_w / max(aspect, 1e-3)) * margin
    dist = half / math.tan(math.radians(view_angle_deg) / 2) + depth
    pos = centre + dist * d
    return tuple(pos), tuple(centre), tuple(u)  # type: ignore[return-value]


def interpolate_pose(start: Pose, end: Pose, t: float) -> Pose:
    """The camera pose a fraction ``t`` (0-1) of the way from ``start`` to ``end``.

    The focal point moves in a straight line; the viewing direction turns along the great
    circle and the distance changes smoothly, so the body turns under the camera rather than
    the camera cutting through it. ``t`` is eased (slow-in, slow-out).
    """
    import numpy as np

    t = min(max(float(t), 0.0), 1.0)
    t = t * t * (3.0 - 2.0 * t)
    p0, f0, u0 = (np.asarray(v, dtype=float) for v in start)
    p1, f1, u1 = (np.asarray(v, dtype=float) for v in end)
    focal = f0 + (f1 - f0) * t
    d0, d1 = p0 - f0, p1 - f1
    r0, r1 = np.linalg.norm(d0), np.linalg.norm(d1)
    direction = _slerp(d0 / max(r0, 1e-12), d1 / max(r1, 1e-12), t)
    up = _slerp(u0 / max(np.linalg.norm(u0), 1e-12), u1 / max(np.linalg.norm(u1), 1e-12), t)
    position = focal + direction * (r0 + (r1 - r0) * t)
    return tuple(position), tuple(focal), tuple(up)  # type: ignore[return-value]


def _slerp(a, b, t: float):
    import numpy as np

    dot = float(np.clip(np.dot(a, b), -1.0, 1.0))
    if dot > 0.9995:
        v = a + (b - a) * t
        return v / np.linalg.norm(v)
    if dot < -0.9995:
        # Opposite directions: turn about any axis perpendicular to a.
        axis = np.cross(a, [0.0, 0.0, 1.0])
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross(a, [1.0, 0.0, 0.0])
        b = axis / np.linalg.norm(axis)
        theta = np.pi * t
        return a * np.cos(theta) + b * np.sin(theta)
    theta = np.arccos(dot) * t
    rel = b - a * dot
    rel /= np.linalg.norm(rel)
    return a * np.cos(theta) + rel * np.sin(theta)
