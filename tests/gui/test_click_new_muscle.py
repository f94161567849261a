"""Clicking one of the muscles authored for issue 17 (the ones the catalog named but the scene
could not draw) in the real window shows its catalog entry, not 'Not in the clinical catalog'."""

import os

import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import Qt  # noqa: E402

from tests.gui.test_study_and_presets import _widget_point  # noqa: E402

#: (view, structure): superficial enough to be clicked from that side.
CANDIDATES = [("anterior", "platysma_right"), ("right", "platysma_right"),
              ("posterior", "serratus_posterior_inferior_right"), ("posterior", "abductor_digiti_minimi_of_hand_right")]


def test_clicking_a_newly_drawn_muscle_shows_its_catalog_entry(open_window, catalog, qtbot):
    window = open_window(catalog, (1400, 900))
    found = None
    for view, target in CANDIDATES:
        window.state.update(view=view)
        window.set_view(view)
        qtbot.wait(50)
        point = _widget_point(window, target)
        if point is not None:
            found = target, point
            break
    assert found is not None, "none of the new muscles can be clicked from the standard views"
    target, point = found
    qtbot.mouseClick(window.interactor.interactor, Qt.MouseButton.LeftButton, pos=point)
    assert window.state.current.selection == target
    text = window.plan_view.toPlainText()
    muscle = catalog.muscle(target.rsplit("_", 1)[0])
    assert muscle.name in text and "Not in the clinical catalog" not in text
    assert muscle.nerve.split(" ")[0].lower() in text.lower()
    assert all(r.segment in text for r in muscle.roots if r.contribution == "major")
