"""Render pictures off screen: the app's own scene controller on an off-screen plotter.

The only module of :mod:`ims_atlas.export` that touches VTK. It frames the camera so that
what matters fits inside a *view box* (the part of the picture not covered by the title,
legend and label columns), renders, and hands back the pixels with a
:class:`~ims_atlas.export.projection.Projector` for placing labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.core.settings import Camera
from ims_atlas.export.annotations import Target
from ims_atlas.export.label_layout import Box
from ims_atlas.export.projection import Projector
from ims_atlas.scene.controller import SceneController, offscreen_plotter
from ims_atlas.scene.palette import DEFAULT_PALETTE, Palette
from ims_atlas.scene.picture import Picture
from ims_atlas.scene.views import VIEWS, camera_for, frame_points

Vec3 = tuple[float, float, float]
VIEW_ANGLE = 30.0


@dataclass(frozen=True)
class Frame:
    """A rendered picture: RGBA pixels (straight alpha) and how world points map onto them."""

    image: np.ndarray
    projector: Projector


def _place(cam, position: Vec3, focal: Vec3, up: Vec3) -> None:
    """Set a camera's position, focal point and view up, without the clipping-range reset
    PyVista's ``position`` setter does (each measures the bounds of every prop; the callers
    reset the range once the camera is set, and a reset does not depend on the range before).
    """
    cam.SetPosition(*position)
    cam.focal_point = focal
    cam.up = up


class Draft:
    """A frame planned, not yet rendered (:meth:`OffscreenScene.draft`): where world points
    fall on it now, its pixels when first asked for. An export tries many layouts of a
    picture and keeps one; only the frames of the one kept are drawn.
    """

    def __init__(self, projector: Projector, paint) -> None:
        self.projector = projector
        self._paint = paint
        self._image: np.ndarray | None = None

    @property
    def drawn(self) -> bool:
        """Whether its pixels have been rendered."""
        return self._image is not None

    @property
    def image(self) -> np.ndarray:
        """RGBA pixels (straight alpha), rendered on first use (the scene is left as it was)."""
        if self._image is None:
            self._image = self._paint()
            self._paint = None
        return self._image


@dataclass(frozen=True)
class _Still:
    """What a frame's pixels depend on besides the picture: the camera as set (clipping range
    included), the size and the markers' scale; and what the scene drew last, to put back.
    """

    camera: tuple
    size: tuple[int, int]
    marker_scale: float


class RenderError(RuntimeError):
    """The off-screen renderer failed (no OpenGL, out of memory, ...)."""


def unpremultiply(rgba: np.ndarray) -> np.ndarray:
    """Straight-alpha RGBA from a render over a black, fully transparent background.

    OpenGL blends colours onto the black background (so they come out multiplied by their
    coverage) while alpha accumulates coverage; dividing by alpha restores the true colours.
    """
    img = rgba.astype(np.float32)
    alpha = img[..., 3:4] / 255.0
    rgb = np.where(alpha > 0, img[..., :3] / np.maximum(alpha, 1e-6), 0.0)
    out = np.concatenate([np.clip(rgb, 0, 255), img[..., 3:4]], axis=-1)
    return out.round().astype(np.uint8)


def shift_camera(position: Vec3, focal: Vec3, up: Vec3, size: tuple[int, int], view: Box,
                 view_angle: float = VIEW_ANGLE) -> tuple[Vec3, Vec3]:
    """Move a camera sideways so that what is at the image centre appears at the view box's centre."""
    pos, foc, upv = (np.asarray(v, dtype=float) for v in (position, focal, up))
    forward = foc - pos
    dist = float(np.linalg.norm(forward))
    forward /= max(dist, 1e-12)
    right = np.cross(forward, upv)
    right /= max(float(np.linalg.norm(right)), 1e-12)
    true_up = np.cross(right, forward)
    width, height = size
    per_pixel = 2.0 * dist * math.tan(math.radians(view_angle) / 2) / height
    cx, cy = view.centre
    delta = -(cx - width / 2) * per_pixel * right + (cy - height / 2) * per_pixel * true_up
    return tuple(pos + delta), tuple(foc + delta)  # type: ignore[return-value]


