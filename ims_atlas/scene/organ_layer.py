"""The organs and vessels (the manifest's on-request layers: lungs, pleural sacs, kidneys, the
spinal cord, vertebral, common carotid, subclavian, brachial and popliteal arteries) drawn on
request over the anatomy, each in its own colour, the pleurae and lungs see-through. Nothing is
read until :meth:`OrganLayer.show` is called. Works on any plotter.
"""

from __future__ import annotations

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.scene.added_actors import AddedActors, structure_surface

#: Colour and opacity by the start of a structure's id.
LOOKS = {
    "pleura": ((0.55, 0.70, 0.95), 0.25),
    "lung": ((0.93, 0.62, 0.70), 0.55),
    "kidney": ((0.55, 0.16, 0.14), 0.95),
    "vertebral_artery": ((0.80, 0.05, 0.10), 1.0),
    "common_carotid": ((0.80, 0.05, 0.10), 1.0),
    "subclavian_artery": ((0.80, 0.05, 0.10), 1.0),
    "brachial_artery": ((0.80, 0.05, 0.10), 1.0),
    "popliteal_artery": ((0.80, 0.05, 0.10), 1.0),
    "spinal_cord": ((0.96, 0.88, 0.55), 1.0),
}
DEFAULT_LOOK = ((0.7, 0.3, 0.3), 0.8)


def look_of(structure: Structure) -> tuple[tuple[float, float, float], float]:
    """Colour and opacity of an organ or vessel."""
    return next((v for k, v in LOOKS.items() if structure.id.startswith(k)), DEFAULT_LOOK)


class OrganLayer(AddedActors):
    """Adds and removes the organ actors on a plotter."""

    def show(self, manifest: Manifest, render: bool = True) -> list[str]:
        """Draw every on-request structure whose mesh reads; returns the ids drawn."""
        from ims_atlas.core.errors import DataError

        self.hide(render=False)
        drawn = []
        for s in manifest.on_request:
            try:
                surface = structure_surface(manifest, s)
            except DataError:
                continue  # the validator names a broken file; the rest are still drawn
            colour, opacity = look_of(s)
            self._add(self._plotter.add_mesh(surface, color=colour,
                                                       opacity=opacity, smooth_shading=True, pickable=False,
                                                       reset_camera=False, name=f"organ:{s.id}"))
            drawn.append(s.id)
        if render:
            self._plotter.render()
        return drawn
