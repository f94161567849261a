"""The Study menu of the main window: find the segment (a docked panel) and quizzes (a dialog)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDockWidget


def install_study_menu(window, bar) -> None:
    """Add the Study menu to ``window``'s menu ``bar`` (needs the window's catalog)."""
    menu = bar.addMenu("&Study")
    find = QAction("&Find the segment…", window)
    find.setObjectName("study-assess")
    find.setShortcut(QKeySequence("Ctrl+Shift+F"))
    find.triggered.connect(lambda _=False: open_assessment(window))
    menu.addAction(find)
    quiz = QAction("&Quiz…", window)
    quiz.setObjectName("study-quiz")
    quiz.setShortcut(QKeySequence("Ctrl+Shift+Q"))
    quiz.triggered.connect(lambda _=False: open_quiz(window))
    menu.addAction(quiz)
    enabled = window._catalog is not None
    find.setEnabled(enabled)
    quiz.setEnabled(enabled)


def open_assessment(window):
    """Show (creating once) the docked assessment panel; returns it."""
    panel = getattr(window, "assessment_panel", None)
    if panel is None:
        from ims_atlas.qt.panels.assessment_panel import AssessmentPanel

        panel = AssessmentPanel(window._catalog, window)
        dock = QDockWidget("Find the segment", window)
        dock.setObjectName("assessment-dock")
        dock.setWidget(panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        window.assessment_panel, window.assessment_dock = panel, dock
        panel.show_requested.connect(lambda a: show_assessment(window, a))
        window.mouse.clicked.connect(lambda sid: _clicked(window, sid))
    window.assessment_dock.show()
    window.assessment_dock.raise_()
    return panel


def _clicked(window, structure_id: str) -> None:
    structure = window._manifest.get(structure_id) if structure_id else None
    if (structure is not None and structure.muscle
            and window.assessment_panel.add_from_structure(structure.muscle, structure.side)):
        window.statusBar().showMessage(f"Marked {structure.name}", 3000)


def show_assessment(window, assessment) -> None:
    """Light the marked muscles and the best segments' paraspinal targets in the 3D view."""
    from ims_atlas.scene.study_pictures import assessment_picture

    if assessment.findings.is_empty():
        window.statusBar().showMessage("Mark some findings first.", 4000)
        return
    picture = assessment_picture(assessment, window._manifest, window._catalog, window.state.current)
    window.scene.show(picture, frame=True, render=True)
    best = ", ".join(f"{s.segment} ({s.score:g})" for s in assessment.best(2))
    window.statusBar().showMessage(f"Best segments: {best or 'none'}", 8000)


def open_quiz(window):
    """Open the quiz dialog (created each time: a new quiz)."""
    from ims_atlas.qt.quiz_dialog import QuizDialog

    dialog = QuizDialog(window._catalog, window._manifest, window)
    window.quiz_dialog = dialog
    dialog.show()
    return dialog
