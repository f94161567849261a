"""The markers (epicentres, paraspinal needle points) and their labels, drawn over the anatomy.

A renderer of its own, in a layer above the scene's renderer and sharing its camera, so a
needle point hidden by the muscle in front of it is still seen (no use chair-side otherwise).
One overlay per viewport: the window's second viewport (the "both" view of a plan) has its
own, with the labels of its own view.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ims_atlas.scene.palette import Palette
from ims_atlas.scene.plan import MARKER_CUBE, MARKER_RADIUS, Marker, label_groups
from ims_atlas.scene.target_labels import TargetLabels

#: Marker roles drawn as shapes (an "anchor" only carries a label).
SHAPES = ("local", "paraspinal")
#: The share of a marker's colour that needs no light (the rest is lit by the headlight).
MARKER_AMBIENT = 0.4


class MarkerOverlay:
    """Markers and labels over ``renderer`` (same camera, same viewport), made on first use.

    Parameters
    ----------
    render_window
        The window the overlay is added to (as a layer above the scene).
    renderer
        The scene's renderer whose camera and viewport the overlay follows.
    palette
        Marker and label colours.
    midline_x
        The body's mid-sagittal plane: labels go on the side of a marker away from it.
    """

    def __init__(self, render_window, renderer, palette: Palette, midline_x: float) -> None:
        self._window = render_window
        self._scene_renderer = renderer
        self._palette = palette
        self._midline_x = midline_x
        self._renderer = None
        self._actors: dict[str, object] = {}
        self.labels: TargetLabels | None = None
        self._key: tuple = ((), False)
        self._templates: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._shown: list[object] = []
        self._scale = 1.0
        #: Labels besides the markers' (the danger zones' depth tags): (text, point) pairs.
        self._extra: tuple[tuple[str, tuple[float, float, float]], ...] = ()
        self._last: tuple = ((), False, None)
        #: The markers now labelled (one per label: a run of needle points shares one).
        self.labelled: tuple[Marker, ...] = ()

    @property
    def scale(self) -> float:
        """How many times their model size the marker shapes are drawn (1: as made)."""
        return self._scale

    @property
    def extra(self) -> tuple[tuple[str, tuple[float, float, float]], ...]:
        """The further labels drawn with the markers' (:meth:`set_extra`)."""
        return self._extra

    def set_scale(self, scale: float) -> None:
        """Draw the marker shapes ``scale`` times their size from the next :meth:`set` on (an
        export's enlarged inset draws them smaller by its zoom, so they keep their size on
        screen instead of growing into large discs).
        """
        if scale <= 0:
            raise ValueError(f"marker scale must be positive, not {scale}")
        if scale != self._scale:
            self._scale = float(scale)
            self._key = ((), False)

    def keep_within(self, most_px: float) -> None:
        """Draw the marker shapes at most ``most_px`` pixels across for the scene's camera as it
        is now (never larger than their model size): framed close (a sole seen from below, a
        close-up, the wheel), a 1 cm marker grew to 40 pixels and hid the muscle it marks.
        The scale moves in steps of a quarter octave, so a turning camera re-makes the shapes
        only now and then.
        """
        from ims_atlas.scene import camera

        points = [m.position for m in self._last[0] if m.role in SHAPES]
        if not points or self._renderer is None:
            return
        metres = float(camera.pixel_size(self._scene_renderer, np.asarray(points, dtype=float)).min())
        fit = most_px * metres / (2.0 * MARKER_RADIUS)
        scale = 1.0 if fit >= 1.0 else float(2.0 ** (np.floor(4.0 * np.log2(max(fit, 1e-3))) / 4.0))
        if scale != self._scale:
            self.set_scale(scale)
            self.set(*self._last)

    @property
    def renderer(self):
        """The overlay's renderer (None until something was drawn)."""
        return self._renderer

    @property
    def props(self) -> list[object]:
        """The markers, leaders and labels now drawn."""
        return list(self._shown)

    def _make(self) -> None:
        from vtkmodules.vtkRenderingCore import vtkRenderer

        overlay = vtkRenderer()
        overlay.SetLayer(1)
        overlay.InteractiveOff()
        overlay.SetActiveCamera(self._scene_renderer.GetActiveCamera())
        overlay.SetViewport(*self._scene_renderer.GetViewport())
        self._window.SetNumberOfLayers(max(self._window.GetNumberOfLayers(), 2))
        self._window.AddRenderer(overlay)
        self._renderer = overlay
        for role in SHAPES:
            actor = _surface_actor(pv.PolyData())
            prop = actor.GetProperty()
            prop.SetColor(*pv.Color(getattr(self._palette, f"{role}_marker")).float_rgb)
            prop.SetInterpolationToPhong()
            # Some light of their own: a face the camera's headlight only grazes (the underside
            # of a cube above the eye) is the marker's colour, darker, never black. A marker a
            # few pixels across would otherwise be a third black at its centre.
            prop.SetAmbient(MARKER_AMBIENT)
            prop.SetDiffuse(1.0 - MARKER_AMBIENT)
            prop.SetSpecular(0.3)
            actor.SetVisibility(False)
            overlay.AddViewProp(actor)
            self._actors[role] = actor
        self.labels = TargetLabels(overlay, (1.0, 1.0, 1.0), pv.Color(self._palette.background_bottom).float_rgb)

    def follow_viewport(self) -> None:
        """Take the scene renderer's viewport again (after it changed)."""
        if self._renderer is not None:
            self._renderer.SetViewport(*self._scene_renderer.GetViewport())

    def set(self, markers: tuple[Marker, ...], labels: bool = False, labelled: tuple[Marker, ...] | None = None) -> None:
        """Show ``markers``; with ``labels``, label ``labelled`` (by default all of them).

        The actors are made once and given new geometry on each switch (new actors meant new
        mappers, text renderers and GPU buffers every time); nothing changes when the
        markers do not.
        """
        key = (markers, labels, labelled, self._scale, self._extra)
        self._last = (markers, labels, labelled)
        if key == self._key:
            return
        self._key = key
        if not markers and not self._extra and self._renderer is None:
            return
        if self._renderer is None:
            self._make()
        shown: set[str] = set()
        for role in SHAPES:
            pts = [m.position for m in markers if m.role == role]
            if pts:
                self._actors[role].GetMapper().SetInputData(self._glyphs(role, np.asarray(pts, dtype=np.float64)))
                shown.add(role)
        for name, actor in self._actors.items():
            actor.SetVisibility(name in shown)
        # Needle points beside the spine on one side share one label ("C5-C7 right"): level
        # labels 2 cm apart would stack into a tall column of near-identical names.
        named = label_groups(markers if labelled is None else labelled) if labels else []
        self.labelled = tuple(named)
        # Further labels (danger-zone depths) are laid out with the markers' own: clear of
        # every marker and label.
        texts = [m.label for m in named] + [text for text, _ in self._extra]
        points = [m.position for m in named] + [p for _, p in self._extra]
        self.labels.set(texts, np.array(points, dtype=float).reshape(-1, 3), self._midline_x)
        self._shown = [self._actors[name] for name in self._actors if name in shown] + self.labels.props

    def set_extra(self, items) -> None:
        """Label these ``(text, point)`` pairs too, with the markers' labels (``()``: none)."""
        items = tuple((str(t), tuple(float(c) for c in p)) for t, p in items)
        if items != self._extra:
            self._extra = items
            self.set(*self._last)

    def layout(self) -> None:
        """Place the labels for the current camera (before each frame)."""
        if self.labels is not None:
            self.labels.layout()

    def _glyphs(self, role: str, positions: np.ndarray):
        """One surface with a marker shape at each position: spheres for local needle points,
        cubes for paraspinal ones (shape as well as colour tells them apart). The shapes are
        made once and copied with NumPy (a VTK glyph filter per switch cost most of a
        highlight's Python time).
        """
        template = self._templates.get(role)
        if template is None:
            # 16 x 16 facets: round at the 10-20 pixels a marker covers, and a quarter of the
            # triangles of pyvista's default sphere.
            shape = (pv.Sphere(radius=MARKER_RADIUS, theta_resolution=16, phi_resolution=16) if role == "local"
                     else pv.Cube(x_length=MARKER_CUBE, y_length=MARKER_CUBE, z_length=MARKER_CUBE).triangulate())
            shape = shape.compute_normals(split_vertices=True, auto_orient_normals=True)
            template = (np.asarray(shape.points, dtype=np.float64), shape.regular_faces,
                        np.asarray(shape.point_data["Normals"], dtype=np.float32))
            self._templates[role] = template
        points, faces, normals = template
        k, n = len(positions), len(points)
        all_points = (points[None, :, :] * self._scale + positions[:, None, :]).reshape(-1, 3)
        all_faces = (faces[None, :, :] + (np.arange(k) * n)[:, None, None]).reshape(-1, 3)
        return plain_surface(all_points, all_faces, np.tile(normals, (k, 1)))

    def close(self) -> None:
        """Remove the overlay from the window."""
        if self._renderer is not None:
            self._renderer.RemoveAllViewProps()
            self._window.RemoveRenderer(self._renderer)
            self._renderer = None
        if self.labels is not None:
            self.labels.clear()
            self.labels = None
        self._actors.clear()
        self._shown = []
        self.labelled = ()
        self._key = ((), False)


