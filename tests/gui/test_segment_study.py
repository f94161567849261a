"""Find the segment and the quiz in the real window (Xvfb + xcb)."""

import os

import numpy as np
import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import Qt  # noqa: E402


@pytest.fixture(scope="module")
def catalog():
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.paths import bundled_catalog_path

    return load_catalog(bundled_catalog_path())


def _orange_share(window) -> float:
    """Share of pixels near the palette's local-target colour (lit muscles)."""
    from ims_atlas.scene.palette import DEFAULT_PALETTE

    img = np.asarray(window.scene.plotter.screenshot(return_img=True))[..., :3].astype(float)
    local = np.asarray(DEFAULT_PALETTE.local) * 255
    return float((np.linalg.norm(img - local, axis=2) < 70).mean())


def test_assessment_panel_ranks_and_lights_c5(open_window, qtbot, catalog, tmp_path):
    from ims_atlas.qt.study_hooks import open_assessment

    window = open_window(catalog)
    panel = open_assessment(window)
    panel.muscle_side.setCurrentIndex(panel.muscle_side.findData("right"))
    for name in ("supraspinatus", "infraspinatus", "deltoid"):
        panel.muscle_filter.setText(name)
        qtbot.keyClick(panel.muscle_list, Qt.Key.Key_Return)
        panel.add_selected_muscle()
    assert panel.findings_list.count() == 3
    assert panel.assessment.segments[0].segment == "C5"
    assert "1. C5" in panel.result.toPlainText()
    before = _orange_share(window)
    panel.show_requested.emit(panel.assessment)
    assert _orange_share(window) > before + 0.002
    saved = panel.save_to(tmp_path / "a.txt")
    text = saved.read_text()
    assert "1. C5  score 3.5" in text and "supraspinatus:right" in text
    panel.clear()
    assert panel.findings_list.count() == 0


def test_clicking_a_muscle_in_3d_marks_it_when_picking_is_on(open_window, catalog, manifest):
    from ims_atlas.qt.study_hooks import open_assessment

    window = open_window(catalog)
    panel = open_assessment(window)
    deltoid = manifest.muscle_structures("deltoid", sides=["left"])[0]
    window.mouse.clicked.emit(deltoid.id)
    assert panel.findings_list.count() == 0  # picking is off
    panel.pick_in_3d.setChecked(True)
    window.mouse.clicked.emit(deltoid.id)
    assert [(m.muscle, m.side) for m in panel._muscles] == [("deltoid", "left")]


def test_quiz_dialog_scores_keys_and_reviews(open_window, qtbot, catalog):
    from ims_atlas.qt.quiz_dialog import QuizDialog

    window = open_window(catalog)
    dialog = QuizDialog(catalog, window._manifest, window, count=3, seed=5)
    qtbot.addWidget(dialog)
    dialog.show()
    first = dialog.quiz.current
    qtbot.keyClick(dialog, Qt.Key(Qt.Key.Key_1 + first.answer))
    assert dialog.quiz.score == 1
    assert "Right." in dialog.feedback.toPlainText() and "Sources" in dialog.feedback.toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    second = dialog.quiz.current
    dialog.choose((second.answer + 1) % 4)
    assert "Not quite" in dialog.feedback.toPlainText()
    dialog.next_question()
    dialog.skip()
    dialog.next_question()
    assert dialog.quiz.done
    review = dialog.feedback.toPlainText()
    assert "You scored 1 of 3" in dialog.prompt.text()
    assert second.prompt in review and "skipped" in review
    dialog.close()


