"""The quiz dialog: one question at a time, answered with keys 1-4 or by clicking in 3D.

After each answer it says right or wrong with the explanation and its sources; at the end it
shows the score and reviews the misses. Offline, no account, nothing saved.
"""

from __future__ import annotations

from html import escape

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.study.quiz import Question, Quiz, make_quiz


class QuizDialog(QDialog):
    """A quiz over the catalog; lights each question's muscle in the parent window's 3D view."""

    def __init__(self, catalog: Catalog, manifest: Manifest | None, window=None, count: int = 10,
                 seed: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("IMS Atlas quiz")
        self.setObjectName("quiz-dialog")
        self._catalog = catalog
        self._manifest = manifest
        self._window = window
        drawn = (lambda m: bool(manifest.muscle_structures(m))) if manifest is not None else None
        self._skin = None
        dermatomes = None
        if window is not None and hasattr(window, "scene"):
            from ims_atlas.core.errors import DataError
            from ims_atlas.study.dermatomes import bundled_maps, bundled_painted_skin
            from ims_atlas.study.quiz import dermatome_question_maker

            try:
                self._skin = bundled_painted_skin()
                dermatomes = dermatome_question_maker(self._skin, bundled_maps(),
                                                      getattr(window, "dermatome_map", None))
            except DataError:
                self._skin = None
        self.quiz: Quiz = make_quiz(catalog, count=count, seed=seed, drawn=drawn, dermatome_question=dermatomes)
        self._answered = False
        layout = QVBoxLayout(self)
        self.progress = QLabel(self)
        self.progress.setObjectName("quiz-progress")
        layout.addWidget(self.progress)
        self.prompt = QLabel(self)
        self.prompt.setObjectName("quiz-prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-size: 15pt; font-weight: bold")
        layout.addWidget(self.prompt)
        self.option_buttons: list[QPushButton] = []
        for i in range(4):
            b = QPushButton(self)
            b.setObjectName(f"quiz-option-{i + 1}")
            b.setStyleSheet("text-align: left; padding: 6px; font-size: 12pt")
            b.clicked.connect(lambda _=False, n=i: self.choose(n))
            layout.addWidget(b)
            self.option_buttons.append(b)
        self.feedback = QTextBrowser(self)
        self.feedback.setObjectName("quiz-feedback")
        self.feedback.setMinimumHeight(170)
        layout.addWidget(self.feedback, 1)
        row = QHBoxLayout()
        self.skip_button = QPushButton("&Skip", self)
        self.skip_button.clicked.connect(self.skip)
        self.next_button = QPushButton("&Next (Enter)", self)
        self.next_button.setObjectName("quiz-next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_question)
        row.addWidget(self.skip_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        self.resize(560, 560)
        if window is not None and hasattr(window, "mouse"):
            window.mouse.clicked.connect(self._clicked_in_3d)
        self._show_question()

    # -- flow ---------------------------------------------------------------------------------
    def _show_question(self) -> None:
        q = self.quiz.current
        self._answered = False
        if q is None:
            self._show_review()
            return
        self.progress.setText(f"Question {len(self.quiz.answers) + 1} of {len(self.quiz.questions)} · "
                              f"score {self.quiz.score}")
        self.prompt.setText(q.prompt)
        for i, b in enumerate(self.option_buttons):
            b.setText(f"{i + 1}.  {q.options[i]}")
            b.setEnabled(True)
            b.setStyleSheet("text-align: left; padding: 6px; font-size: 12pt")
            b.show()
        hint = "Press 1-4 or click an option"
        if q.option_muscles:
            hint += ", or click the muscle in the 3D view"
        elif q.option_segments:
            hint += ", or click the nerve root in the 3D view"
        self.feedback.setHtml(f"<p>{hint}.</p>")
        self.next_button.setEnabled(False)
        self.skip_button.setEnabled(True)
        self._light(q)

    def _light(self, q: Question) -> None:
        if self._window is None or self._manifest is None or not hasattr(self._window, "scene"):
            return
        from ims_atlas.scene.study_pictures import quiz_picture

        ids = tuple(s.id for m in q.highlight for s in self._manifest.muscle_structures(m, sides=[q.side]))
        if q.kind == "supplies":
            ids = ()  # lighting the options would not help answer; the body is shown whole
        picture = quiz_picture(ids, self._manifest, self._window.state.current)
        self._window.scene.show(picture, frame=bool(ids), render=False)
        self._paint_region(q)
        self._window.scene.plotter.render()

    def _paint_region(self, q: Question) -> None:
        """A dermatome question paints its region on the skin; other questions take the skin away."""
        from ims_atlas.scene.skin_layer import SkinLayer

        if getattr(self._window, "skin_layer", None) is None:
            self._window.skin_layer = SkinLayer(self._window.scene.plotter)
        layer = self._window.skin_layer
        if q.region and self._skin is not None:
            map_id, segment = q.region.split(":")
            layer.show(self._skin, map_id, segment, render=False)
        elif not getattr(self._window, "skin_on", False):
            layer.hide(render=False)

    def choose(self, option: int) -> None:
        """Answer the current question with option ``option`` (0-3)."""
        q = self.quiz.current
        if q is None or self._answered:
            return
        right = self.quiz.answer(option)
        self._answered = True
        self._mark(q, option)
        verdict = ("<h3 style='color:#1b5e20'>Right.</h3>" if right else
                   f"<h3 style='color:#8d1c1c'>Not quite: the answer is {escape(q.options[q.answer])}.</h3>")
        self.feedback.setHtml(verdict + explanation_html(q, self._catalog))
        self.next_button.setEnabled(True)
        self.skip_button.setEnabled(False)
        self.next_button.setFocus()

    def _mark(self, q: Question, chosen: int | None) -> None:
        for i, b in enumerate(self.option_buttons):
            b.setEnabled(False)
            colour = "#c8e6c9" if i == q.answer else ("#ffcdd2" if i == chosen else None)
            if colour:
                b.setStyleSheet(f"text-align: left; padding: 6px; font-size: 12pt; background: {colour}")

    def skip(self) -> None:
        """Pass on this question (counted as a miss), then show the answer."""
        q = self.quiz.current
        if q is None or self._answered:
            return
        self.quiz.skip()
        self._answered = True
        self._mark(q, None)
        self.feedback.setHtml(f"<h3>Skipped: the answer is {escape(q.options[q.answer])}.</h3>"
                              + explanation_html(q, self._catalog))
        self.next_button.setEnabled(True)
        self.skip_button.setEnabled(False)

    def next_question(self) -> None:
        """On to the next question (or the review)."""
        if self._answered:
            self._show_question()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """1-4 answer; Enter moves on once answered."""
        digit = event.key() - Qt.Key.Key_1.value
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if 0 <= digit < len(self.option_buttons) and plain:
            self.choose(digit)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._answered:
            self.next_question()
            return
        super().keyPressEvent(event)

    def _clicked_in_3d(self, structure_id: str) -> None:
        q = self.quiz.current
        if q is None or self._answered or not structure_id or self._manifest is None:
            return
        s = self._manifest.get(structure_id)
        if s is None:
            return
        option = None
        if s.muscle:
            option = q.option_for_muscle(s.muscle)
        if option is None and s.kind == "root" and s.level:
            option = q.option_for_segment(s.level)
        if option is not None:
            self.choose(option)

    def _show_review(self) -> None:
        total = len(self.quiz.questions)
        self.progress.setText(f"Done: {self.quiz.score} of {total} right")
        self.prompt.setText(f"You scored {self.quiz.score} of {total}.")
        for b in self.option_buttons:
            b.hide()
        self.feedback.setHtml(review_html(self.quiz, self._catalog))
        self.next_button.setEnabled(False)
        self.skip_button.setEnabled(False)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Stop listening to the 3D view's clicks."""
        if self._window is not None and hasattr(self._window, "mouse"):
            try:
                self._window.mouse.clicked.disconnect(self._clicked_in_3d)
            except TypeError:
                pass
        super().closeEvent(event)


def explanation_html(q: Question, catalog: Catalog) -> str:
    """The explanation and the citations of its sources."""
    cites = [f"<li>{escape(c)}</li>" for c in q.citations]
    for sid in q.sources:
        src = catalog.source(sid)
        if src is not None:
            cites.append(f"<li>{escape(src.citation)}" + (f" <small>{escape(src.url)}</small>" if src.url else "")
                         + "</li>")
    return f"<p>{escape(q.explanation)}</p><p><b>Sources</b></p><ul>{''.join(cites)}</ul>"


def review_html(quiz: Quiz, catalog: Catalog) -> str:
    """The end of the quiz: the misses with the right answers and explanations."""
    misses = quiz.misses()
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in quiz.notes)
    if not misses:
        return "<h3>No misses.</h3>" + notes
    items = []
    for q, given in misses:
        yours = "skipped" if given is None else f"you chose {escape(q.options[given])}"
        items.append(f"<li><b>{escape(q.prompt)}</b><br>Answer: {escape(q.options[q.answer])} ({yours}).<br>"
                     f"{escape(q.explanation)}</li>")
    return f"<h3>Review of the {len(misses)} miss(es)</h3><ol>{''.join(items)}</ol>" + notes