def _surface_actor(data):
    """A plain actor drawing ``data`` in one colour (no lookup table, no scalars)."""
    from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

    mapper = vtkPolyDataMapper()
    mapper.SetInputData(data)
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    return actor


def plain_surface(points: np.ndarray, faces: np.ndarray, normals: np.ndarray):
    """A small vtkPolyData with point normals, made with plain VTK (pyvista's wrappers cost
    0.6 ms for a handful of markers, on every switch).
    """
    from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

    data = vtkPolyData()
    vtk_points = vtkPoints()
    vtk_points.SetData(numpy_to_vtk(np.ascontiguousarray(points, dtype=np.float32), deep=True))
    data.SetPoints(vtk_points)
    cells = vtkCellArray()
    offsets = np.arange(0, 3 * len(faces) + 1, 3, dtype=np.int64)
    cells.SetData(numpy_to_vtkIdTypeArray(offsets, deep=True),
                  numpy_to_vtkIdTypeArray(np.ascontiguousarray(faces, dtype=np.int64).ravel(), deep=True))
    data.SetPolys(cells)
    vtk_normals = numpy_to_vtk(np.ascontiguousarray(normals, dtype=np.float32), deep=True)
    vtk_normals.SetName("Normals")
    data.GetPointData().SetNormals(vtk_normals)
    return data