def test_skin_with_the_segments_dermatome(open_window, catalog):
    from ims_atlas.qt.study_hooks import set_dermatome_map, set_skin

    def shot(w) -> np.ndarray:
        return np.asarray(w.scene.plotter.screenshot(return_img=True))[..., :3].astype(int)

    def bluer(a: np.ndarray, b: np.ndarray) -> float:
        """Share of pixels whose blue-over-green rose (the purple dermatome painted over them)."""
        return float((((b[..., 2] - b[..., 1]) - (a[..., 2] - a[..., 1])) > 25).mean())

    window = open_window(catalog)
    window.state.update(side="both")
    window.show_segment("C6")
    before = shot(window)
    set_skin(window, True)
    assert window.skin_layer.shown
    c6 = shot(window)
    assert bluer(before, c6) > 0.003
    assert "Dermatome C6" in window.plan_view.toPlainText()
    set_dermatome_map(window, "keegan_garrett")
    text = window.plan_view.toPlainText()
    assert "Keegan and Garrett" in text
    # Lee et al. 2008 is not painted: said in the panel, and in the menu where the maps are chosen.
    assert "Not painted" in text and "Lee, McPhee and Stringer 2008" in text and "figure" in text
    assert "Where the maps disagree" in text and "Lazorthes" in text
    lee = window.dermatome_not_painted_actions["lee_2008"]
    assert "not painted" in lee.text() and "figure" in lee.toolTip() and not lee.isCheckable()
    assert set(window.dermatome_map_actions) == {"isncsci", "keegan_garrett"}
    lee.trigger()
    box = window.not_painted_box
    assert box.isVisible() and not box.isModal()
    assert "not painted" in box.text() and "S3, S4 and S5 are not shown" in box.text()
    box.close()
    assert window.dermatome_map == "keegan_garrett"  # asking why changes no map
    set_skin(window, False)
    assert not window.skin_layer.shown


def test_referred_pain_and_danger_zones_with_a_plan(open_window, qtbot, catalog):
    from ims_atlas.qt.study_hooks import set_danger, set_referred

    def shot(w) -> np.ndarray:
        return np.asarray(w.scene.plotter.screenshot(return_img=True))[..., :3].astype(int)

    window = open_window(catalog)
    window.show_condition("tennis_elbow", "right")
    qtbot.wait(50)
    before = shot(window)
    set_referred(window, True)
    after = shot(window)
    greener = (((after[..., 1] - after[..., 0]) - (before[..., 1] - before[..., 0])) > 30).mean()
    assert greener > 0.002  # the bluish-green zones on the skin
    text = window.plan_view.toPlainText()
    assert "Referred pain" in text and "A strong zone 3-5 cm over the back of the hand" in text
    assert "Anconeus: no published referral map" in text and "Supinator: Chiefly the lateral epicondyle" in text
    set_referred(window, False)
    window.show_condition("golfers_elbow", "right")
    qtbot.wait(50)
    set_danger(window, True)
    assert window.hazard_layer.shown
    text = window.plan_view.toPlainText()
    assert "Danger zones" in text and "median nerve" in text and "brachial artery" in text
    set_danger(window, False)
    assert not window.hazard_layer.shown


def _mark_cuff(panel):
    for name in ("supraspinatus", "infraspinatus", "deltoid"):
        assert panel.add_muscle(name, "right")
    panel.add_sign("trophoedema", "C5", "right")


def _pdf_text(path) -> str:
    import subprocess

    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_the_panel_puts_the_findings_alone_into_a_clinician_sheet(open_window, qtbot, catalog, tmp_path,
                                                                  monkeypatch):
    from ims_atlas.qt import export_dialogs
    from ims_atlas.qt.study_hooks import open_assessment

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    window = open_window(catalog)
    panel = open_assessment(window)
    _mark_cuff(panel)
    sheet = tmp_path / "findings.pdf"
    asked = []
    monkeypatch.setattr(export_dialogs, "_ask_path", lambda *a: asked.append(a) or sheet)
    qtbot.mouseClick(panel.sheet_button, Qt.MouseButton.LeftButton)
    assert asked and sheet.is_file()
    text = _pdf_text(sheet)
    assert "Clinician sheet: find the segment" in text
    assert "Supraspinatus, right: tender; Infraspinatus, right: tender; Deltoid, right: tender" in text
    # three major roots (1 each), the deltoid a C5 indicator muscle in Hoppenfeld 2018 (+0.5), the sign 1
    assert "1. C5 score 4.5, paraspinal level C4-C5, right" in text
    assert "C5 is a major root of Deltoid (Axillary nerve); an indicator muscle of C5 in Hoppenfeld 2018" in text
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["findings.pdf"]


