"""Keep any PyVista plotter (Qt or off-screen) showing a highlight plan. Knows nothing about Qt."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyvista as pv

from ims_atlas.anatomy.manifest import LAYERS, Manifest
from ims_atlas.core.errors import Problem
from ims_atlas.scene import camera
from ims_atlas.scene.block_table import UNHIGHLIGHTED, BlockTable, coarse_error_far
from ims_atlas.scene.crowds import can_crowd, find_tiered
from ims_atlas.scene.draw_groups import lit_group, partition
from ims_atlas.scene.far_side import FarSideClip
from ims_atlas.scene.marker_overlay import MarkerOverlay
from ims_atlas.scene.meshes import COARSE_ERROR, COARSE_LAYERS, load_structures
from ims_atlas.scene.outline import Outline
from ims_atlas.scene.palette import DEFAULT_PALETTE, Palette
from ims_atlas.scene.picking import Pickable, pick
from ims_atlas.scene.picture import Picture, body_for, in_view, view_frame_points, view_markers
from ims_atlas.scene.picture_checks import on_body
from ims_atlas.scene.plan import HighlightPlan, Marker, plan_for
from ims_atlas.scene.second_viewport import LEFT_HALF, WHOLE, SecondViewport
from ims_atlas.scene.target_views import TargetView
from ims_atlas.scene.view_caption import ViewCaption
from ims_atlas.scene.view_looks import LooksCache
from ims_atlas.scene.viewport_only import OwnStructure, ViewportOnly
from ims_atlas.scene.views import DEFAULT_VIEW, Pose

#: Where ``COARSE_ERROR`` (scene.meshes: the most a coarse copy strays from its full surface)
#: is at most ``COARSE_PIXELS`` pixels on screen, as in a whole-body view, the copy looks the
#: same and an unhighlighted muscle is drawn from it at rest too (the full surface costs time
#: and memory and adds nothing visible). Close up, the full surfaces return.
COARSE_PIXELS = 1.5
#: A close-up on a crowd (:meth:`SceneController.close_up`) shows at least this much (metres)
#: across: a hand, a wrist, a foot (the view is framed 1.3 times as wide).
CLOSE_UP_LEAST = 0.08


#: Where a close-up may look from when its crowd lies behind one another from the camera:
#: from the front, behind, the right and the left (focus -> eye, in the model frame: -Y is
#: anterior, +X the subject's left).
CLOSE_UP_SIDES = {"from the front": (0.0, -1.0, 0.0), "from behind": (0.0, 1.0, 0.0),
                  "from the right side": (-1.0, 0.0, 0.0), "from the left side": (1.0, 0.0, 0.0)}
#: ... and only when that sets the crowd's points this many times as far apart (each from its
#: nearest neighbour, the median).
CLOSE_UP_TURN = 1.7


def _least_apart(points: np.ndarray, toward: np.ndarray) -> float:
    """How far apart ``points`` look along ``toward``: the median distance (metres) from each
    to its nearest neighbour on the screen's plane.
    """
    if len(points) < 2:
        return 0.0
    d = toward / max(float(np.linalg.norm(toward)), 1e-9)
    flat = points - np.outer(points @ d, d)
    gaps = np.linalg.norm(flat[:, None, :] - flat[None, :, :], axis=2)
    gaps[np.diag_indices(len(points))] = np.inf
    return float(np.median(gaps.min(axis=1)))


class SceneController:
    """Draw the anatomy on ``plotter`` and apply highlight plans to it.

    One composite actor per layer (bones, spine, muscles, nerves) holds every structure of
    that layer as a block, so a highlight changes block colours and opacities: it never
    rebuilds geometry, and a frame costs a handful of draw calls, not hundreds.

    The highlighted structures of each layer are drawn by a small actor of their own (its
    "lit" group), and a block's colour, opacity or visibility is set only when it changes.
    VTK re-copies every block of a composite actor, shown or hidden, into new vertex and index
    buffers whenever any block's attributes change: with the targets in the layer's own
    actor, every switch re-copied all 238 muscles (177k triangles); now the layer actors
    stay as they are from one highlighted plan to the next, and a switch re-copies the few
    targets and the coarse copies of the body zones whose targets changed.
    """

    def __init__(self, plotter: pv.Plotter, manifest: Manifest, palette: Palette = DEFAULT_PALETTE) -> None:
        self._plotter = plotter
        self._manifest = manifest
        self._palette = palette
        self.blocks = BlockTable(palette)  # which block draws each structure, and how
        self._actors: dict[str, object] = {}  # group -> actor (the full-detail surfaces)
        self._coarse_actors: dict[str, object] = {}
        # The surfaces the treated muscles' outline is computed from: their coarse copies.
        # VTK's silhouette filter keeps an edge table of its whole input per viewport (about
        # 13 MB for a two-viewport plan from the full surfaces, half from the copies) and
        # recomputes it at every camera move; at an outline's 1.5 px the line is the same.
        self._outlined: dict[str, object] = {}
        self._markers = MarkerOverlay(plotter.render_window, plotter.renderer, palette, manifest.midline_x)
        self._marker_cap: float | None = None  # pixels across (set_marker_cap)
        self._second: SecondViewport | None = None
        self._parked: SecondViewport | None = None  # the second viewport while not split
        self._caption: ViewCaption | None = None  # what the (first) viewport shows, in words
        # While split, what one viewport draws and the other leaves out ("first", "second").
        self._own: dict[str, ViewportOnly] = {}
        # How each view draws a picture (what it leaves out, what it makes see-through): ray
        # tests, cast once per picture and view.
        self._looks = LooksCache()
        self._far_clips: tuple[FarSideClip, ...] = ()
        self._coarse_ids: list[str] = []
        self._coarse_centres = np.zeros((0, 3))
        self._frame_observer = None
        self._pickables: dict[str, Pickable] = {}
        self._outline = Outline(plotter.renderer, palette.outline)
        self.blocks.on_relight = lambda layer, ids: (
            self._outline.set_surfaces(self._outline_sources(ids)) if layer == "muscles" else None)
        self.problems: list[Problem] = []
        self._build()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        pl = self._plotter
        pl.set_background(self._palette.background_bottom, top=self._palette.background_top)
        # Translucent structures blend in drawing order: bones, spine, muscles, nerves, each
        # with its back faces culled, which is the true order wherever soft
        # tissue lies over bone as seen by the camera (the needling views). VTK's default
        # order-independent translucency only approximates the order by weights (vertebrae
        # showed through the muscles in front of them), costs two window-sized float buffers
        # and a compositing pass: slower frames and 5-10 MB more peak memory on software GL.
        pl.renderer.SetUseOIT(False)
        all_structures = list(self._manifest)
        meshes, coarse, self.problems = load_structures(self._manifest, all_structures)
        self.blocks.meshes = meshes
        self.blocks.layer_of = {s.id: s.layer for s in all_structures}
        for layer in LAYERS:
            members = [s for s in all_structures if s.layer == layer and s.id in meshes]
            for group, part in partition(members).items():
                self._actors[group] = self._add_group(group, part, meshes, self.blocks.blocks)
            # Drawn right after their layer, so translucent context keeps the layer's place in
            # the drawing order. Every structure of a layer with coarse copies has one there: a
            # small surface (too few triangles to decimate) is its own copy, so that a switch
            # between highlighted plans never touches the layer's full actor.
            copies = {s.id: coarse.get(s.id, meshes[s.id]) for s in members if layer in COARSE_LAYERS}
            self.blocks.own_copy |= {sid for sid in copies if sid not in coarse}
            self._outlined |= copies
            faint = [s for s in members if s.id in copies]
            for group, part in partition(faint, "coarse").items():
                self._coarse_actors[group] = self._add_group(group, part, copies, self.blocks.coarse_blocks)
            # The layer's highlighted structures, drawn last in the layer (see the class notes).
            self.blocks.lit[layer] = ()
            self._add_group(lit_group(layer), [], meshes, {})
        self._lend_surfaces()
        self._coarse_ids = list(self.blocks.coarse_blocks)
        self._coarse_centres = np.array([meshes[sid].center for sid in self._coarse_ids]).reshape(-1, 3)
        self.apply(plan_for(self._manifest, palette=self._palette), render=False)
        self.set_view(DEFAULT_VIEW, render=False)
        # Before each frame: which structures are small enough on screen for their coarse copy.
        self._frame_observer = pl.renderer.AddObserver("StartEvent", lambda *_: self._before_frame())

    def _add_group(self, group: str, members, meshes, index: dict[str, tuple[str, int]]):
        """One composite actor drawing ``members`` (per-block colour, opacity, visibility)."""
        block = pv.MultiBlock()
        for s in members:
            block.append(meshes[s.id], s.id)
            index[s.id] = (group, len(block))  # flat index: 0 is the root
        actor, mapper = self._plotter.add_composite(
            block,
            color=self._palette.bone,
            scalars=None,
            show_scalar_bar=False,
            # The meshes carry their own vertex normals (scene.meshes): pyvista's
            # smooth_shading would recompute them over every block (0.3 s at start-up,
            # and a second copy of the geometry), so shading is set on the property below.
            smooth_shading=False,
            specular=0.25,
            specular_power=18,
            diffuse=0.85,
            ambient=0.12,
            name=f"layer:{group}",
            reset_camera=False,
            render=False,
        )
        mapper.scalar_visibility = False  # colours come from block attributes, never from data
        actor.prop.interpolation = "gouraud"  # smooth, from the stored point normals
        # Every surface is wound outwards (muscles and nerves are closed; the bake turns the
        # bones' pieces outwards too): skipping back faces halves the triangles the software
        # rasteriser bins each frame (less peak memory, less work), and a translucent muscle
        # or bone shows one skin, not its far side through it.
        actor.prop.backface_culling = True
        if group.endswith(":coarse"):
            for i in range(1, len(block) + 1):  # coarse copies start hidden
                mapper.GetCompositeDataDisplayAttributes().SetBlockVisibility(self.blocks.block_object(group, i, mapper), False)
                self.blocks.block_state[(group, i)] = None
        self.blocks.mappers[group] = mapper
        return actor

    def _lend_surfaces(self) -> None:
        """Let the body's ray tests and framing (scene.picture) take the surfaces loaded here
        rather than read every structure's file again on its first use in a switch (again at
        each picture: the body is cached per manifest and made anew for another one).
        """
        body_for(self._manifest).reader = self._surface_arrays

    def _surface_arrays(self, structure_id: str):
        """A loaded structure's vertices and triangles ``(points, faces)``, or None."""
        mesh = self.blocks.meshes.get(structure_id)
        if mesh is None:
            return None
        return np.asarray(mesh.points), np.asarray(mesh.regular_faces)

    def _outline_sources(self, ids) -> list:
        """The surfaces the outline of structures ``ids`` is computed from (coarse copies)."""
        return [self._outlined.get(sid, self.blocks.meshes[sid]) for sid in ids]

    # -- queries ------------------------------------------------------------------------
    @property
    def plotter(self) -> pv.Plotter:
        """The plotter this controller draws on."""
        return self._plotter

    @property
    def manifest(self) -> Manifest:
        """The anatomy drawn."""
        return self._manifest

    @property
    def structure_ids(self) -> list[str]:
        """Ids of every structure that is on screen (loaded)."""
        return list(self.blocks.blocks)

    def bounds(self) -> tuple[float, float, float, float, float, float]:
        """Bounds of everything loaded."""
        bounds = [actor.GetBounds() for actor in self._actors.values()]
        if not bounds:
            return (-0.5, 0.5, -0.5, 0.5, 0.0, 1.8)
        b = np.array(bounds)
        return (b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max(), b[:, 4].min(), b[:, 5].max())

    # -- effects ------------------------------------------------------------------------
    def apply(self, plan: HighlightPlan, render: bool = True) -> None:
        """Show a plan: set the colour, opacity and visibility of every block whose style
        changed (straight on VTK's display attributes: a switch touches tens of blocks, not
        hundreds), and redraw the markers.
        """
        self.blocks.apply_styles(plan.styles)
        self._markers.set(plan.markers, plan.labels)
        if render:
            self._plotter.render()

    def set_marker_scale(self, scale: float) -> None:
        """Draw the markers of the first viewport ``scale`` times their size from the next
        switch on (:meth:`MarkerOverlay.set_scale`).
        """
        self._markers.set_scale(scale)

    @property
    def marker_scale(self) -> float:
        """The scale the first viewport's markers are drawn at from the next switch on
        (:meth:`set_marker_scale`).
        """
        return self._markers.scale

    def set_marker_cap(self, pixels: float | None) -> None:
        """Keep every viewport's marker shapes at most ``pixels`` across on screen, whatever
        the camera (:meth:`MarkerOverlay.keep_within`, before each frame); None: their model
        size always (an export sizes its own). The window sets it.
        """
        self._marker_cap = pixels

    def block_style(self, structure_id: str) -> tuple[tuple[float, float, float], float, bool]:
        """The colour, opacity and visibility a structure is drawn with now."""
        return self.blocks.block_style(structure_id)

    def uses_coarse(self, structure_id: str) -> bool:
        """Whether a structure is drawn from its coarse copy now (faint context)."""
        return self.blocks.uses_coarse(structure_id)

    def set_moving(self, moving: bool) -> None:
        """While the camera moves, draw what is not highlighted from the coarse copies
        (:meth:`BlockTable.set_moving`); the caller renders.
        """
        self.blocks.set_moving(moving)

    @property
    def moving(self) -> bool:
        """Whether the scene is drawn for a moving camera (see :meth:`set_moving`)."""
        return self.blocks.moving

    def pixel_size(self, points: np.ndarray) -> np.ndarray:
        """Metres per pixel on screen at each of ``points`` (n x 3), for the current camera."""
        return camera.pixel_size(self._plotter.renderer, points)

    def frame_starting(self) -> None:
        """Do to the scene what the start of a frame does (which structures are drawn from
        their coarse copies, the markers sized and labelled for the camera as it is now),
        without rendering: an export planning a frame it may never draw leaves the scene as
        that frame would (:meth:`ims_atlas.export.render.OffscreenScene.draft`).
        """
        self._before_frame()

    def _before_frame(self) -> None:
        # (The second viewport lays its own out as its frame starts: SecondViewport.before_frame.)
        self._update_far()
        self._lay_out(self._markers, self._caption)

    def _lay_out(self, markers: MarkerOverlay, caption: ViewCaption | None) -> None:
        """A viewport's markers sized and its labels laid out for the camera as it is now."""
        if self._marker_cap is not None:
            markers.keep_within(self._marker_cap)
        _layout_below(markers, caption)

    def _set_captions(self, texts: tuple[str, ...]) -> None:
        """Caption the first viewport (and the second, while split) with ``texts`` ("": none)."""
        first = texts[0] if texts else ""
        if first and self._caption is None:
            self._caption = ViewCaption(self._plotter.renderer)
        if self._caption is not None:
            self._caption.set(first)
        if self._second is not None:
            self._second.caption.set(texts[1] if len(texts) > 1 else "")

    def set_extra_labels(self, items) -> None:
        """Label ``(text, point)`` pairs in the first viewport with the targets' own labels,
        clear of every marker and label (the danger zones' depth tags); ``()`` removes them.
        """
        self._markers.set_extra(items)

    @property
    def captions(self) -> tuple[ViewCaption, ...]:
        """The viewports' captions now shown (the first's, then the second's while split)."""
        shown = [c for c in (self._caption, self._second.caption if self._second is not None else None)
                 if c is not None and c.text]
        return tuple(shown)

    def _update_far(self) -> None:
        if not self._coarse_ids:
            return
        far = coarse_error_far(self.pixel_size(self._coarse_centres), COARSE_ERROR, COARSE_PIXELS)
        self.blocks.set_far(frozenset(sid for sid, f in zip(self._coarse_ids, far, strict=True) if f))

    def show(self, picture: Picture, frame: bool = True, render: bool = True) -> None:
        """Apply a :class:`~ims_atlas.scene.picture.Picture`; with ``frame``, turn the camera
        so that its highlighted structures and markers are all in view.
        """
        self._lend_surfaces()
        self._clear_own()
        self.apply(picture.highlight, render=False)
        self._set_captions(())
        pose = self.picture_pose(picture) if frame else None
        if pose is not None:
            self.set_camera_pose(pose, render=False)
        if render:
            self._plotter.render()

    def show_views(self, picture: Picture, views: tuple[TargetView, ...], frame: bool = True,
                   render: bool = True) -> None:
        """Show a picture in one or two of its views: one fills the window; two split it in
        halves side by side, each with its own camera, markers and labels. With ``frame``,
        each camera is turned to its view; without, the cameras stay where they are.

        Each viewport draws its view as the export's panel of that view draws it
        (:func:`~ims_atlas.scene.picture.picture_in_view`): a treated muscle over another's
        needle point see-through, seen from the camera that frames the view there; the arm a
        view from the side leaves out, left out. The ray tests behind it are cast once per
        picture and view (:class:`~ims_atlas.scene.view_looks.LooksCache`).
        """
        study = picture.treatment is None
        self._lend_surfaces()
        body = body_for(self._manifest)
        if len(views) < 2:
            self.unsplit(render=False)
            # One view as the export draws it: in a medial view without the other limb
            # (it stands between the camera and the targets), a treated muscle over another's
            # needle point see-through.
            shown, pose = picture, None
            if views:
                pose = self.view_frame_pose(picture, views[0])
                looks = self._looks.get(picture, views[0], body, pose[0])
                shown = in_view(picture, views[0], looks.left_out, looks.clear)
            self.apply(shown.highlight, render=False)
            if views:
                self._markers.set(shown.markers, picture.highlight.labels)
                if frame:
                    self.set_camera_pose(pose, render=False)
        else:
            # Each viewport draws what the export's panel of its view draws. What the two views
            # draw differently (the arm hanging in front of a view from the side's targets:
            # target_views.arm_hidden; a treated muscle see-through in one view, over another's
            # needle point, and opaque in the other) the shared actors leave out, and each
            # viewport draws it in its own view's style with actors of its own
            # (scene.viewport_only). A medial view's far limb is half the body: its own
            # viewport cuts it away instead (scene.far_side).
            second = self._split()
            renderers = (self._plotter.renderer, second.renderer)
            poses = [self.view_frame_pose(picture, view, renderer) for view, renderer in zip(views[:2], renderers,
                                                                                             strict=True)]
            drawn = []
            for view, pose in zip(views[:2], poses, strict=True):
                looks = self._looks.get(picture, view, body, pose[0])
                drawn.append(in_view(picture, view, looks.arm, looks.clear).highlight.styles)
            styles = picture.highlight.styles
            differ = {sid for sid in styles if drawn[0][sid] != drawn[1][sid]}
            shared = picture.highlight
            if differ:
                shared = replace(shared, styles={sid: replace(style, visible=False) if sid in differ else style
                                                 for sid, style in styles.items()})
            self.apply(shared, render=False)
            for key, renderer, own_styles in zip(("first", "second"), renderers, drawn, strict=True):
                self._set_own(key, renderer, differ, own_styles)
            for view, overlay in zip(views[:2], (self._markers, second.markers), strict=True):
                overlay.set(view_markers(picture, view), picture.highlight.labels)
            # A medial view's far limb is cut away in its own viewport only (scene.far_side);
            # a camera put in its view below resets its clipping range, and so applies the cut.
            for view, clip in zip(views[:2], self._far_clips, strict=True):
                clip.set(view, reset=not frame)
            lit = list(self.blocks.lit.get("muscles", ()))
            for outline, key in ((self._outline, "first"), (second.outline, "second")):
                outline.set_surfaces(self._outline_sources(lit + self._own_lit_muscles(key)))
            if frame:
                self.set_camera_pose(poses[0], render=False)
                camera.put_camera(second.renderer, poses[1])
        self._set_captions(tuple(v.caption_for(study=study) for v in views[:2]))
        if render:
            self._plotter.render()

    def _set_own(self, key: str, renderer, ids: set[str], styles) -> None:
        """Let one viewport (``renderer``) alone draw structures ``ids`` in their ``styles``."""
        own = self._own.get(key)
        if own is None or own.renderer is not renderer:
            if own is not None:
                own.clear()
            looks = {group: actor.GetProperty() for group, actor in self._actors.items()}
            own = self._own[key] = ViewportOnly(renderer, looks)
        items = []
        for s in self._manifest:
            style, mesh = styles.get(s.id), self.blocks.meshes.get(s.id)
            if s.id not in ids or style is None or mesh is None:
                continue
            # The surface the shared actors would draw it from (a faint muscle: its coarse copy).
            surface = self._outlined.get(s.id, mesh) if self.blocks.draws_coarse(s.id, style) else mesh
            items.append(OwnStructure(s.id, s.layer, surface, style))
        own.set(items)

    def _own_lit_muscles(self, key: str) -> list[str]:
        """The highlighted muscles a viewport draws by itself (outlined there with the rest)."""
        own = self._own.get(key)
        if own is None:
            return []
        return [sid for sid, style in own.styles.items()
                if self.blocks.layer_of.get(sid) == "muscles" and style.role not in UNHIGHLIGHTED]

    def _clear_own(self) -> None:
        """Every viewport draws only the shared actors again."""
        had_lit = bool(self._own_lit_muscles("first"))
        for own in self._own.values():
            own.clear()
        if had_lit:
            self._outline.set_surfaces(self._outline_sources(self.blocks.lit.get("muscles", ())))

    def own_structures(self, second: bool = False) -> frozenset[str]:
        """The structures a viewport draws by itself, in its own view's style (the right one with
        ``second``): what the two views draw differently (the arm one leaves out, a muscle one
        draws see-through).
        """
        own = self._own.get("second" if second else "first")
        return frozenset(own.styles) if own is not None else frozenset()

    def viewport_style(self, structure_id: str, second: bool = False) -> tuple[tuple[float, float, float], float, bool]:
        """The colour, opacity and visibility a structure is drawn with in a viewport (the right
        one with ``second``, while split): by the viewport's own actors, else the shared ones.
        """
        own = self._own.get("second" if second and self._second is not None else "first")
        drawn = own.block_style(structure_id) if own is not None else None
        return drawn if drawn is not None else self.block_style(structure_id)

    @property
    def far_clips(self) -> tuple[FarSideClip, ...]:
        """While split, each viewport's cut at the midline (active in a medial view)."""
        return self._far_clips

    @property
    def split(self) -> bool:
        """Whether the window shows two viewports side by side."""
        return self._second is not None

    @property
    def second_renderer(self):
        """The right viewport's renderer while split, else None."""
        return self._second.renderer if self._second is not None else None

    def _split(self):
        if self._second is None:
            props = [a for a in self._plotter.renderer.GetActors() if a is not self._outline.actor]
            self._plotter.renderer.SetViewport(*LEFT_HALF)
            self._markers.follow_viewport()
            second = self._parked
            self._parked = None
            if second is not None:  # the viewport of the last split, kept (scene.second_viewport)
                second.resume(props)
            else:
                second = SecondViewport(self._plotter.render_window, props, self._palette, self._manifest.midline_x)
                second.before_frame(lambda: self._lay_out(second.markers, second.caption))
            self._second = second
            self._far_clips = (FarSideClip(self._plotter.renderer, self._manifest),
                               FarSideClip(self._second.renderer, self._manifest))
        return self._second

    def unsplit(self, render: bool = True) -> None:
        """Back to one viewport filling the window (the second is parked for the next split)."""
        if self._second is None:
            return
        self._clear_own()
        for clip in self._far_clips:
            clip.close()
        self._far_clips = ()
        self._second.park()
        self._parked, self._second = self._second, None
        if self._plotter.renderer is not None:
            self._plotter.renderer.SetViewport(*WHOLE)
            self._markers.follow_viewport()
        if render:
            self._plotter.render()

    def view_frame_pose(self, picture: Picture, view: TargetView, renderer=None) -> Pose:
        """The pose that frames one of a picture's views in ``renderer``'s viewport (the first)."""
        renderer = renderer if renderer is not None else self._plotter.renderer
        points = view_frame_points(picture, view, self._manifest)
        if not len(points):
            points = self.structure_points(picture.frame_ids)
        return camera.frame_pose(points, view.direction, camera.renderer_aspect(renderer), 1.2, view.up)

    def _viewport(self, second: bool):
        """``(renderer, markers overlay, caption)`` of the right viewport with ``second`` while
        split, else of the first (whose caption is None until one was set).
        """
        if second and self._second is not None:
            return self._second.renderer, self._second.markers, self._second.caption
        return self._plotter.renderer, self._markers, self._caption

    def crowd(self, second: bool = False) -> tuple[Marker, ...]:
        """The labelled markers that crowd a viewport with the camera as it is now: many
        targets in a few pixels (a hand's, a foot's; :func:`~ims_atlas.scene.crowds.find_tiered`),
        whose leaders fan into one spot; ``()`` if none. The right viewport with ``second``.
        """
        renderer, overlay, _ = self._viewport(second)
        width, height = renderer.GetSize()
        ox, oy = renderer.GetOrigin()
        points = {}
        for m in overlay.labelled:
            if not can_crowd(m.key):
                continue
            x, y = camera.project(renderer, m.position)
            if ox <= x <= ox + width and oy <= y <= oy + height:
                points[m.key] = (x, y)
        keys = set(find_tiered(points, float(height))) if points else set()
        return tuple(m for m in overlay.labelled if m.key in keys)

    def close_up_pose(self, second: bool = False) -> tuple[tuple[Marker, ...], Pose | None, str]:
        """A viewport's crowd (:meth:`crowd`), the pose that moves its camera in on it so the
        crowd's labels spread beside their own points, and the words for where that pose looks
        from ("" when it looks from where the camera does now); ``((), None, "")`` when the
        viewport has none.

        The close-up looks from where the camera does, unless the crowd's points lie behind
        one another from there (a hand's small muscles seen from behind, through the hand):
        then from the side of the body (front, back, right, left) that spreads them most.
        """
        crowd = self.crowd(second)
        if not crowd:
            return (), None, ""
        renderer = self._viewport(second)[0]
        cam = renderer.GetActiveCamera()
        toward = -np.asarray(cam.GetDirectionOfProjection(), dtype=float)
        up = np.asarray(cam.GetViewUp(), dtype=float)
        points = np.array([m.position for m in crowd], dtype=float)
        words = ""
        apart = {w: _least_apart(points, np.array(d)) for w, d in CLOSE_UP_SIDES.items()}
        best = max(apart, key=apart.__getitem__)
        if apart[best] > CLOSE_UP_TURN * _least_apart(points, toward):
            toward, up, words = np.array(CLOSE_UP_SIDES[best], dtype=float), np.array((0.0, 0.0, 1.0)), best
        # At least CLOSE_UP_LEAST across, so a knot of three points a centimetre apart is
        # shown with the hand or the wrist round it, not as three dots filling the view.
        centre = points.mean(axis=0)
        across = np.cross(up, toward)
        across /= max(float(np.linalg.norm(across)), 1e-9)
        half = CLOSE_UP_LEAST / 2
        points = np.vstack([points, centre + half * across, centre - half * across, centre + half * up, centre - half * up])
        pose = camera.frame_pose(points, tuple(toward), camera.renderer_aspect(renderer), 1.3, tuple(up))
        return crowd, pose, words

    def close_up(self, second: bool = False, render: bool = True, what: str = "") -> tuple[Marker, ...]:
        """Move a viewport's camera in on its crowd at once (:meth:`close_up_pose`), its
        caption saying so (and ``what`` it shows, :meth:`caption_close_up`); the crowd's
        markers, or ``()`` (nothing moves).
        """
        crowd, pose, words = self.close_up_pose(second)
        if pose is None:
            return ()
        renderer = self._viewport(second)[0]
        if renderer is self._plotter.renderer:
            self.set_camera_pose(pose, render=False)
        else:
            camera.put_camera(renderer, pose)
        self.caption_close_up(second, words, what)
        if render:
            self._plotter.render()
        return crowd

    def caption_close_up(self, second: bool, words: str, what: str = "") -> None:
        """Caption a viewport "Close-up" (and where it looks from, when it turned). With
        ``what`` (the body regions it shows: "hand and forearm"), "Close-up of the hand and
        forearm, from behind": the view's own caption ("Beside the spine, from behind") would
        name what the close-up may have left out of view.
        """
        caption = self._viewport(second)[2]
        if caption is None:
            caption = self._caption = ViewCaption(self._plotter.renderer)
        now = caption.text.removeprefix("Close-up: ")
        if what:
            where = words or (now.rpartition(", ")[2] if now.rpartition(", ")[2].startswith("from ") else "")
            caption.set(f"Close-up of the {what}" + (f", {where}" if where else ""))
        else:
            caption.set(f"Close-up, {words}" if words else f"Close-up: {now}" if now else "Close-up")

    @property
    def labels(self):
        """The first viewport's target labels (``scene.target_labels.TargetLabels``), once drawn."""
        return self._markers.labels

    @property
    def second_labels(self):
        """The right viewport's target labels while split, else None."""
        return self._second.markers.labels if self._second is not None else None

    @property
    def marker_props(self) -> list[object]:
        """The markers, leaders and labels now drawn (in the overlays)."""
        return self._markers.props + (self._second.markers.props if self._second is not None else [])

    def _aspect(self) -> float:
        return camera.renderer_aspect(self._plotter.renderer)

    def view_pose(self, name: str) -> Pose:
        """The camera pose of a named view that frames the whole body."""
        return camera.view_pose(name, self.bounds(), self._aspect())

    def frame_pose(self, points: np.ndarray, direction: tuple[float, float, float], margin: float = 1.25,
                   up: tuple[float, float, float] = (0.0, 0.0, 1.0)) -> Pose:
        """The camera pose looking along ``direction`` (focus -> eye) with every point in view,
        ``up`` up on screen.
        """
        return camera.frame_pose(points, direction, self._aspect(), margin, up)

    def camera_pose(self) -> Pose:
        """The camera's current ``(position, focal_point, up)``."""
        return camera.camera_pose(self._plotter.renderer.GetActiveCamera())

    def set_camera_pose(self, pose: Pose, render: bool = True) -> None:
        """Put the camera at ``pose``."""
        camera.put_camera(self._plotter.renderer, pose)
        # (pyvista resets a camera it believes nobody set on the first render)
        self._plotter.renderer.camera_set = True
        if render:
            self._plotter.render()

    def set_view(self, name: str, render: bool = True) -> None:
        """Move the camera to a named view that frames the whole body (the application
        state, not the scene, remembers which view it is).
        """
        self.set_camera_pose(self.view_pose(name), render=render)

    def frame(self, points: np.ndarray, direction: tuple[float, float, float], margin: float = 1.25,
              render: bool = True) -> None:
        """Point the camera along ``direction`` (focus -> eye) so that every point is in view."""
        self.set_camera_pose(self.frame_pose(points, direction, margin), render=render)

    def picture_pose(self, picture: Picture) -> Pose | None:
        """The pose that frames a picture's first view (its targets, from where they face),
        or without views its highlighted structures and markers, if it has any.
        """
        if picture.views:
            return self.view_frame_pose(picture, picture.views[0])
        if not picture.frame_ids or picture.direction is None:
            return None
        points = self.structure_points(picture.frame_ids)
        bounds = self.bounds() if self.blocks else None
        kept = [m.position for m in picture.markers if on_body(m.position, bounds)]  # a wrong one is reported
        if kept:
            points = np.vstack([points, np.array(kept, dtype=float)])
        if not len(points):
            return None
        return self.frame_pose(points, picture.direction)

    def structure_points(self, structure_ids) -> np.ndarray:
        """Corner points of the bounding boxes of some structures (for framing)."""
        corners = []
        for sid in structure_ids:
            mesh = self.blocks.meshes.get(sid)
            if mesh is None:
                continue
            b = mesh.GetBounds()
            corners.append([b[0], b[2], b[4]])
            corners.append([b[1], b[3], b[5]])
        return np.asarray(corners, dtype=float).reshape(-1, 3)

    def pick(self, x: float, y: float) -> str | None:
        """The structure drawn at display position ``(x, y)`` (pixels, origin bottom-left), if any.

        Hidden structures are never picked; a faint context structure does not hide a
        clearly drawn one behind it (see :mod:`ims_atlas.scene.picking`).
        """
        renderer = self._renderer_at(x, y)
        ray = camera.display_ray(renderer, x, y)
        if ray is None:
            return None
        origin, direction = ray
        candidates = []
        for sid in self.blocks.blocks:
            style = self.blocks.styles.get(sid)
            if style is None or not style.visible or style.opacity <= 0.0:
                continue
            actor = self._actors.get(self.blocks.blocks[sid][0])
            if actor is None or not actor.GetVisibility():
                continue
            item = self._pickable(sid)
            candidates.append(Pickable(sid, item.points, item.faces, item.bounds, style.opacity, style.role))
        for own in self._own.values():
            if own.renderer is renderer:  # what this viewport alone draws
                for sid, style in own.styles.items():
                    item = self._pickable(sid)
                    candidates.append(Pickable(sid, item.points, item.faces, item.bounds, style.opacity, style.role))
        return pick(origin, direction, candidates)

    def _pickable(self, sid: str) -> Pickable:
        item = self._pickables.get(sid)
        if item is None:
            mesh = self.blocks.meshes[sid]
            faces = np.asarray(mesh.faces).reshape(-1, 4)[:, 1:]
            item = Pickable(sid, np.asarray(mesh.points), faces, tuple(mesh.bounds))
            self._pickables[sid] = item
        return item

    def project(self, point, second: bool = False) -> tuple[float, float]:
        """Display position (pixels, origin bottom-left) of a world point (in the right
        viewport with ``second``, while split).
        """
        return camera.project(self._viewport(second)[0], point)

    def _renderer_at(self, x: float, y: float):
        """The renderer of the viewport under display point ``(x, y)``."""
        if self._second is not None and self._second.contains(x, y):
            return self._second.renderer
        return self._plotter.renderer

    def screenshot(self) -> np.ndarray:
        """Render and return the current frame as an (h, w, 3) uint8 array."""
        self._plotter.render()
        return np.asarray(self._plotter.screenshot(return_img=True))

    def close(self) -> None:
        """Drop references to actors; the owner closes the plotter."""
        body = body_for(self._manifest)
        if body.reader == self._surface_arrays:
            body.reader = None
        if self._frame_observer is not None and self._plotter.renderer is not None:
            self._plotter.renderer.RemoveObserver(self._frame_observer)
            self._frame_observer = None
        self._coarse_ids = []
        self._clear_own()
        self._own.clear()
        self._looks.clear()
        self._actors.clear()
        self._coarse_actors.clear()
        self._outlined.clear()
        self.unsplit(render=False)
        if self._parked is not None:
            self._parked.close()
            self._parked = None
        self._markers.close()
        if self._caption is not None:
            self._caption.close()
            self._caption = None
        self.blocks.clear()
        self._pickables.clear()
        self._outline.close()


def _layout_below(markers: MarkerOverlay, caption: ViewCaption | None) -> None:
    """Lay a viewport's labels out for the current camera, below its caption's band."""
    if caption is not None:
        caption.place()
    if markers.labels is not None:
        markers.labels.reserved_top = caption.height() if caption is not None else 0.0
    markers.layout()


def scene_theme() -> pv.themes.Theme:
    """The plotter theme IMS Atlas renders with: no multisampling (2-3x slower on software GL,
    and it hides translucent actors under depth peeling on llvmpipe), no SSAA (it renders the scene several times).
    """
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    theme.anti_aliasing = None
    theme.lighting = True
    return theme


def offscreen_plotter(size: tuple[int, int] = (1280, 800)) -> pv.Plotter:
    """An off-screen plotter configured like the app's window (for export and tests).

    With no X display on Linux, VTK is told to render with EGL straight away: left to itself it
    tries X first and prints a "bad X server connection" warning before falling back to EGL.
    """
    import os
    import sys

    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    return pv.Plotter(off_screen=True, window_size=list(size), theme=scene_theme())
