"""A dark outline round each treated muscle, so opaque neighbours stay distinct.

The silhouette edges of the lit muscles (edges between a face turned to the camera and one
turned away) are recomputed by VTK whenever the camera moves and drawn as lines in the
scene's own renderer, so they are hidden where something opaque lies in front.
"""

from __future__ import annotations

from collections.abc import Sequence

from vtkmodules.vtkFiltersCore import vtkAppendPolyData
from vtkmodules.vtkFiltersHybrid import vtkPolyDataSilhouette
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

#: Line width of the outline, in pixels.
LINE_PX = 2.0


class Outline:
    """The outline of some surfaces, drawn in ``renderer`` with its camera."""

    def __init__(self, renderer, rgb: tuple[float, float, float]) -> None:
        self._append = vtkAppendPolyData()
        self._silhouette = vtkPolyDataSilhouette()
        self._silhouette.SetInputConnection(self._append.GetOutputPort())
        self._silhouette.SetCamera(renderer.GetActiveCamera())
        self._silhouette.BorderEdgesOff()
        self._silhouette.SetEnableFeatureAngle(False)
        mapper = vtkPolyDataMapper()
        mapper.SetInputConnection(self._silhouette.GetOutputPort())
        mapper.ScalarVisibilityOff()
        # Drawn a touch towards the camera so the line is not lost in the surface it edges.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(0.0, -4.0)
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*rgb)
        prop.SetLineWidth(LINE_PX)
        prop.LightingOff()
        self.actor.PickableOff()
        self.actor.SetVisibility(False)
        self._renderer = renderer
        renderer.AddActor(self.actor)
        self.count = 0

    def set_surfaces(self, surfaces: Sequence) -> None:
        """Outline these surfaces (none: no outline)."""
        self._append.RemoveAllInputs()
        for surface in surfaces:
            self._append.AddInputData(surface)
        self.count = len(surfaces)
        self.actor.SetVisibility(bool(surfaces))

    def close(self) -> None:
        """Remove the outline from its renderer."""
        self._append.RemoveAllInputs()
        self._renderer.RemoveActor(self.actor)
