"""The skin drawn over the anatomy, translucent, with one dermatome painted on it.

Works on any PyVista plotter (the window's or an off-screen one): one actor, coloured per
vertex (RGBA), so the muscles lit for the segment's myotome show through the skin.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.scene.skin_colours import (
    DERMATOME_ALPHA,
    DERMATOME_RGB,
    REFERRED_ALPHA,
    REFERRED_RGB,
    SKIN_ALPHA,
    SKIN_RGB,
)
from ims_atlas.study.dermatomes import PaintedSkin


def skin_colours(skin: PaintedSkin, map_id: str | None, segment: str | None,
                 zones: np.ndarray | None = None) -> np.ndarray:
    """RGBA (0-255) per vertex: pale translucent skin, the segment's dermatome stronger, and
    referred-pain ``zones`` (a boolean per vertex) on top.
    """
    rgba = np.empty((len(skin.points), 4), dtype=np.uint8)
    rgba[:, :3] = np.round(np.asarray(SKIN_RGB) * 255)
    rgba[:, 3] = round(SKIN_ALPHA * 255)
    if map_id is not None and segment is not None and segment in skin.segments and map_id in skin.labels:
        mask = skin.vertex_mask(map_id, segment)
        rgba[mask, :3] = np.round(np.asarray(DERMATOME_RGB) * 255)
        rgba[mask, 3] = round(DERMATOME_ALPHA * 255)
    if zones is not None:
        rgba[zones, :3] = np.round(np.asarray(REFERRED_RGB) * 255)
        rgba[zones, 3] = round(REFERRED_ALPHA * 255)
    return rgba


class SkinLayer:
    """Adds, recolours and removes the skin actor on a plotter."""

    def __init__(self, plotter) -> None:
        self._plotter = plotter
        self._actor = None
        self._mesh = None
        self._skin: PaintedSkin | None = None

    @property
    def shown(self) -> bool:
        """True while the skin is drawn."""
        return self._actor is not None

    def show(self, skin: PaintedSkin, map_id: str | None, segment: str | None, render: bool = True,
             zones: np.ndarray | None = None) -> None:
        """Draw ``skin`` with ``segment``'s dermatome in ``map_id`` (None: plain skin) and
        referred-pain ``zones``.
        """
        import pyvista as pv

        if self._skin is not skin or self._mesh is None:
            self.hide(render=False)
            faces = np.hstack([np.full((len(skin.faces), 1), 3, dtype=np.int64), skin.faces]).ravel()
            self._mesh = pv.PolyData(np.asarray(skin.points, dtype=np.float64), faces)
            self._skin = skin
        self._mesh.point_data["skin_rgba"] = skin_colours(skin, map_id, segment, zones)
        if self._actor is None:
            self._actor = self._plotter.add_mesh(self._mesh, scalars="skin_rgba", rgba=True, smooth_shading=True,
                                                 pickable=False, name="ims-skin", reset_camera=False,
                                                 show_scalar_bar=False)
        if render:
            self._plotter.render()

    def hide(self, render: bool = True) -> None:
        """Remove the skin."""
        if self._actor is not None:
            self._plotter.remove_actor(self._actor, render=False)
            self._actor = None
        if render:
            self._plotter.render()
