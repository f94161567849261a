"""Actors a layer adds to a plotter on request and takes away again (the organs, the danger
zones): one owner for the list, and a structure's mesh read into a surface for them.
"""

from __future__ import annotations

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.scene.meshes import to_polydata


class AddedActors:
    """The actors a layer has added to ``plotter``; :meth:`hide` removes them all."""

    def __init__(self, plotter) -> None:
        self._plotter = plotter
        self._actors: list = []

    @property
    def shown(self) -> bool:
        """True while any of the layer's actors is drawn."""
        return bool(self._actors)

    def _add(self, actor):
        self._actors.append(actor)
        return actor

    def hide(self, render: bool = True) -> None:
        """Remove every actor the layer added."""
        for a in self._actors:
            self._plotter.remove_actor(a, render=False)
        self._actors = []
        if render:
            self._plotter.render()


def structure_surface(manifest: Manifest, structure: Structure):
    """A structure's mesh as a PyVista surface (:class:`~ims_atlas.core.errors.DataError` if unreadable)."""
    mesh = read_mesh(manifest.file_path(structure), structure.triangles)
    return to_polydata(mesh.points, mesh.faces)
