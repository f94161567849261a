"""Pictures drawn only when first asked for.

A panel of an export is laid out several ways (its insets' column at narrower shares, with
and without insets, a picture of both sides laid out again with other names), and one way
is kept: everything that decides the layout (where the targets fall, where the labels go)
is known before anything is drawn, so each way is planned first and only the one kept is
rendered and drawn (:meth:`ims_atlas.export.render.OffscreenScene.draft`).
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image


class Later:
    """A Pillow picture of a known ``size`` (width, height) that ``draw`` makes when first
    asked for (:meth:`get`); made once.
    """

    def __init__(self, size: tuple[int, int], draw: Callable[[], Image.Image]) -> None:
        self.size = (int(size[0]), int(size[1]))
        self._draw: Callable[[], Image.Image] | None = draw
        self._image: Image.Image | None = None

    def get(self) -> Image.Image:
        """The picture (drawn now if it was not yet)."""
        if self._image is None:
            assert self._draw is not None
            self._image = self._draw()
            self._draw = None
        return self._image
