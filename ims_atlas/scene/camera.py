"""Camera functions on any VTK renderer: poses, framing, projection, pixel size.

Pure VTK calls with no state of their own: the scene controller, its second viewport and
the off-screen export use them alike. Where the camera *should* be is decided elsewhere
(the application state's view, the picture's views); these only put it there and measure.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.scene.views import VIEWS, Pose, camera_for, frame_points

VIEW_ANGLE = 30.0


def aspect_of(width: float, height: float) -> float:
    """A viewport's aspect (before a Qt widget is laid out its size can be 1 pixel: kept sane)."""
    return min(max(width / max(height, 1), 0.5), 3.0)


def renderer_aspect(renderer) -> float:
    """The aspect of a renderer's viewport, from its window's size and its viewport's extent
    (a renderer's own size is updated only when it next renders).
    """
    window = renderer.GetRenderWindow()
    x0, y0, x1, y1 = renderer.GetViewport()
    if window is None:
        w, h = renderer.GetSize()
        return aspect_of(w, h)
    w, h = window.GetSize()
    return aspect_of(w * (x1 - x0), h * (y1 - y0))


def view_pose(name: str, bounds, aspect: float) -> Pose:
    """The pose of a named whole-body view (``scene.views.VIEWS``)."""
    if name not in VIEWS:
        raise ValueError(f"unknown view {name!r}; choose one of {', '.join(VIEWS)}")
    return camera_for(name, bounds, aspect=aspect)


def frame_pose(points, direction, aspect: float, margin: float = 1.25, up=(0.0, 0.0, 1.0)) -> Pose:
    """The pose looking along ``direction`` (focus -> eye) with every point in view."""
    return frame_points(np.asarray(points, dtype=float), direction, aspect=aspect, margin=margin, up=up)


def camera_pose(camera) -> Pose:
    """A camera's ``(position, focal_point, up)``."""
    return tuple(camera.GetPosition()), tuple(camera.GetFocalPoint()), tuple(camera.GetViewUp())  # type: ignore[return-value]


def put_camera(renderer, pose: Pose) -> None:
    """Put a renderer's camera at ``pose``."""
    cam = renderer.GetActiveCamera()
    position, focal, up = pose
    cam.SetPosition(*position)
    cam.SetFocalPoint(*focal)
    cam.SetViewUp(*up)
    cam.SetViewAngle(VIEW_ANGLE)
    renderer.ResetCameraClippingRange()


def pixel_size(renderer, points) -> np.ndarray:
    """Metres per pixel on screen at each of ``points`` (n x 3), for the renderer's camera."""
    camera = renderer.GetActiveCamera()
    height = max(int(renderer.GetSize()[1]), 1)
    points = np.asarray(points, dtype=float).reshape(-1, 3)
    if camera.GetParallelProjection():
        return np.full(len(points), 2.0 * camera.GetParallelScale() / height)
    position = np.array(camera.GetPosition())
    direction = np.array(camera.GetDirectionOfProjection())
    depth = np.maximum((points - position) @ direction, 1e-6)
    return 2.0 * depth * np.tan(np.radians(camera.GetViewAngle()) / 2.0) / height


def project(renderer, point) -> tuple[float, float]:
    """Display position (pixels, origin bottom-left) of a world point."""
    renderer.SetWorldPoint(float(point[0]), float(point[1]), float(point[2]), 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    return float(x), float(y)


def display_ray(renderer, x: float, y: float):
    """The world ray ``(origin, direction)`` under display point ``(x, y)``, or None."""
    ends = []
    for z in (0.0, 1.0):
        renderer.SetDisplayPoint(float(x), float(y), z)
        renderer.DisplayToWorld()
        wx, wy, wz, w = renderer.GetWorldPoint()
        if w == 0:
            return None
        ends.append(np.array([wx, wy, wz]) / w)
    origin, far = ends
    direction = far - origin
    return (origin, direction) if np.any(direction) else None
