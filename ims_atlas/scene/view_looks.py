"""How each view of a picture draws it otherwise than the picture's own styles, remembered.

A view leaves some structures out (a medial view the other side, a view from the side the
arm hanging in front of its targets) and draws a treated muscle that lies over another's
needle point see-through (:func:`ims_atlas.scene.picture.picture_in_view`, as the export's
panel of that view draws it). Both take ray tests through the body: 2-30 ms a view. The
window asks again at every switch (a layer, the labels, "Local"/"Spine"/"Both", the plan and
back), and the picture is made anew each time, so the answers are kept by what they depend
on (:func:`looks_key`), not by the picture object: a picture shown before casts no ray.
Pure (NumPy through the body's ray tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from ims_atlas.anatomy.body_meshes import BodyMeshes
from ims_atlas.anatomy.facing import hidden_for
from ims_atlas.scene.picture import Picture, opaque_ids, see_through, view_markers
from ims_atlas.scene.target_views import TargetView, arm_hidden

Vec3 = tuple[float, float, float]

#: The camera's position is rounded to this (metres) before the ray tests: the same framing
#: asked for twice gives the same answer from the cache, exactly as cast.
EYE_ROUNDING = 1e-4
#: How many views' answers are kept (a few bytes of structure ids each).
KEPT = 64


@dataclass(frozen=True)
class ViewLooks:
    """What one view draws otherwise than its picture."""

    far_side: frozenset[str]  # a medial view's other side (the other limb), not drawn
    arm: frozenset[str]  # the free upper limb a view from the side leaves out
    clear: frozenset[str]  # drawn see-through: opaque and in front of one of the view's points

    @property
    def left_out(self) -> frozenset[str]:
        """Every structure the view does not draw."""
        return self.far_side | self.arm


def rounded_eye(eye) -> Vec3 | None:
    """The camera position the ray tests are cast from (:data:`EYE_ROUNDING`), or None."""
    if eye is None:
        return None
    return tuple(round(float(c) / EYE_ROUNDING) * EYE_ROUNDING for c in eye)  # type: ignore[return-value]


def view_looks(picture: Picture, view: TargetView, body: BodyMeshes, eye=None) -> ViewLooks:
    """How ``view`` draws ``picture``, seen from the camera at ``eye`` (None: along the view's
    direction). Ray tests: the arm's in front of the targets, then the see-through ones.
    """
    far = frozenset(hidden_for(view.name, body.manifest))
    arm = frozenset(arm_hidden(view, picture.targets, body))
    return ViewLooks(far, arm, frozenset(see_through(picture, view, body, far | arm, eye)))


def looks_key(picture: Picture, view: TargetView, eye=None) -> tuple:
    """Everything :func:`view_looks` depends on for one body: the view, its markers, the
    picture's targets (their points and structures), which structures are drawn opaque, and
    the camera's position.
    """
    return view, view_markers(picture, view), picture.targets, opaque_ids(picture.highlight.styles), rounded_eye(eye)


class LooksCache:
    """:func:`view_looks` remembered for the last :data:`KEPT` views asked about."""

    def __init__(self) -> None:
        self._kept: dict[tuple, ViewLooks] = {}
        self._body: BodyMeshes | None = None

    def get(self, picture: Picture, view: TargetView, body: BodyMeshes, eye=None) -> ViewLooks:
        """How ``view`` draws ``picture`` from ``eye``: cast the first time, then from the cache."""
        if body is not self._body:  # another anatomy: other answers
            self._kept.clear()
            self._body = body
        key = looks_key(picture, view, eye)
        looks = self._kept.pop(key, None)
        if looks is None:
            looks = view_looks(picture, view, body, rounded_eye(eye))
            if len(self._kept) >= KEPT:
                self._kept.pop(next(iter(self._kept)))
        self._kept[key] = looks  # the most recent last
        return looks

    def clear(self) -> None:
        """Forget every answer."""
        self._kept.clear()
        self._body = None
