"""Keep any PyVista plotter (Qt or off-screen) showing a highlight plan. Knows nothing about Qt."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ims_atlas.anatomy.manifest import LAYERS, Manifest
from ims_atlas.core.errors import Problem
from ims_atlas.scene.meshes import load_structures
from ims_atlas.scene.palette import DEFAULT_PALETTE, Palette
from ims_atlas.scene.picture import Picture
from ims_atlas.scene.plan import HighlightPlan, Marker, plan_for
from ims_atlas.scene.views import DEFAULT_VIEW, VIEWS, camera_for


class SceneController:
    """Draw the anatomy on ``plotter`` and apply highlight plans to it.

    One composite actor per layer (bones, spine, muscles, nerves) holds every structure of
    that layer as a block, so a highlight changes block colours and opacities: it never
    rebuilds geometry, and a frame costs a handful of draw calls, not hundreds.
    """

    def __init__(self, plotter: pv.Plotter, manifest: Manifest, palette: Palette = DEFAULT_PALETTE) -> None:
        self._plotter = plotter
        self._manifest = manifest
        self._palette = palette
        self._blocks: dict[str, tuple[str, int]] = {}  # structure id -> (layer, flat block index)
        self._mappers: dict[str, object] = {}
        self._actors: dict[str, object] = {}
        self._marker_actors: list[object] = []
        self.view = DEFAULT_VIEW
        self.problems: list[Problem] = []
        self._build()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        pl = self._plotter
        pl.set_background(self._palette.background_bottom, top=self._palette.background_top)
        all_structures = list(self._manifest)
        meshes, self.problems = load_structures(self._manifest, all_structures)
        for layer in LAYERS:
            members = [s for s in all_structures if s.layer == layer and s.id in meshes]
            if not members:
                continue
            block = pv.MultiBlock()
            for s in members:
                block.append(meshes[s.id], s.id)
                self._blocks[s.id] = (layer, len(block))  # flat index: 0 is the root
            actor, mapper = pl.add_composite(
                block,
                color=self._palette.bone,
                scalars=None,
                show_scalar_bar=False,
                smooth_shading=True,
                specular=0.25,
                specular_power=18,
                diffuse=0.85,
                ambient=0.12,
                name=f"layer:{layer}",
                reset_camera=False,
                render=False,
            )
            mapper.scalar_visibility = False  # colours come from block attributes, never from data
            self._actors[layer] = actor
            self._mappers[layer] = mapper
        self.apply(plan_for(self._manifest, palette=self._palette), render=False)
        self.set_view(DEFAULT_VIEW, render=False)

    # -- queries ------------------------------------------------------------------------
    @property
    def plotter(self) -> pv.Plotter:
        """The plotter this controller draws on."""
        return self._plotter

    @property
    def structure_ids(self) -> list[str]:
        """Ids of every structure that is on screen (loaded)."""
        return list(self._blocks)

    def bounds(self) -> tuple[float, float, float, float, float, float]:
        """Bounds of everything loaded."""
        bounds = [actor.GetBounds() for actor in self._actors.values()]
        if not bounds:
            return (-0.5, 0.5, -0.5, 0.5, 0.0, 1.8)
        b = np.array(bounds)
        return (b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max(), b[:, 4].min(), b[:, 5].max())

    def block_style(self, structure_id: str) -> tuple[tuple[float, float, float], float, bool]:
        """The colour, opacity and visibility a structure is drawn with now."""
        layer, idx = self._blocks[structure_id]
        attr = self._mappers[layer].block_attr[idx]
        return tuple(attr.color.float_rgb), float(attr.opacity), bool(attr.visible)

    # -- effects ------------------------------------------------------------------------
    def apply(self, plan: HighlightPlan, render: bool = True) -> None:
        """Show a plan: set every block's colour, opacity and visibility, redraw the markers."""
        for sid, style in plan.styles.items():
            where = self._blocks.get(sid)
            if where is None:
                continue
            layer, idx = where
            attr = self._mappers[layer].block_attr[idx]
            attr.color = style.color
            attr.opacity = style.opacity
            attr.visible = style.visible
        self._set_markers(plan.markers)
        if render:
            self._plotter.render()

    def show(self, picture: Picture, frame: bool = True, render: bool = True) -> None:
        """Apply a :class:`~ims_atlas.scene.picture.Picture`; with ``frame``, turn the camera
        so that its highlighted structures and markers are all in view."""
        self.apply(picture.highlight, render=False)
        if frame and picture.frame_ids and picture.direction is not None:
            points = self.structure_points(picture.frame_ids)
            if picture.markers:
                points = np.vstack([points, np.array([m.position for m in picture.markers])])
            if len(points):
                self.frame(points, picture.direction, render=False)
        if render:
            self._plotter.render()

    def _set_markers(self, markers: tuple[Marker, ...]) -> None:
        for actor in self._marker_actors:
            self._plotter.remove_actor(actor, render=False)
        self._marker_actors = []
        for role in ("local", "paraspinal"):
            pts = [m.position for m in markers if m.role == role]
            if not pts:
                continue
            cloud = pv.PolyData(np.asarray(pts, dtype=np.float32))
            # Different glyph shapes as well as colours: spheres for local, cubes for paraspinal.
            glyph = pv.Sphere(radius=0.009) if role == "local" else pv.Cube(x_length=0.016, y_length=0.016, z_length=0.016)
            actor = self._plotter.add_mesh(
                cloud.glyph(geom=glyph, scale=False, orient=False),
                color=getattr(self._palette, f"{role}_marker"),
                smooth_shading=True,
                name=f"markers:{role}",
                reset_camera=False,
                render=False,
            )
            self._marker_actors.append(actor)

    def set_view(self, name: str, render: bool = True) -> None:
        """Move the camera to a named preset that frames the whole body."""
        if name not in VIEWS:
            raise ValueError(f"unknown view {name!r}; choose one of {', '.join(VIEWS)}")
        w, h = self._plotter.window_size
        # Before a Qt widget is laid out its size can be 1 pixel wide: keep the aspect sane.
        aspect = min(max(w / max(h, 1), 0.5), 3.0)
        pos, focal, up = camera_for(name, self.bounds(), aspect=aspect)
        cam = self._plotter.camera
        cam.position, cam.focal_point, cam.up = pos, focal, up
        cam.view_angle = 30.0
        self._plotter.reset_camera_clipping_range()
        self.view = name
        if render:
            self._plotter.render()

    def frame(self, points: np.ndarray, direction: tuple[float, float, float], margin: float = 1.25,
              render: bool = True) -> None:
        """Point the camera along ``direction`` (focus -> eye) so that every point is in view."""
        from ims_atlas.scene.views import frame_points

        w, h = self._plotter.window_size
        aspect = min(max(w / max(h, 1), 0.5), 3.0)
        pos, focal, up = frame_points(np.asarray(points, dtype=float), direction, aspect=aspect, margin=margin)
        cam = self._plotter.camera
        cam.position, cam.focal_point, cam.up = pos, focal, up
        cam.view_angle = 30.0
        self._plotter.reset_camera_clipping_range()
        self.view = "custom"
        if render:
            self._plotter.render()

    def structure_points(self, structure_ids) -> np.ndarray:
        """Corner points of the bounding boxes of some structures (for framing)."""
        corners = []
        for sid in structure_ids:
            where = self._blocks.get(sid)
            if where is None:
                continue
            layer, idx = where
            block = self._actors[layer].mapper.dataset
            mesh = block[idx - 1]
            b = mesh.bounds
            corners.append([b[0], b[2], b[4]])
            corners.append([b[1], b[3], b[5]])
        return np.asarray(corners, dtype=float).reshape(-1, 3)

    def screenshot(self) -> np.ndarray:
        """Render and return the current frame as an (h, w, 3) uint8 array."""
        self._plotter.render()
        return np.asarray(self._plotter.screenshot(return_img=True))

    def close(self) -> None:
        """Drop references to actors; the owner closes the plotter."""
        self._actors.clear()
        self._mappers.clear()
        self._marker_actors.clear()
        self._blocks.clear()


def scene_theme() -> pv.themes.Theme:
    """The plotter theme IMS Atlas renders with: no multisampling (2-3x slower on software GL,
    and it hides translucent actors under depth peeling on llvmpipe), no SSAA (it renders the scene several times)."""
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    theme.anti_aliasing = None
    theme.lighting = True
    return theme


def offscreen_plotter(size: tuple[int, int] = (1280, 800)) -> pv.Plotter:
    """An off-screen plotter configured like the app's window (for export and tests)."""
    return pv.Plotter(off_screen=True, window_size=list(size), theme=scene_theme())
