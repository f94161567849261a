"""Camera interpolation: ends exactly, keeps its distance sensible, turns around the body."""

import numpy as np
import pytest

from ims_atlas.scene.views import interpolate_pose

FRONT = ((0.0, -3.0, 1.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))
BACK = ((0.0, 3.0, 1.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))
SIDE = ((2.0, 0.0, 1.2), (0.1, 0.0, 1.2), (0.0, 0.0, 1.0))


@pytest.mark.parametrize("start,end", [(FRONT, BACK), (FRONT, SIDE), (SIDE, FRONT)])
def test_ends_are_exact(start, end):
    for t, want in ((0.0, start), (1.0, end)):
        got = interpolate_pose(start, end, t)
        for a, b in zip(got, want, strict=True):
            assert np.allclose(a, b, atol=1e-9)


def test_front_to_back_goes_around_not_through():
    for t in np.linspace(0, 1, 11):
        pos, focal, up = interpolate_pose(FRONT, BACK, t)
        assert np.linalg.norm(np.subtract(pos, focal)) == pytest.approx(3.0, abs=1e-9)
        assert np.linalg.norm(up) == pytest.approx(1.0)


def test_monotone_progress():
    angles = []
    for t in np.linspace(0, 1, 21):
        pos, focal, _ = interpolate_pose(FRONT, SIDE, t)
        d = np.subtract(pos, focal)
        angles.append(np.arctan2(d[0], -d[1]))
    assert all(b >= a - 1e-12 for a, b in zip(angles, angles[1:], strict=False))
