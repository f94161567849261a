"""Which composite actor draws each structure (pure: no VTK).

A highlight changes the colour, opacity and visibility of a few blocks of a composite actor,
but VTK's batched composite mapper then rebuilds the vertex and index buffers of that whole
actor: every block's points and triangles are copied again, hidden blocks included (measured
with ``perf``: ``AppendTrianglesFunctor`` and ``vtkAppendVBOWorker``; and off screen: one
colour change in an actor whose 49 of 50 blocks are hidden costs as much as with all shown).

So a switch should touch few and small actors:

- each layer's full surfaces are one actor that a switch between two highlighted plans does
  not touch at all: the highlighted structures are drawn by a small actor of their own, the
  layer's *lit* group (``muscles:lit``), given the targets' surfaces on each switch;
- in a highlighted picture nearly every muscle is faint context drawn from its coarse copy
  (scene.meshes), and those copies are drawn by one actor per body zone: a switch rebuilds
  only the zones whose muscles changed (a tennis elbow's forearm and neck, not the legs).

Every actor costs memory in the software rasteriser's per-frame bins (measured: about 0.5 MB
each; splitting the full surfaces by zone and side cost 6-9 MB more), so the zones stay few
and large. Layers with few blocks (bones, spine, nerves) keep one actor each.
"""

from __future__ import annotations

from collections.abc import Iterable

from ims_atlas.anatomy.manifest import Structure

#: Layers whose coarse copies are split into zones (every other group is one actor per layer).
ZONED_LAYERS = ("muscles",)

#: Body zone of each manifest region (regions not listed fall in "other").
ZONES: dict[str, str] = {
    **dict.fromkeys(("head", "jaw", "neck", "cervical spine", "neck and upper back"), "head-neck"),
    **dict.fromkeys(("shoulder", "upper back", "chest", "chest wall", "arm", "elbow"), "shoulder-arm"),
    **dict.fromkeys(("forearm", "hand", "wrist"), "forearm-hand"),
    **dict.fromkeys(("back", "thoracic spine", "thoracolumbar spine", "lumbar spine", "abdomen"), "trunk"),
    **dict.fromkeys(("hip", "pelvis", "thigh", "knee"), "hip-thigh"),
    **dict.fromkeys(("leg", "ankle", "foot"), "leg-foot"),
}


def draw_group(structure: Structure, copy: str = "full") -> str:
    """The name of the actor that draws ``copy`` ("full" or "coarse") of ``structure``: the
    full surfaces by layer (``muscles``), the coarse copies by layer and body zone
    (``muscles/trunk:coarse``; ``nerves:coarse`` for a layer not zoned).
    """
    if copy != "coarse":
        return structure.layer
    if structure.layer not in ZONED_LAYERS:
        return f"{structure.layer}:coarse"
    return f"{structure.layer}/{ZONES.get(structure.region, 'other')}:coarse"


def lit_group(layer: str) -> str:
    """The name of the actor that draws a layer's highlighted structures (``muscles:lit``)."""
    return f"{layer}:lit"


def partition(structures: Iterable[Structure], copy: str = "full") -> dict[str, list[Structure]]:
    """Structures by draw group, groups in a fixed order (sorted), members in input order."""
    groups: dict[str, list[Structure]] = {}
    for s in structures:
        groups.setdefault(draw_group(s, copy), []).append(s)
    return {name: groups[name] for name in sorted(groups)}
