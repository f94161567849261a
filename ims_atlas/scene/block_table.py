"""The block and level-of-detail table: which block of which composite actor draws each structure.

Every structure has a block in its layer's full-detail actor, most have one in a body zone's
coarse copy, and a highlighted one is drawn by its layer's small "lit" actor. This table
knows which, sets a block's colour, opacity and visibility only when they change (VTK
re-copies a composite actor's buffers whenever any of its blocks changes), and chooses
between full surface and coarse copy: faint context, a moving camera, a structure too small
on screen. It holds VTK mappers but no plotter, so it is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ims_atlas.scene.draw_groups import lit_group
from ims_atlas.scene.palette import Palette

#: A structure drawn at or below this opacity (faint context) is drawn from its coarse copy
#: (``scene.meshes.coarse_surface``): its detail cannot be seen there, and the software
#: rasteriser's memory per frame grows with the translucent triangles it bins.
COARSE_OPACITY = 0.25
#: Roles of structures that are not highlighted (``scene.plan.ROLES``).
UNHIGHLIGHTED = ("base", "context")


class BlockTable:
    """Blocks, their styles and the choice of detail, for the draw groups' ``mappers``."""

    def __init__(self, palette: Palette) -> None:
        self.palette = palette
        self.blocks: dict[str, tuple[str, int]] = {}  # structure id -> (draw group, flat block index)
        # Coarse copies drawn instead when a structure is faint context: id -> (group, index).
        self.coarse_blocks: dict[str, tuple[str, int]] = {}
        # Draw groups (see scene.draw_groups: a layer, or a body zone of its coarse copies; with
        # ":coarse" for the coarse copies) -> mapper.
        self.mappers: dict[str, object] = {}
        self.styles: dict[str, object] = {}
        self.block_objects: dict[tuple[str, int], object] = {}
        # What each block is drawn with now: (colour, opacity) while shown, None while hidden.
        self.block_state: dict[tuple[str, int], tuple | None] = {}
        self.meshes: dict[str, object] = {}  # full surfaces by id (shared with the layer actors)
        self.layer_of: dict[str, str] = {}
        self.lit: dict[str, tuple[str, ...]] = {}  # layer -> the ids its lit actor draws
        self.lit_blocks: dict[str, tuple[str, int]] = {}  # id -> (lit group, flat index)
        self.own_copy: set[str] = set()  # too small to decimate: the coarse copy is the surface
        self.moving = False
        self.far: frozenset[str] = frozenset()  # small enough on screen to draw from the coarse copy
        #: Called with (layer, ids) after a layer's lit actor is given new surfaces.
        self.on_relight: Callable[[str, tuple[str, ...]], None] | None = None

    def apply_styles(self, styles) -> None:
        """Draw every structure in its style (of a :class:`~ims_atlas.scene.plan.HighlightPlan`):
        only the blocks whose style changed are touched, and the lit actors get the
        highlighted structures.
        """
        previous = self.styles
        self.styles = dict(styles)
        touched: set[str] = set()
        for sid, style in styles.items():
            if previous.get(sid) != style and sid in self.blocks:
                self._draw(sid, style, touched)
        lit: dict[str, list[str]] = {layer: [] for layer in self.lit}
        for sid, style in styles.items():
            if self._is_lit(style) and sid in self.blocks:
                lit[self.layer_of[sid]].append(sid)
        for layer, ids in lit.items():
            if tuple(ids) != self.lit[layer]:
                self._relight(layer, tuple(ids))
            for sid in ids:
                self._set_block(self.lit_blocks[sid], styles[sid], True, touched)
        self._modified(touched)

    def set_far(self, now: frozenset[str]) -> None:
        """Which structures are small enough on screen now to be drawn from their coarse copies."""
        if now != self.far:
            changed = now ^ self.far
            self._redraw_detail(lambda: setattr(self, "far", now), changed)

    def clear(self) -> None:
        """Forget every block (the actors are going)."""
        for table in (self.blocks, self.coarse_blocks, self.mappers, self.styles, self.block_objects,
                      self.block_state, self.lit, self.lit_blocks):
            table.clear()
        self.own_copy.clear()
        self.meshes = {}

    def block_style(self, structure_id: str) -> tuple[tuple[float, float, float], float, bool]:
        """The colour, opacity and visibility a structure is drawn with now."""
        group, idx = self.drawn_block(structure_id)
        attrs = self.mappers[group].GetCompositeDataDisplayAttributes()
        block = self.block_object(group, idx)
        colour = attrs.GetBlockColor(block) if attrs.HasBlockColor(block) else self.palette.bone
        opacity = attrs.GetBlockOpacity(block) if attrs.HasBlockOpacity(block) else 1.0
        visible = attrs.GetBlockVisibility(block) if attrs.HasBlockVisibility(block) else True
        return tuple(float(c) for c in colour), float(opacity), bool(visible)

    def drawn_block(self, structure_id: str) -> tuple[str, int]:
        """The block that draws a structure now: in its layer's lit actor while highlighted,
        its coarse copy while that is shown, else its full surface.
        """
        lit = self.lit_blocks.get(structure_id)
        if lit is not None:
            return lit
        coarse = self.coarse_blocks.get(structure_id)
        if coarse is not None and self.block_state.get(coarse) is not None:  # the copy is shown
            return coarse
        return self.blocks[structure_id]

    def uses_coarse(self, structure_id: str) -> bool:
        """Whether a structure is drawn from its coarse copy now (faint context)."""
        return self.drawn_block(structure_id) == self.coarse_blocks.get(structure_id)

    def set_moving(self, moving: bool) -> None:
        """While the camera moves (a drag, an animated view change), draw the structures that
        are not highlighted from their coarse copies: on a software renderer that is the
        difference between a model that follows the hand and one that lags. At rest the full
        surfaces return; the caller renders (a moving camera renders anyway).
        """
        if moving == self.moving:
            return
        self._redraw_detail(lambda: setattr(self, "moving", moving), self.coarse_blocks)

    def _redraw_detail(self, change, candidates) -> None:
        """Make ``change`` (to ``_moving`` or ``_far``) and redraw those of ``candidates``
        whose choice between full surface and coarse copy it changed: only they are touched,
        so only their draw groups rebuild their buffers.
        """
        before = {sid: self._coarse_for(sid, self.styles[sid]) for sid in candidates if sid in self.styles}
        change()
        touched: set[str] = set()
        for sid, was in before.items():
            if self._coarse_for(sid, self.styles[sid]) != was:
                self._draw(sid, self.styles[sid], touched)
        self._modified(touched)

    def _draw(self, sid: str, style, touched: set[str]) -> None:
        """Set one structure's blocks in its layer's actors to ``style``: none shown while it is
        highlighted (its layer's lit actor draws it, see :meth:`apply`); the coarse copy while
        it is faint context (its detail cannot be seen there) or while the camera moves; else
        the full surface.
        """
        lit = self._is_lit(style)
        coarse = self.coarse_blocks.get(sid)
        use_coarse = self.draws_coarse(sid, style)
        self._set_block(self.blocks[sid], style, bool(style.visible) and not lit and not use_coarse, touched)
        if coarse is not None:
            self._set_block(coarse, style, use_coarse, touched)

    def draws_coarse(self, sid: str, style) -> bool:
        """Whether a structure in ``style`` is drawn from its coarse copy now (see :meth:`_draw`)."""
        return not self._is_lit(style) and sid in self.coarse_blocks and self._coarse_for(sid, style)

    @staticmethod
    def _is_lit(style) -> bool:
        """Whether a structure in ``style`` is drawn by its layer's lit actor (highlighted)."""
        return bool(style.visible) and style.role not in UNHIGHLIGHTED

    def _set_block(self, where: tuple[str, int], style, shown: bool, touched: set[str]) -> None:
        """Show one block in ``style``, or hide it; VTK's attributes are touched (and the draw
        group marked for a rebuild) only when what is drawn changes.
        """
        group, idx = where
        want = (tuple(float(c) for c in style.color), float(style.opacity)) if shown else None
        if self.block_state.get(where, "unset") == want:
            return
        attrs = self.mappers[group].GetCompositeDataDisplayAttributes()
        block = self.block_object(group, idx)
        if want is not None:
            attrs.SetBlockColor(block, want[0])
            attrs.SetBlockOpacity(block, want[1])
        attrs.SetBlockVisibility(block, shown)
        self.block_state[where] = want
        touched.add(group)

    def _relight(self, layer: str, ids: tuple[str, ...]) -> None:
        """Give a layer's lit actor the full surfaces of ``ids`` (shared, not copied)."""
        from vtkmodules.vtkCommonDataModel import vtkMultiBlockDataSet

        group = lit_group(layer)
        block = vtkMultiBlockDataSet()  # plain VTK: pyvista's append costs 0.1 ms a block
        block.SetNumberOfBlocks(len(ids))
        for sid in self.lit[layer]:
            self.lit_blocks.pop(sid, None)
        for i, sid in enumerate(ids):
            block.SetBlock(i, self.meshes[sid])
            self.lit_blocks[sid] = (group, i + 1)  # flat index: 0 is the root
        mapper = self.mappers[group]
        mapper.SetInputDataObject(0, block)
        attrs = mapper.GetCompositeDataDisplayAttributes()
        attrs.RemoveBlockVisibilities()
        attrs.RemoveBlockColors()
        attrs.RemoveBlockOpacities()
        for key in [k for k in self.block_objects if k[0] == group]:
            del self.block_objects[key]
        for key in [k for k in self.block_state if k[0] == group]:
            del self.block_state[key]
        self.lit[layer] = ids
        if self.on_relight is not None:
            self.on_relight(layer, ids)

    def _coarse_for(self, sid: str, style) -> bool:
        """Whether a structure with a coarse copy is drawn from it, in ``style``: when it is
        faint; and, unless it is highlighted (the muscles shown to the patient keep their
        detail), while the camera moves or when it is too small on screen for the difference
        to show. A surface that is its own coarse copy is always drawn from there (the same
        triangles: switching would only make VTK copy the layer's buffers again).
        """
        if sid in self.own_copy:
            return bool(style.visible)
        return bool(style.visible) and (((self.moving or sid in self.far) and style.role in UNHIGHLIGHTED)
                                        or style.opacity <= COARSE_OPACITY)

    def _modified(self, groups: set[str]) -> None:
        for group in groups:
            # The attributes' own time stamp is enough for the mapper to redraw with them.
            self.mappers[group].GetCompositeDataDisplayAttributes().Modified()

    def block_object(self, group: str, idx: int, mapper=None):
        """The VTK data object of block ``idx`` (flat index) of a draw group (cached)."""
        key = (group, idx)
        block = self.block_objects.get(key)
        if block is None:
            mapper = mapper if mapper is not None else self.mappers[group]
            block = mapper.GetCompositeDataDisplayAttributes().DataObjectFromIndex(idx, mapper.GetInputDataObject(0, 0))
            self.block_objects[key] = block
        return block


def coarse_error_far(pixel_sizes: np.ndarray, error: float, pixels: float) -> np.ndarray:
    """Which structures' coarse copies differ from their surfaces by less than ``pixels``
    pixels on screen (``pixel_sizes`` in metres per pixel at each, ``error`` in metres).
    """
    return np.asarray(pixel_sizes) * pixels >= error
