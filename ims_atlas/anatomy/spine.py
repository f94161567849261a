"""Where a root segment's paraspinal needle point lies, from the vertebrae in the manifest.

The point is beside the spine at the height of the intervertebral foramen the root leaves
through (C1 between skull and atlas, C2-C7 above their vertebra, C8 between C7 and T1,
thoracic and lumbar below theirs, sacral through the posterior sacral foramina), 15 mm from
the midline on the chosen side, a little behind the posterior bony surface (lamina), where
multifidus lies. Sources: needle sites ~1 cm lateral to the C3-C4 spinous process (JMPT 2017)
and 1-1.5 cm lateral to the L4 spinous process (Hannah et al., Man Ther 2016); the foramen rule
as in ``core.ids.foramen_between``.
"""

from __future__ import annotations

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.core.ids import SpinalSegment, foramen_between

#: Lateral offset of the needle point from the midline (metres).
LATERAL_OFFSET = 0.015
#: Depth of the point behind the posterior bony surface, inside the paraspinal muscle.
POSTERIOR_DEPTH = 0.008
#: Posterior sacral foramina S1, S2 as fractions of the sacrum's height from its top.
_SACRAL_FRACTION = {1: 0.22, 2: 0.42}
#: Their distance from the midline: the posterior sacral foramina lie lateral to the median crest.
_SACRAL_OFFSET = 0.022


def paraspinal_point(manifest: Manifest, segment: str, side: str) -> tuple[float, float, float] | None:
    """The paraspinal needle point for ``segment`` on ``side`` (``"left"``/``"right"``).

    Returns None when the manifest lacks the vertebrae it needs.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be left or right, not {side!r}")
    seg = SpinalSegment(segment)
    sign = 1.0 if side == "left" else -1.0  # +X is the subject's left
    mid = manifest.midline_x
    if seg.region == "S":
        sacrum = manifest.vertebra("S")
        if sacrum is None or seg.number not in _SACRAL_FRACTION:
            return None
        lm = sacrum.landmarks
        top, bottom = lm["superior"][2], lm["inferior"][2]
        z = top - _SACRAL_FRACTION[seg.number] * (top - bottom)
        y = lm.get(f"lamina_{side}", lm["spinous_tip"])[1]
        return (mid + sign * _SACRAL_OFFSET, y + POSTERIOR_DEPTH, z)
    upper_name, lower_name = foramen_between(seg.name)
    lower = manifest.vertebra(lower_name)
    upper = manifest.vertebra(upper_name) if upper_name != "occiput" else None
    if lower is None or (upper is None and upper_name != "occiput"):
        return None
    lower_lm = lower.landmarks
    if upper is None:  # C1: between the skull and the atlas
        z = lower_lm["superior"][2]
        ys = [lower_lm.get(f"lamina_{side}", lower_lm["spinous_tip"])[1]]
    else:
        upper_lm = upper.landmarks
        # The foramen lies level with the disc between the two: halfway from the upper
        # vertebra's lower end plate to the lower one's upper end plate (the centroids'
        # midpoint fell 2 cm below the L5-S1 disc, on top of the S1 point).
        z = 0.5 * (upper_lm.get("inferior", upper_lm["centroid"])[2] + lower_lm.get("superior", lower_lm["centroid"])[2])
        ys = [lm.get(f"lamina_{side}", lm["spinous_tip"])[1] for lm in (upper_lm, lower_lm)]
    y = max(ys) + POSTERIOR_DEPTH
    return (mid + sign * LATERAL_OFFSET, y, z)
