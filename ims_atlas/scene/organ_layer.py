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


#: How strongly the see-through copy of a found organ shows where the anatomy covers it.
GHOST_OPACITY = 0.45


class FoundOrgan(AddedActors):
    """An organ or a vessel found by name, drawn lit (in ``colour``) among the anatomy, and a
    see-through copy of it over the anatomy, so the part the bones cover (the cord in its
    canal) still shows, fainter; the organ layer's own copy of it, if shown, is hidden
    meanwhile (two copies of one surface flicker).
    """

    def __init__(self, plotter) -> None:
        super().__init__(plotter)
        self._covered = None
        self._overlay = None  # the renderer of the see-through copy, above the scene's
        #: The id of the structure drawn, or None.
        self.structure_id: str | None = None

    def _ghost(self, surface, colour) -> None:
        from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer

        scene = self._plotter.renderer
        window = self._plotter.render_window
        if self._overlay is None:
            overlay = vtkRenderer()
            overlay.SetLayer(1)
            overlay.InteractiveOff()
            window.SetNumberOfLayers(max(window.GetNumberOfLayers(), 2))
            window.AddRenderer(overlay)
            self._overlay = overlay
        self._overlay.SetActiveCamera(scene.GetActiveCamera())
        self._overlay.SetViewport(*scene.GetViewport())
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(surface)
        mapper.ScalarVisibilityOff()  # (the surface carries its normals, not colours)
        actor = vtkActor()
        actor.SetMapper(mapper)
        actor.PickableOff()
        prop = actor.GetProperty()
        prop.SetColor(*colour)
        prop.SetOpacity(GHOST_OPACITY)
        prop.BackfaceCullingOn()  # its near side only: the far side's folds would streak it
        self._overlay.AddViewProp(actor)

    def show(self, manifest: Manifest, structure_id: str, colour, render: bool = True) -> bool:
        """Draw one on-request structure lit; False (nothing drawn) when its mesh cannot be read."""
        from ims_atlas.core.errors import DataError

        self.hide(render=False)
        structure = manifest.requested(structure_id)
        try:
            surface = structure_surface(manifest, structure)
        except DataError:
            return False
        # A sac round an organ (the pleura) stays see-through, so what it wraps shows.
        opacity = 0.6 if structure.id.startswith("pleura") else 1.0
        self._add(self._plotter.add_mesh(surface, color=colour, opacity=opacity, smooth_shading=True,
                                         pickable=False, reset_camera=False, name=f"found:{structure.id}"))
        organ = self._plotter.actors.get(f"organ:{structure.id}")
        if organ is not None and organ.GetVisibility():
            organ.SetVisibility(False)
            self._covered = organ
        self._ghost(surface, colour)
        self.structure_id = structure.id
        if render:
            self._plotter.render()
        return True

    def hide(self, render: bool = True) -> None:
        """Take the lit structure away (and show the organ layer's copy again)."""
        if self._covered is not None:
            self._covered.SetVisibility(True)
            self._covered = None
        if self._overlay is not None:
            self._overlay.RemoveAllViewProps()
        self.structure_id = None
        super().hide(render)
