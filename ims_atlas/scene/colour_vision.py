"""How colours look with the common colour-vision deficiencies, and how far apart two look.

The simulation is Machado, Oliveira and Fernandes' physiologically based model (IEEE
Transactions on Visualization and Computer Graphics 15(6):1291-1298, 2009), at severity 1.0
(protanopia, deuteranopia, tritanopia): a 3 x 3 matrix applied to linear RGB, the values of
the paper's table for severity 1.0. "Monochrome" keeps the luminance alone (Rec. 709
weights), as a grey print or achromatopsia shows it. Distances are CIE76 colour differences (Delta E*ab) in
CIELAB (D65), enough to tell "far apart" from "easily confused".
"""

from __future__ import annotations

import numpy as np

RGB = tuple[float, float, float]

#: Machado et al. 2009, severity 1.0, for linear RGB.
MACHADO_2009: dict[str, np.ndarray] = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *MACHADO_2009, "monochrome")


def to_linear(rgb) -> np.ndarray:
    """SRGB (0-1) to linear RGB."""
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(linear) -> np.ndarray:
    """Linear RGB to sRGB (0-1), clipped."""
    c = np.clip(np.asarray(linear, dtype=float), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(rgb: RGB, vision: str) -> RGB:
    """``rgb`` (sRGB 0-1) as seen with ``vision``: ``"normal"``, a key of
    :data:`MACHADO_2009`, or ``"monochrome"`` (its luminance only: a grey print).
    """
    if vision == "normal":
        return tuple(float(c) for c in rgb)  # type: ignore[return-value]
    if vision == "monochrome":
        lin = to_linear(rgb)
        grey = float(to_srgb(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]))
        return (grey, grey, grey)
    out = to_srgb(MACHADO_2009[vision] @ to_linear(rgb))
    return (float(out[0]), float(out[1]), float(out[2]))


def lab(rgb: RGB) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour."""
    lin = to_linear(rgb)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = (m @ lin) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: RGB, b: RGB, vision: str = "normal") -> float:
    """How far apart two colours look with ``vision`` (CIE76 Delta E*ab)."""
    return float(np.linalg.norm(lab(simulate(a, vision)) - lab(simulate(b, vision))))


def closest_pair(colours: dict[str, RGB], vision: str) -> tuple[str, str, float]:
    """The two of ``colours`` that look most alike with ``vision``, and their distance."""
    names = list(colours)
    best = ("", "", float("inf"))
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            d = delta_e(colours[a], colours[b], vision)
            if d < best[2]:
                best = (a, b, d)
    return best