class OffscreenScene:
    """One off-screen plotter and scene controller, reused for several pictures.

    Parameters
    ----------
    manifest
        The anatomy.
    size
        Picture size in pixels (width, height); :meth:`resize` changes it.
    palette
        The colours (the app's by default).

    Raises
    ------
    RenderError
        If the plotter cannot be created.
    """

    def __init__(self, manifest: Manifest, size: tuple[int, int] = (1920, 1080),
                 palette: Palette = DEFAULT_PALETTE) -> None:
        self.palette = palette
        try:
            self.plotter = offscreen_plotter(tuple(size))
            # Alpha bit planes let a transparent background come through in screenshots.
            self.plotter.render_window.SetAlphaBitPlanes(1)
            self.controller = SceneController(self.plotter, manifest, palette)
        except Exception as exc:  # noqa: BLE001 - VTK raises many kinds; say what happened
            raise RenderError(f"the off-screen renderer could not start: {type(exc).__name__}: {exc}") from exc
        self.problems = list(self.controller.problems)
        self.manifest = manifest
        #: Points of what a caller drew besides the picture (the painted dermatome) that every
        #: view but the spine's must frame too; None: only the picture's own targets.
        self.frame_also: np.ndarray | None = None
        #: How many frames :meth:`render` rendered.
        self.frames_rendered = 0
        #: What the scene draws now, as the last render or draft left it: the picture and the
        #: markers' scale it was shown with.
        self._shown: tuple[Picture, float] | None = None

    def wrong_in(self, picture: Picture) -> list[str]:
        """What would make ``picture`` silently wrong here (see :mod:`ims_atlas.scene.picture_checks`)."""
        from ims_atlas.scene.picture_checks import picture_problems

        ids = self.controller.structure_ids
        return picture_problems(picture, self.manifest, ids, self.controller.bounds() if ids else None,
                                self.problems)

    @property
    def size(self) -> tuple[int, int]:
        """Picture size (width, height)."""
        w, h = self.plotter.window_size
        return int(w), int(h)

    def resize(self, size: tuple[int, int]) -> None:
        """Change the picture size; nothing is rendered (PyVista's ``window_size`` renders the
        whole scene at once, a render thrown away: every picture renders when its camera is
        aimed, and a picture's panels and insets change the size before each of theirs).
        """
        if (int(size[0]), int(size[1])) != self.size:
            self.plotter.render_window.SetSize(int(size[0]), int(size[1]))

    def centre_of(self, structure_ids) -> Vec3 | None:
        """The centre of the bounding box of some structures, or None if none is loaded."""
        pts = self.controller.structure_points(structure_ids)
        if not len(pts):
            return None
        c = (pts.min(axis=0) + pts.max(axis=0)) / 2
        return (float(c[0]), float(c[1]), float(c[2]))

    def anchors(self, targets: tuple[Target, ...]) -> dict[str, Vec3]:
        """World points for labels: each target's own point, else its structures' centre."""
        out: dict[str, Vec3] = {}
        for t in targets:
            point = t.position if t.position is not None else self.centre_of(t.structures)
            if point is not None:
                out[t.key] = point
        return out

    def frame_points_of(self, picture: Picture, ids=None, markers: tuple[str, ...] = ("local", "paraspinal")) -> np.ndarray:
        """Points that must be in view: corners of the structures and the markers of some roles."""
        pts = self.controller.structure_points(picture.frame_ids if ids is None else ids)
        extra = [m.position for m in picture.markers if m.role in markers and self._on_body(m.position)]
        if extra:
            pts = np.vstack([pts, np.asarray(extra, dtype=float)])
        return pts

    def _on_body(self, point) -> bool:
        from ims_atlas.scene.picture_checks import on_body

        return on_body(point, self.controller.bounds() if self.controller.structure_ids else None)

    def set_camera(self, camera: Camera) -> None:
        """Use a given camera pose (e.g. the window's current view)."""
        cam = self.plotter.camera
        _place(cam, camera.position, camera.focal_point, camera.up)
        cam.view_angle = VIEW_ANGLE
        cam.SetWindowCenter(0.0, 0.0)
        self.plotter.reset_camera_clipping_range()

    def aim(self, points: np.ndarray | None, direction: Vec3 | None, view: Box, margin: float = 1.12,
            fallback_view: str = "anterior", up: Vec3 = (0.0, 0.0, 1.0), least: float = 0.05) -> None:
        """Point the camera along ``direction`` so ``points`` fill ``view`` (a box of the picture);
        without points or a direction, frame the whole body from a named view. ``least``: the
        half size (metres) framed at least, however close the points.
        """
        width, height = self.size
        cam = self.plotter.camera
        if points is not None and len(points) and direction is not None:
            aspect = view.w / max(view.h, 1.0)
            pos, focal, up = frame_points(points, direction, aspect=aspect, margin=margin * height / max(view.h, 1.0),
                                          up=up, least=least)
        else:
            name = fallback_view if fallback_view in VIEWS else "anterior"
            bounds = self.controller.bounds()
            pos, focal, up = camera_for(name, bounds, aspect=view.w / max(view.h, 1.0), margin=1.04)
            # camera_for fills the whole picture; widen so the body fills the view box instead.
            scale = max(height / max(view.h, 1.0), 1.0)
            pos = tuple(f + (p - f) * scale for p, f in zip(pos, focal, strict=True))
        pos, focal = shift_camera(pos, focal, up, (width, height), view)
        _place(cam, pos, focal, up)
        cam.view_angle = VIEW_ANGLE
        cam.SetWindowCenter(0.0, 0.0)
        self.plotter.reset_camera_clipping_range()

    def pose(self) -> tuple[Vec3, Vec3, Vec3]:
        """The camera's (position, focal point, view up) as set now."""
        cam = self.plotter.camera
        return (tuple(cam.position), tuple(cam.focal_point), tuple(cam.up))  # type: ignore[return-value]

    def zoom(self, pose: tuple[Vec3, Vec3, Vec3], points: np.ndarray, view: Box, margin: float = 1.1,
             least: float = 0.015) -> None:
        """Look from the camera ``pose`` (a panel's, at the scene's view angle) at ``points``
        through a narrower lens, its window moved so they fill ``view`` (a box of the picture):
        the panel enlarged, not the points seen from elsewhere. Every point, near or far, is
        where the panel shows it, only larger: a frame on the panel encloses what this shows.
        ``least``: the half size (metres) framed at least.
        """
        width, height = self.size
        pos, focal, up = (np.asarray(v, dtype=float) for v in pose)
        forward = focal - pos
        forward /= max(float(np.linalg.norm(forward)), 1e-12)
        u = up - forward * float(np.dot(up, forward))
        u /= max(float(np.linalg.norm(u)), 1e-12)
        r = np.cross(forward, u)
        pts = np.asarray(points, dtype=float).reshape(-1, 3)
        rel = pts - pos
        depth = np.maximum(rel @ forward, 1e-6)
        # Where the points are, as tangents of the angle off the camera's axis.
        tx, ty = (rel @ r) / depth, (rel @ u) / depth
        mid_depth = float(np.median(depth))
        cx, cy = (tx.min() + tx.max()) / 2, (ty.min() + ty.max()) / 2
        half_y = max(float(np.ptp(ty)) / 2, least / mid_depth)
        half_x = max(float(np.ptp(tx)) / 2, least / mid_depth)
        aspect = view.w / max(view.h, 1.0)
        tan_half = max(half_y, half_x / max(aspect, 1e-3)) * margin * height / max(view.h, 1.0)
        cam = self.plotter.camera
        _place(cam, tuple(pos), tuple(focal), tuple(u))
        cam.view_angle = math.degrees(2.0 * math.atan(tan_half))
        # The window's centre (in halves of its size) moved so the points' middle falls at the
        # view box's centre.
        nx, ny = view.centre[0] / width * 2.0 - 1.0, 1.0 - view.centre[1] / height * 2.0
        cam.SetWindowCenter(cx / (tan_half * width / height) - nx, cy / tan_half - ny)
        self.plotter.reset_camera_clipping_range()

    def remap(self, k: float, offset: tuple[float, float]) -> None:
        """Change the lens and its window so that what was drawn at pixel ``p`` is drawn at
        ``k * p + offset`` (the same eye, ``k`` times narrower: the view as aimed now,
        enlarged ``k`` times and moved).
        """
        width, height = self.size
        cam = self.plotter.camera
        wx, wy = cam.GetWindowCenter()
        tan_half = math.tan(math.radians(cam.view_angle) / 2.0)
        cam.view_angle = math.degrees(2.0 * math.atan(tan_half / k))
        cam.SetWindowCenter(k * wx - k + 1.0 - 2.0 * offset[0] / width, k * wy + k - 1.0 + 2.0 * offset[1] / height)
        self.plotter.reset_camera_clipping_range()

    def projector(self) -> Projector:
        """World -> pixels for the camera as set now (nothing is rendered)."""
        width, height = self.size
        matrix = self.plotter.camera.GetCompositeProjectionTransformMatrix(width / height, -1, 1)
        return Projector.from_array(np.array([[matrix.GetElement(i, j) for j in range(4)] for i in range(4)]),
                                    (width, height))

    def render(self, picture: Picture, transparent: bool = False) -> Frame:
        """Apply ``picture`` (the camera is left as set) and render it.

        Raises
        ------
        RenderError
            If VTK fails to render.
        """
        self._shown = (picture, self.controller.marker_scale)
        frame = self._render(picture, transparent)
        self.frames_rendered += 1
        return frame

    def draft(self, picture: Picture, transparent: bool = False) -> Draft:
        """What :meth:`render` would give, its pixels rendered only when first asked for.

        The scene is left as the render would leave it (``picture`` applied and the frame's
        start done: :meth:`~ims_atlas.scene.controller.SceneController.frame_starting`), so
        whatever is planned after it (a clipping range reset by the next aim) is the same
        whether or not the draft is ever drawn; drawing it later sets the camera, size and
        marker scale as they are now, renders (:meth:`render`) and
        puts the scene back as it was then.
        """
        self.controller.show(picture, frame=False, render=False)
        self.controller.frame_starting()
        self._shown = (picture, self.controller.marker_scale)
        still = _Still(self._camera_state(), self.size, self.controller.marker_scale)
        return Draft(self.projector(), lambda: self._paint(picture, transparent, still))

    def _paint(self, picture: Picture, transparent: bool, still: _Still) -> np.ndarray:
        """Render ``picture`` as :meth:`draft` planned it (``still``), then put the scene back."""
        now = _Still(self._camera_state(), self.size, self.controller.marker_scale)
        shown, far = self._shown, self.controller.blocks.far
        try:
            self.resize(still.size)
            self._set_camera_state(still.camera)
            self.controller.set_marker_scale(still.marker_scale)
            return self.render(picture, transparent).image
        finally:
            if shown is not None:
                self.controller.set_marker_scale(shown[1])
                self.controller.show(shown[0], frame=False, render=False)
                self._shown = shown
            self.controller.blocks.set_far(far)
            self.controller.set_marker_scale(now.marker_scale)
            self.resize(now.size)
            self._set_camera_state(now.camera)

    def _camera_state(self) -> tuple:
        cam = self.plotter.camera
        return (tuple(cam.GetPosition()), tuple(cam.GetFocalPoint()), tuple(cam.GetViewUp()), cam.GetViewAngle(),
                tuple(cam.GetWindowCenter()), tuple(cam.GetClippingRange()), bool(cam.GetParallelProjection()))

    def _set_camera_state(self, state: tuple) -> None:
        position, focal, up, angle, centre, clipping, parallel = state
        cam = self.plotter.camera
        cam.SetPosition(*position)
        cam.SetFocalPoint(*focal)
        cam.SetViewUp(*up)
        cam.SetViewAngle(angle)
        cam.SetWindowCenter(*centre)
        cam.SetParallelProjection(parallel)
        cam.SetClippingRange(*clipping)

    def _render(self, picture: Picture, transparent: bool) -> Frame:
        pl = self.plotter
        width, height = self.size
        try:
            self.controller.show(picture, frame=False, render=False)
            renderer = pl.renderer
            if transparent:
                renderer.GradientBackgroundOff()
                renderer.SetBackground(0.0, 0.0, 0.0)
                renderer.SetBackgroundAlpha(0.0)
            pl.render()
            shot = np.asarray(pl.screenshot(transparent_background=transparent, return_img=True))
            matrix = pl.camera.GetCompositeProjectionTransformMatrix(width / height, -1, 1)
            m = np.array([[matrix.GetElement(i, j) for j in range(4)] for i in range(4)])
        except Exception as exc:  # noqa: BLE001 - VTK raises many kinds; say what happened
            raise RenderError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
        finally:
            if transparent:
                pl.renderer.SetBackgroundAlpha(1.0)
                pl.set_background(self.palette.background_bottom, top=self.palette.background_top)
        if shot.shape[2] == 3:
            shot = np.concatenate([shot, np.full(shot.shape[:2] + (1,), 255, np.uint8)], axis=-1)
        elif transparent:
            shot = unpremultiply(shot)
        return Frame(shot, Projector.from_array(m, (width, height)))

    def close(self) -> None:
        """Release the controller and the plotter."""
        self.controller.close()
        self.plotter.close()

    def __enter__(self) -> OffscreenScene:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
