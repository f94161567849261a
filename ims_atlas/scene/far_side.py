"""The far limb cut away in one viewport of a split window (a medial view beside another).

A medial view of one limb looks past the other limb, which stands between the camera and
the targets. With one viewport the other side's structures are simply not drawn
(:func:`ims_atlas.scene.picture.picture_in_view`); two viewports share their actors, so
hiding them in one would hide them in both (the view from behind would lose half the body),
switching them per frame would rebuild the shared buffers twice a frame, and drawing them
again in the other viewport with actors of its own (as the arm a view from the side leaves
out: :mod:`ims_atlas.scene.viewport_only`) would draw half the body twice. Instead the
medial viewport's camera keeps its near clipping plane at the body's midline: what lies
between the camera and the midline (the other limb) is not drawn there, at no cost, and the
other viewport draws everything. Only while the camera still looks from the medial side
(a user who turns it away sees the whole body again).
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.facing import frame_axes
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.scene.target_views import TargetView

#: The camera looks from the medial side while its direction is within about 45 degrees of
#: the view's.
STILL_MEDIAL = 0.7
#: The near plane sits this far (metres) on the camera's side of the midline (the midline's
#: own structures, the spine, stay whole).
MIDLINE_SLACK = 0.01


class FarSideClip:
    """Keeps ``renderer``'s near plane at the midline while it shows a medial ``view``."""

    def __init__(self, renderer, manifest: Manifest) -> None:
        self._renderer = renderer
        _, left, _ = frame_axes(manifest)
        self._normal = np.asarray(left, dtype=float)
        self._midline = float(manifest.midline_x) * self._normal
        self._view: TargetView | None = None
        self._observer = renderer.AddObserver("ResetCameraClippingRangeEvent", self._on_reset)

    @property
    def active(self) -> bool:
        """Whether a medial view is being cut at the midline."""
        return self._view is not None

    def set(self, view: TargetView | None, reset: bool = True) -> None:
        """Cut at the midline while ``view`` is a medial one; None (or another view): never.
        Without ``reset`` the cut takes effect at the camera's next clipping-range reset (a
        caller about to move the camera saves one: each measures every prop's bounds).
        """
        self._view = view if view is not None and view.name.startswith("medial-") else None
        if reset:
            self._renderer.ResetCameraClippingRange()

    def near_distance(self) -> float | None:
        """How far the near plane must be for the camera as it is now, or None (no cut)."""
        if self._view is None:
            return None
        cam = self._renderer.GetActiveCamera()
        position = np.array(cam.GetPosition(), dtype=float)
        looking = np.array(cam.GetDirectionOfProjection(), dtype=float)
        # The view's direction points from the targets to the eye; the camera looks the other way.
        if float(np.dot(-looking, np.asarray(self._view.direction, dtype=float))) < STILL_MEDIAL:
            return None
        across = float(np.dot(looking, self._normal))
        if abs(across) < 1e-6:
            return None
        distance = float(np.dot(self._midline - position, self._normal)) / across - MIDLINE_SLACK
        return distance if distance > 0 else None

    def _on_reset(self, *_args) -> None:
        near = self.near_distance()
        if near is None:
            return
        cam = self._renderer.GetActiveCamera()
        _, far = cam.GetClippingRange()
        cam.SetClippingRange(near, max(far, near * 1.5 + 0.1))

    def close(self) -> None:
        """Stop cutting and forget the renderer."""
        self._view = None
        self._renderer.RemoveObserver(self._observer)
