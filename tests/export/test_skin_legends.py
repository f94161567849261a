"""Pictures that paint the skin say in their legend what the painted colour means."""

import numpy as np
import pytest

from ims_atlas.cli import main
from ims_atlas.export.annotations import condition_legend, dermatome_legend, merged_legend, referred_legend
from ims_atlas.scene.palette import DEFAULT_PALETTE
from ims_atlas.scene.skin_colours import DERMATOME_RGB, REFERRED_RGB


def test_the_legend_entries_name_the_segment_the_map_and_the_zone_against_the_muscle():
    derm = dermatome_legend("C6", "ISNCSCI key sensory points (ASIA)")
    assert derm[0].text == "Dermatome of C6 per ISNCSCI key sensory points (ASIA)" and derm[0].color == DERMATOME_RGB
    zone, muscle = referred_legend()
    assert zone.color == REFERRED_RGB and "where its pain is felt" in zone.text
    assert muscle.color == DEFAULT_PALETTE.local and "trigger point" in muscle.text


def test_a_colour_already_in_the_legend_is_explained_once():
    """The referred-pain legend's muscle entry takes the place of the plan's 'Muscle to treat'
    (same swatch, same colour): the picture's legend never shows one colour twice."""
    merged = merged_legend(condition_legend(), referred_legend())
    keys = [(item.shape, item.color) for item in merged]
    assert len(keys) == len(set(keys))
    assert len(merged) == len(condition_legend()) + 1
    local = [item for item in merged if item.color == DEFAULT_PALETTE.local and item.shape == "swatch"]
    assert [item.text for item in local] == ["Muscle to treat: holds the trigger point"]
    assert merged[-1].color == REFERRED_RGB


def _swatch_in_legend(result, rgb) -> int:
    """Pixels of exactly ``rgb`` inside the legend's box (the swatch is drawn flat, unlit)."""
    img = np.asarray(result.image.convert("RGB")).astype(int)
    box = result.footer
    part = img[int(box.y):int(box.y + box.h), int(box.x):int(box.x + box.w)]
    return int((np.abs(part - np.round(np.asarray(rgb) * 255)).max(axis=2) <= 2).sum())


@pytest.mark.scene
@pytest.mark.parametrize("argv, rgb", [
    (["C6", "--dermatome", "isncsci"], DERMATOME_RGB),
    (["tennis elbow", "--side", "right", "--referred-pain"], REFERRED_RGB),
])
def test_the_painted_colour_has_its_swatch_in_the_exported_legend(tmp_path, monkeypatch, argv, rgb):
    from ims_atlas.export import image_export

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    seen = {}
    real = image_export.render_image

    def keep(*args, **kwargs):
        seen["result"] = result = real(*args, **kwargs)
        return result

    monkeypatch.setattr(image_export, "render_image", keep)
    assert main(["export", *argv, "--out", str(tmp_path / "p.png"), "--size", "1280x800"]) == 0
    result = seen["result"]
    assert result.footer is not None and _swatch_in_legend(result, rgb) > 100


@pytest.mark.scene
def test_a_picture_without_skin_has_no_skin_swatch(tmp_path, monkeypatch):
    from ims_atlas.export import image_export

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    seen = {}
    real = image_export.render_image
    monkeypatch.setattr(image_export, "render_image", lambda *a, **k: seen.setdefault("result", real(*a, **k)))
    assert main(["export", "C6", "--out", str(tmp_path / "p.png"), "--size", "1280x800"]) == 0
    assert _swatch_in_legend(seen["result"], DERMATOME_RGB) == 0
