"""From scene coordinates to picture pixels with a camera's matrix: pure NumPy, no VTK.

The renderer reads the camera's composite projection matrix (world -> normalised device
coordinates) once; everything after that, labels included, is plain arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Projector:
    """Projects world points into an image of ``size`` (width, height) pixels.

    ``matrix`` is the 4x4 world -> clip-space matrix (VTK's composite projection transform
    for the image's aspect ratio, depth range -1..1).
    """

    matrix: tuple[tuple[float, ...], ...]
    size: tuple[int, int]

    @classmethod
    def from_array(cls, matrix: np.ndarray, size: tuple[int, int]) -> Projector:
        """Build from a 4x4 array."""
        m = np.asarray(matrix, dtype=float).reshape(4, 4)
        return cls(tuple(tuple(float(v) for v in row) for row in m), (int(size[0]), int(size[1])))

    def project(self, points) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (x right, y down) of ``points`` and whether each is in view.

        Returns
        -------
        tuple
            ``(xy, visible)``: an (n, 2) float array and an (n,) bool array; a point is
            visible when it is in front of the camera and inside the image.
        """
        pts = np.asarray(points, dtype=float).reshape(-1, 3)
        homog = np.hstack([pts, np.ones((len(pts), 1))]) @ np.asarray(self.matrix).T
        w = homog[:, 3]
        front = w > 1e-9
        safe_w = np.where(front, w, 1.0)
        ndc = homog[:, :3] / safe_w[:, None]
        width, height = self.size
        x = (ndc[:, 0] + 1.0) * 0.5 * width
        y = (1.0 - ndc[:, 1]) * 0.5 * height
        xy = np.column_stack([x, y])
        inside = (x >= 0) & (x <= width) & (y >= 0) & (y <= height) & (np.abs(ndc[:, 2]) <= 1.0)
        return xy, front & inside

    def unproject(self, xy, at) -> np.ndarray:
        """World points that project to the pixels ``xy`` at the depth of the world point ``at``.

        The inverse of :meth:`project` on the plane through ``at`` facing the camera (a
        perspective camera's depth is kept as ``at``'s normalised depth): the corners of an
        inset, carried back to the model, then forward into the view the inset enlarges.
        """
        pix = np.asarray(xy, dtype=float).reshape(-1, 2)
        m = np.asarray(self.matrix)
        ref = m @ np.append(np.asarray(at, dtype=float), 1.0)
        z = ref[2] / ref[3]
        width, height = self.size
        ndc = np.column_stack([pix[:, 0] / width * 2.0 - 1.0, 1.0 - pix[:, 1] / height * 2.0, np.full(len(pix), z),
                               np.ones(len(pix))])
        world = ndc @ np.linalg.inv(m).T
        return world[:, :3] / world[:, 3:4]
