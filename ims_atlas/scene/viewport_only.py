"""Structures one viewport of a split window draws otherwise than the other.

The two viewports share every layer actor (:mod:`ims_atlas.scene.second_viewport`), so a block
hidden there is hidden in both, and drawn in one style in both. But a picture's views may
differ in what they draw: a view from the side whose targets the hanging arm hides draws that
side without its free upper limb (:func:`ims_atlas.scene.target_views.arm_hidden`; hip pain's
gluteus minimus and TFL), while the view from behind beside it draws the arm; and a treated
muscle that lies over another's needle point in one view is drawn see-through there and
opaque in the other (:func:`ims_atlas.scene.picture.picture_in_view`: hip pain's gluteus
medius over gluteus minimus from the side). So the shared actors leave out what the two views
draw differently, and each viewport that draws some of it gets small actors of its own for just
that: one per layer, in the layers' drawing order, the same surfaces (shared, not copied) in its
view's styles and with the layer actors' own look (their ``vtkProperty``). One arm is about
40 structures (37k of the body's 271k triangles, most drawn from their coarse copies as faint
context), a see-through muscle one to six; nothing is added outside a split whose views differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ims_atlas.anatomy.manifest import LAYERS


@dataclass(frozen=True)
class OwnStructure:
    """A structure one viewport draws by itself: its id, layer, the surface drawn and its style."""

    structure_id: str
    layer: str
    surface: object  # the loaded surface (the full one, or its coarse copy for faint context)
    style: object  # scene.plan.StructureStyle


class ViewportOnly:
    """Actors that draw some structures in ``renderer`` only, each layer's with ``looks[layer]``."""

    def __init__(self, renderer, looks: Mapping[str, object]) -> None:
        self.renderer = renderer
        self._looks = dict(looks)
        self._actors: dict[str, tuple[object, object]] = {}  # layer -> (actor, mapper)
        self._drawn: dict[str, tuple[tuple[str, int], ...]] = {}  # layer -> (id, surface) it holds
        self.styles: dict[str, object] = {}  # structure id -> style, of those drawn here

    @property
    def actors(self) -> list:
        """The actors drawing here now."""
        return [actor for actor, _ in self._actors.values()]

    def set(self, items: Sequence[OwnStructure]) -> None:
        """Draw exactly ``items`` (the visible ones) here; a layer's actor is given new surfaces
        only when its structures or their surfaces change, else only their colours and opacities.
        """
        items = [i for i in items if i.style.visible]
        by_layer = {layer: [i for i in items if i.layer == layer] for layer in LAYERS}
        for layer in [la for la in self._actors if not by_layer.get(la)]:
            self._drop(layer)
        for layer, members in by_layer.items():
            if members:
                self._draw(layer, members)
        self.styles = {i.structure_id: i.style for i in items}

    def _draw(self, layer: str, members: list[OwnStructure]) -> None:
        from vtkmodules.vtkCommonDataModel import vtkMultiBlockDataSet
        from vtkmodules.vtkRenderingCore import (
            vtkActor,
            vtkCompositeDataDisplayAttributes,
            vtkCompositePolyDataMapper,
        )

        if layer not in self._actors:
            mapper = vtkCompositePolyDataMapper()
            mapper.ScalarVisibilityOff()  # colours come from block attributes, as in the layer actors
            mapper.SetCompositeDataDisplayAttributes(vtkCompositeDataDisplayAttributes())
            actor = vtkActor()
            actor.SetMapper(mapper)
            if layer in self._looks:
                actor.SetProperty(self._looks[layer])
            self._actors[layer] = (actor, mapper)
            self._order()
        actor, mapper = self._actors[layer]
        held = tuple((m.structure_id, id(m.surface)) for m in members)
        if held != self._drawn.get(layer):
            block = vtkMultiBlockDataSet()
            block.SetNumberOfBlocks(len(members))
            for i, m in enumerate(members):
                block.SetBlock(i, m.surface)
            mapper.SetInputDataObject(0, block)
            self._drawn[layer] = held
        attrs = mapper.GetCompositeDataDisplayAttributes()
        data = mapper.GetInputDataObject(0, 0)
        for i, m in enumerate(members):
            piece = attrs.DataObjectFromIndex(i + 1, data)  # flat index: 0 is the root
            attrs.SetBlockColor(piece, tuple(float(c) for c in m.style.color))
            attrs.SetBlockOpacity(piece, float(m.style.opacity))
            attrs.SetBlockVisibility(piece, True)
        attrs.Modified()

    def block_style(self, structure_id: str) -> tuple[tuple[float, float, float], float, bool] | None:
        """The colour, opacity and visibility a structure is drawn with here, or None (not here)."""
        for layer, held in self._drawn.items():
            ids = [sid for sid, _ in held]
            if structure_id in ids:
                mapper = self._actors[layer][1]
                attrs = mapper.GetCompositeDataDisplayAttributes()
                piece = attrs.DataObjectFromIndex(ids.index(structure_id) + 1, mapper.GetInputDataObject(0, 0))
                return (tuple(float(c) for c in attrs.GetBlockColor(piece)), float(attrs.GetBlockOpacity(piece)),
                        bool(attrs.GetBlockVisibility(piece)))
        return None

    def _order(self) -> None:
        """Keep this viewport's own actors in the layers' drawing order (bones before muscles
        before nerves: translucent surfaces blend in drawing order, scene.controller).
        """
        for layer in LAYERS:
            if layer in self._actors:
                actor = self._actors[layer][0]
                self.renderer.RemoveActor(actor)
                self.renderer.AddActor(actor)

    def _drop(self, layer: str) -> None:
        actor, _ = self._actors.pop(layer)
        self._drawn.pop(layer, None)
        self.renderer.RemoveActor(actor)

    def clear(self) -> None:
        """Draw nothing here (the actors are taken out of the renderer and released)."""
        for layer in list(self._actors):
            self._drop(layer)
        self.styles = {}