def test_with_a_plan_on_screen_the_findings_go_into_the_handouts_clinician_sheet(open_window, qtbot, catalog,
                                                                                 tmp_path, monkeypatch):
    """The handout dialog opens with its clinician sheet ticked; the worker (which gets the
    findings on its standard input) prints them in the sheet and not in the handout.
    """
    from ims_atlas.qt.export_dialogs import HandoutDialog
    from ims_atlas.qt.study_hooks import open_assessment

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    window = open_window(catalog)
    window.show_condition("rotator_cuff", "right")
    panel = open_assessment(window)
    _mark_cuff(panel)
    seen = {}

    def run_instead_of_exec(dialog):
        seen["ticked"] = dialog.clinician_sheet.isChecked()
        assert dialog.make_preview(), dialog.status.text()
        for name, data in (("handout", dialog._pdf), ("sheet", dialog._clinician_pdf)):
            (tmp_path / f"{name}.pdf").write_bytes(data)
        return 0

    monkeypatch.setattr(HandoutDialog, "exec", run_instead_of_exec)
    qtbot.mouseClick(panel.sheet_button, Qt.MouseButton.LeftButton)
    assert seen["ticked"]
    sheet = _pdf_text(tmp_path / "sheet.pdf")
    assert "Clinician sheet: Shoulder pain" in sheet and "Red flags" in sheet
    assert "Examination findings and the segments that explain them" in sheet
    assert "1. C5 score 4.5" in sheet
    handout = _pdf_text(tmp_path / "handout.pdf")
    assert "Examination findings" not in handout and "Trophoedema" not in handout


def test_the_organs_are_drawn_only_when_asked_for(open_window, catalog):
    from ims_atlas.qt.study_hooks import set_organs

    window = open_window(catalog)
    assert getattr(window, "organ_layer", None) is None  # nothing read at start
    assert not any(name.startswith("organ:") for name in window.scene.plotter.renderer.actors)
    set_organs(window, True)
    assert window.organs_action.isChecked() and window.organ_layer.shown
    assert "organ:pleura_right" in window.scene.plotter.renderer.actors
    set_organs(window, False)
    assert not window.organ_layer.shown and not window.organs_action.isChecked()


def test_close_up_moves_in_on_the_crowded_hand_and_back(open_window, catalog):
    """Issue 16 in the window: C8 on the right side, from the side, fans many leaders into
    the hand and forearm. Z moves each viewport in on its crowd: afterwards the crowd's points
    are spread at least twice as far apart on screen, each still in its viewport, and the
    labels of targets now out of view are hidden; Z again frames the whole views once more."""
    window = open_window(catalog, size=(1600, 1000))
    window.state.update(segment="C8", side="right")
    window.camera.finish()
    scene = window.scene
    scene.plotter.render()
    crowded = [second for second in ((False, True) if scene.split else (False,)) if scene.crowd(second)]
    assert crowded, "C8's hand and forearm no longer crowd any viewport: the test has nothing to check"

    def spread(markers, second):
        pts = np.array([scene.project(m.position, second=second) for m in markers])
        return float(np.ptp(pts, axis=0).max())

    before = {second: (scene.crowd(second), spread(scene.crowd(second), second)) for second in crowded}
    window.close_up()
    window.camera.finish()
    scene.plotter.render()
    assert window.close_up_button.text().startswith("Back")
    for second, (crowd, width) in before.items():
        renderer = scene.second_labels._renderer if second else scene.labels._renderer
        (ox, oy), (w, h) = renderer.GetOrigin(), renderer.GetSize()
        # Enlarged at least twice (an export's inset must enlarge 1.5 times).
        assert spread(crowd, second) >= 2 * width, (width, spread(crowd, second), h)
        for m in crowd:
            x, y = scene.project(m.position, second=second)
            assert ox <= x <= ox + w and oy <= y <= oy + h, m.label
        # Moved in close, the labels of targets now out of view are hidden, not piled at the edges.
        labels = scene.second_labels if second else scene.labels
        leaders = labels.props[0].GetMapper().GetInput()
        assert leaders.GetNumberOfLines() == len(labels.boxes)
        for i in range(leaders.GetNumberOfLines()):
            x, y = leaders.GetPoint(2 * i)[:2]
            assert 0 <= x <= w and 0 <= y <= h, (x, y)
    assert "crowded targets" in window.statusBar().currentMessage()
    window.close_up()
    window.camera.finish()
    scene.plotter.render()
    assert window.close_up_button.text().startswith("Close-up")
    assert all(scene.crowd(second) for second in crowded)
