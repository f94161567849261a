"""Pixel probes for exported pictures and rendered PDF pages."""

from __future__ import annotations

import numpy as np

from ims_atlas.scene.palette import DEFAULT_PALETTE


def hue_mask(img: np.ndarray, rgb, tol: float = 0.2, min_bright: int = 60) -> np.ndarray:
    """Pixels whose chromaticity matches ``rgb`` (shading changes brightness, not chromaticity)."""
    px = np.asarray(img)[..., :3].astype(float)
    chroma = px / (px.sum(axis=2, keepdims=True) + 1e-6)
    want = np.asarray(rgb, float)
    want = want / want.sum()
    return (np.abs(chroma - want).sum(axis=2) < tol) & (px.max(axis=2) > min_bright)


def highlight_fractions(img: np.ndarray) -> dict[str, float]:
    """Share of pixels in the local (orange), paraspinal (blue) and root (yellow) colours."""
    n = img.shape[0] * img.shape[1]
    p = DEFAULT_PALETTE
    return {
        "local": float(hue_mask(img, p.local).sum() / n),  # (the near-white markers have no hue to probe)
        "paraspinal": float((hue_mask(img, p.paraspinal, tol=0.25) | hue_mask(img, p.paraspinal_marker, tol=0.2)).sum() / n),
        "root": float(hue_mask(img, p.root, tol=0.2).sum() / n),  # (gold: its specular highlights pale it)
    }
