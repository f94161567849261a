"""What a review of the window's pictures found (issue 16, the window side): the side shown,
the markers' size on screen, the labels' leaders."""

from PyQt6.QtCore import Qt


def _search(window, qtbot, words: str) -> None:
    box = window.search_panel.box
    box.clear()
    qtbot.keyClicks(box, words)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    window.camera.finish()


def test_widespread_pain_from_the_search_box_is_on_both_sides_and_the_next_plan_on_the_side_before(
        open_window, catalog, qtbot):
    """Fibromyalgia picked in the search box is shown on both sides (as ``--condition`` and
    ``plan`` show it); the plan picked next is on the side shown before, not on both sides the
    user never chose. A side the user picks is kept."""
    window = open_window(catalog)
    assert window.state.current.side == "right"
    _search(window, qtbot, "fibromyalgia")
    assert window.state.current.condition_id == "fibromyalgia"
    assert window.state.current.side == "both" and window.search_panel.side_buttons["both"].isChecked()
    _search(window, qtbot, "tennis elbow")
    assert window.state.current.condition_id == "tennis_elbow"
    assert window.state.current.side == "right" and window.search_panel.side_buttons["right"].isChecked()
    assert "Tennis elbow, right" in window.statusBar().currentMessage()

    # The left side chosen, fibromyalgia, then a plan: on the left again.
    window.search_panel.side_buttons["left"].click()
    assert window.state.current.side == "left"
    _search(window, qtbot, "fibromyalgia")
    assert window.state.current.side == "both"
    _search(window, qtbot, "sciatica")
    assert window.state.current.side == "left"

    # Both sides chosen by the user while fibromyalgia is shown: kept for the next plan.
    _search(window, qtbot, "fibromyalgia")
    window.search_panel.side_buttons["right"].click()
    window.search_panel.side_buttons["both"].click()
    _search(window, qtbot, "tennis elbow")
    assert window.state.current.side == "both"
