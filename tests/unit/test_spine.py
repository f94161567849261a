"""Paraspinal needle points sit beside the right vertebrae, on the right side."""

import pytest

from ims_atlas.anatomy.spine import paraspinal_point
from ims_atlas.core.ids import CATALOG_SEGMENTS, foramen_between


@pytest.mark.parametrize("segment", CATALOG_SEGMENTS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_point_beside_its_foramen(manifest, segment, side):
    x, y, z = paraspinal_point(manifest, segment, side)
    mid = manifest.midline_x
    assert (x > mid) if side == "left" else (x < mid)  # +X is the subject's left
    assert 0.01 <= abs(x - mid) <= 0.03
    upper, lower = foramen_between(segment)
    lo = manifest.vertebra(lower).landmarks
    assert y > lo["centroid"][1], "the point must be behind (posterior to) the vertebra"
    if upper not in ("occiput", "S"):
        up = manifest.vertebra(upper).landmarks
        assert lo["centroid"][2] <= z <= up["centroid"][2]
    elif upper == "S":
        assert lo["inferior"][2] <= z <= lo["superior"][2]


def test_levels_descend(manifest):
    zs = [paraspinal_point(manifest, s, "right")[2] for s in CATALOG_SEGMENTS]
    assert all(a > b for a, b in zip(zs, zs[1:], strict=False))


def test_bad_side_is_an_error(manifest):
    with pytest.raises(ValueError):
        paraspinal_point(manifest, "C6", "middle")
