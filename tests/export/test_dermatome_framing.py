"""A segment picture with its dermatome painted frames the whole painted zone."""

import numpy as np
import pytest

from ims_atlas.cli import main


def _export(tmp_path, monkeypatch, argv):
    from ims_atlas.export import image_export

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    seen = {}
    real = image_export.render_image
    monkeypatch.setattr(image_export, "render_image", lambda *a, **k: seen.setdefault("result", real(*a, **k)))
    assert main(["export", *argv, "--out", str(tmp_path / "p.png"), "--size", "1280x800"]) == 0
    return seen["result"]


@pytest.mark.scene
@pytest.mark.parametrize("segment, side", [("L5", "right"), ("S1", "left")])
def test_the_dermatome_of_a_leg_segment_is_in_the_muscles_view(tmp_path, monkeypatch, segment, side):
    """L5 runs to the dorsum of the foot and the big toe, S1 to the heel and the little toe: the
    view of the muscles shows all of it, not only down to the lowest muscle."""
    from ims_atlas.cli.study_commands import dermatome_points
    from ims_atlas.study.dermatomes import load_painted_skin

    result = _export(tmp_path, monkeypatch, [segment, "--side", side, "--dermatome", "isncsci"])
    painted = dermatome_points(load_painted_skin(), "isncsci", segment, side)
    assert len(painted) > 100
    lowest = painted[np.argmin(painted[:, 2])]
    views = [p for p in result.panels if p.view.group != "spine"]
    assert views
    for panel in views:
        xy, front = panel.projector.project(painted)
        xy = xy + np.array([panel.box.x + panel.offset[0], panel.box.y + panel.offset[1]])
        box = panel.box
        inside = front & (xy[:, 0] >= box.x) & (xy[:, 0] <= box.right) & (xy[:, 1] >= box.y) & (xy[:, 1] <= box.bottom)
        assert inside.all(), (f"{int((~inside).sum())} of {len(painted)} painted vertices of {segment} fall outside "
                              f"the {panel.view.group} view, e.g. the lowest at {np.round(lowest, 3)}")


def test_dermatome_points_take_the_side_asked_for():
    from ims_atlas.cli.study_commands import dermatome_points
    from ims_atlas.study.dermatomes import load_painted_skin

    skin = load_painted_skin()
    both = dermatome_points(skin, "isncsci", "L5", "both")
    left, right = (dermatome_points(skin, "isncsci", "L5", s) for s in ("left", "right"))
    assert len(left) + len(right) == len(both) and len(left) and len(right)
    assert np.all((left[:, 0] - skin.midline_x) * skin.left_sign > 0)
    assert np.all((right[:, 0] - skin.midline_x) * skin.left_sign <= 0)
    assert len(dermatome_points(skin, "isncsci", "S5", "both")) == 0  # a segment the map does not paint
