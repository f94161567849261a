"""One annotated picture: plan the layout, aim the camera, render, label. Shared by the image
export and the handout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ims_atlas import __version__
from ims_atlas.core.plain_text import MAX_CLINIC_NAME, cut, one_line
from ims_atlas.core.settings import Camera
from ims_atlas.export.annotations import Annotation, one_line_annotation
from ims_atlas.export.compose import Style, compose, plan_regions
from ims_atlas.export.label_layout import LabelLayout
from ims_atlas.scene.picture import Picture

if TYPE_CHECKING:  # VTK is imported only when something is rendered
    from ims_atlas.export.render import OffscreenScene

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Shot:
    """How to take one picture: what to frame and from where (or a fixed camera)."""

    frame_ids: tuple[str, ...] | None = None  # None: the picture's own
    marker_roles: tuple[str, ...] = ("local", "paraspinal")
    direction: Vec3 | None = None  # None: the picture's own
    camera: Camera | None = None  # given: used as is, nothing is framed
    margin: float = 1.12
    fallback_view: str = "anterior"
    points: tuple[Vec3, ...] | None = None  # given: framed instead of the structures' and markers' points
    up: Vec3 = (0.0, 0.0, 1.0)  # up on screen


@dataclass(frozen=True)
class AnnotatedPicture:
    """A finished picture and how its labels were laid out."""

    image: Image.Image
    layout: LabelLayout


def extent_aspect(points, direction, view_up=(0.0, 0.0, 1.0)) -> float | None:
    """Width / height of ``points`` seen along ``direction`` (focus -> eye) with ``view_up``
    up on screen, or None.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 3) if points is not None else np.zeros((0, 3))
    if len(pts) < 2 or direction is None:
        return None
    d = np.asarray(direction, dtype=float)
    d /= np.linalg.norm(d)
    u = np.asarray(view_up, dtype=float)
    up = u - d * float(np.dot(u, d))
    if np.linalg.norm(up) < 1e-6:
        return None  # looking straight down: no "up" to measure against
    up /= np.linalg.norm(up)
    right = np.cross(up, d)
    tall = float(np.ptp(pts @ up))
    return float(np.ptp(pts @ right)) / tall if tall > 1e-9 else None


def app_line(catalog_version: str = "", anatomy: str = "") -> str:
    """The small line naming the app (and catalog, and the anatomy's credit:
    :func:`ims_atlas.anatomy.credit.anatomy_credit`) on every picture.
    """
    return " · ".join(x for x in (f"IMS Atlas {__version__}", f"catalog {catalog_version}" if catalog_version else "",
                                  anatomy) if x)


def take(scene: OffscreenScene, picture: Picture, annotation: Annotation, size: tuple[int, int], style: Style,
         shot: Shot = Shot(), transparent: bool = False, clinic: str = "", footer_line: str = "") -> AnnotatedPicture:
    """Render ``picture`` at ``size`` and draw ``annotation`` on it.

    Raises
    ------
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    annotation = one_line_annotation(annotation)
    clinic = cut(one_line(clinic), MAX_CLINIC_NAME)
    scene.resize(size)
    if shot.camera is not None:
        regions = plan_regions(size, style, annotation, clinic, footer_line)
        scene.set_camera(shot.camera)
    else:
        direction = shot.direction if shot.direction is not None else picture.direction
        ids = shot.frame_ids if shot.frame_ids is not None else picture.frame_ids
        if shot.points is not None:
            points = np.asarray(shot.points, dtype=float).reshape(-1, 3)
        else:
            points = scene.frame_points_of(picture, ids, shot.marker_roles) if ids or picture.markers else None
        regions = plan_regions(size, style, annotation, clinic, footer_line,
                               content_aspect=extent_aspect(points, direction, shot.up))
        scene.aim(points, direction, regions.view, margin=shot.margin, fallback_view=shot.fallback_view, up=shot.up)
    frame = scene.render(picture, transparent=transparent)
    world = scene.anchors(annotation.targets)
    anchors: dict[str, tuple[float, float]] = {}
    if world:
        keys = list(world)
        xy, visible = frame.projector.project([world[k] for k in keys])
        anchors = {k: (float(p[0]), float(p[1])) for k, p, v in zip(keys, xy, visible, strict=True) if v}
    image, layout = compose(frame.image, regions, annotation, anchors, style, clinic, footer_line)
    return AnnotatedPicture(image, layout)
