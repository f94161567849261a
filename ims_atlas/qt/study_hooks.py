"""The Study menu of the main window: find the segment (a docked panel) and quizzes (a dialog)."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer
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
    install_skin_menu(window, menu)


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
        panel.sheet_requested.connect(lambda a: assessment_into_sheet(window, a))
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
    from ims_atlas.qt.panels.assessment_panel import result_html

    picture = assessment_picture(assessment, window._manifest, window._catalog, window.state.current)
    window.scene.show(picture, frame=True, render=True)
    window._show_plan_html("<h2>Find the segment</h2>" + result_html(assessment, top=8))
    best = ", ".join(f"{s.segment} ({s.score:g})" for s in assessment.best(2))
    window.statusBar().showMessage(f"Best segments: {best or 'none'}", 8000)


def assessment_into_sheet(window, assessment, path=None):
    """Put the findings and the ranked segments into a clinician sheet the user saves.

    With a condition on screen: the handout dialog, its clinician sheet ticked, the findings
    printed in the sheet (not in the handout). Without: a clinician sheet of the findings
    alone, written to ``path`` (asked for when None). Returns the dialog's outcome or the path
    written (None if nothing was).
    """
    from PyQt6.QtWidgets import QMessageBox

    from ims_atlas.study.assessment_views import sheet_view

    if assessment.findings.is_empty():
        window.statusBar().showMessage("Mark some findings first.", 4000)
        return None
    view = sheet_view(assessment, window._catalog)
    state = window.state.current
    if state.condition_id and window._catalog.has_condition(state.condition_id):
        from ims_atlas.qt.export_dialogs import export_handout

        outcome = export_handout(window, window._manifest, window._catalog, state, settings=window.settings,
                                 settings_file=window._settings_file, assessment=view)
        window.settings = outcome.settings
        if outcome.path is not None:
            window.statusBar().showMessage(f"Handout and clinician sheet saved beside {outcome.path}", 8000)
        return outcome
    from ims_atlas.export.formats import ExportError
    from ims_atlas.export.handout import export_assessment_sheet
    from ims_atlas.qt.export_dialogs import _ask_path

    if path is None:
        path = _ask_path(window, "Save the clinician sheet", "find-the-segment-clinician.pdf", "PDF (*.pdf)", ".pdf")
        if path is None:
            return None
    try:
        # The file dialog has asked about replacing an existing file.
        export_assessment_sheet(path, view, window.settings.clinic, window._catalog.catalog_version, force=True)
    except ExportError as exc:
        QMessageBox.warning(window, "Clinician sheet", f"The clinician sheet was not saved.\n\n{exc}")
        return None
    window.statusBar().showMessage(f"Clinician sheet saved to {path}", 8000)
    return path


def open_quiz(window):
    """Open the quiz dialog (created each time: a new quiz)."""
    from ims_atlas.qt.quiz_dialog import QuizDialog

    dialog = QuizDialog(window._catalog, window._manifest, window)
    window.quiz_dialog = dialog
    dialog.show()
    return dialog


# -- dermatomes on the skin ------------------------------------------------------------------------


def install_skin_menu(window, menu) -> None:
    """Study > Skin with dermatome (a toggle) and the map to paint (radio items)."""
    from PyQt6.QtGui import QActionGroup

    from ims_atlas.study.dermatomes import bundled_maps

    toggle = QAction("Skin with &dermatome", window)
    toggle.setObjectName("study-skin")
    toggle.setCheckable(True)
    toggle.setShortcut(QKeySequence("Ctrl+Shift+D"))
    toggle.toggled.connect(lambda on: set_skin(window, on))
    menu.addSeparator()
    menu.addAction(toggle)
    maps_menu = menu.addMenu("Dermatome &map")
    group = QActionGroup(window)
    window.dermatome_map_actions = {}
    for i, m in enumerate(bundled_maps().maps):
        action = QAction(m.name, window)
        action.setCheckable(True)
        action.setChecked(i == 0)
        action.setObjectName(f"dermatome-map-{m.id}")
        action.triggered.connect(lambda _=False, mid=m.id: set_dermatome_map(window, mid))
        group.addAction(action)
        maps_menu.addAction(action)
        window.dermatome_map_actions[m.id] = action
    # A published map left unpainted is named where the maps are chosen, with the reason.
    maps_menu.setToolTipsVisible(True)
    window.dermatome_not_painted_actions = {}
    for m in bundled_maps().not_painted:
        if not window.dermatome_not_painted_actions:
            maps_menu.addSeparator()
        action = QAction(f"{m.name}: not painted (why?)…", window)
        action.setObjectName(f"dermatome-not-painted-{m.id}")
        action.setToolTip(m.why)
        action.setStatusTip(m.why)
        action.triggered.connect(lambda _=False, mid=m.id: show_not_painted(window, mid))
        maps_menu.addAction(action)
        window.dermatome_not_painted_actions[m.id] = action
    referred = QAction("&Referred pain zones (with a plan)", window)
    referred.setObjectName("study-referred")
    referred.setCheckable(True)
    referred.setShortcut(QKeySequence("Ctrl+Shift+R"))
    referred.toggled.connect(lambda on: set_referred(window, on))
    menu.addAction(referred)
    window.referred_action = referred
    danger = QAction("D&anger zones (with a plan)", window)
    danger.setObjectName("study-danger")
    danger.setCheckable(True)
    danger.setShortcut(QKeySequence("Ctrl+Shift+Z"))
    danger.toggled.connect(lambda on: set_danger(window, on))
    menu.addAction(danger)
    window.danger_action = danger
    organs = QAction("&Organs and vessels (lungs, pleurae, kidneys, spinal cord, arteries of the neck and limbs)", window)
    organs.setObjectName("study-organs")
    organs.setCheckable(True)
    organs.toggled.connect(lambda on: set_organs(window, on))
    organs.setEnabled(bool(window._manifest.on_request))
    menu.addAction(organs)
    window.organs_action = organs
    window.skin_action = toggle
    window.dermatome_map = bundled_maps().maps[0].id
    # After the window's own observer (subscribed after the menus are built) has drawn the
    # picture and written the plan panel: the skin and its paragraphs go on top.
    window.state.subscribe(lambda old, new: QTimer.singleShot(0, lambda: _refresh_skin(window))
                           if (old.segment, old.condition_id, old.side) != (new.segment, new.condition_id, new.side)
                           else None)


def set_danger(window, on: bool) -> None:
    """Draw (or remove) the plan's danger zones with their depths from the skin."""
    from ims_atlas.scene.hazard_layer import HazardLayer
    from ims_atlas.scene.skin_layer import SkinLayer

    if getattr(window, "hazard_layer", None) is None:
        window.hazard_layer = HazardLayer(window.scene.plotter, tags=window.scene.set_extra_labels)
    if getattr(window, "skin_layer", None) is None:
        window.skin_layer = SkinLayer(window.scene.plotter)
    window.danger_on = on
    if window.danger_action.isChecked() != on:
        window.danger_action.setChecked(on)
    _refresh_skin(window)


def set_organs(window, on: bool) -> None:
    """Draw (or remove) the organs and vessels, read from their files only when first asked for."""
    from ims_atlas.scene.organ_layer import OrganLayer

    if getattr(window, "organ_layer", None) is None:
        window.organ_layer = OrganLayer(window.scene.plotter)
    if on:
        window.organ_layer.show(window._manifest)
    else:
        window.organ_layer.hide()
    if window.organs_action.isChecked() != on:
        window.organs_action.setChecked(on)


def danger_html(report) -> str:
    """The danger-zone paragraph for the plan panel."""
    from html import escape

    def site_row(s) -> str:
        parts = [f"<span style='color:#B00020'>{escape(m.hazard)}</span> {m.depth_from_skin_cm:.1f} cm from the "
                 f"skin, {m.from_target_cm:.1f} cm from the target" for m in s.near]
        # A hazard that could not be measured at this site is said to be so, never left out.
        parts += [f"<span style='color:#B00020'>{escape(h)}</span> not measured here" for h in report.unmeasured_at(s.target)]
        if not parts:
            return ""
        return (f"<li><b>{escape(s.target)}</b> ({escape(s.side)}): target {s.target_depth_cm:.1f} cm under the skin; "
                + "; ".join(parts) + "</li>")

    rows = "".join(site_row(s) for s in report.sites)
    missing = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in report.not_measured.items())
    return ("<!--danger--><h3 style='color:#B00020'>Danger zones</h3>"
            + (f"<ul>{rows}</ul>" if rows else "<p>No structure the notes name lies within 8 cm of a needle site "
                                               "in this anatomy.</p>")
            + (f"<p>Not measured:</p><ul>{missing}</ul>" if missing else "")
            + "<p><small>Distances measured on this model body (skin envelope to the nearest point of each "
              "structure), not safe depths: see the safety notes and their sources.</small></p>")


def set_referred(window, on: bool) -> None:
    """Paint (or stop painting) the plan's referred-pain zones on the skin."""
    from ims_atlas.scene.skin_layer import SkinLayer

    if getattr(window, "skin_layer", None) is None:
        window.skin_layer = SkinLayer(window.scene.plotter)
    window.referred_on = on
    if window.referred_action.isChecked() != on:
        window.referred_action.setChecked(on)
    _refresh_skin(window)


def not_painted_html(map_id: str) -> str:
    """Why a published map is not painted: the reason, what the text read says of it, and its source."""
    from html import escape

    from ims_atlas.study.dermatomes import bundled_maps

    maps = bundled_maps()
    m = maps.not_painted_map(map_id)
    if m is None:
        return ""
    source = maps.sources[m.source]
    known = "".join(f"<li>{escape(k)}</li>" for k in m.known)
    return (f"<p><b>{escape(m.name)}: not painted.</b> {escape(m.why)}</p>"
            + (f"<p>What the text read says of it:</p><ul>{known}</ul>" if known else "")
            + f"<p>Not described: {escape(m.not_described)}</p>"
            f"<p><small>{escape(source['citation'])} {escape(source.get('notes', ''))}</small></p>")


def show_not_painted(window, map_id: str):
    """Say (in a window that does not block) why a published map is not painted; returns it."""
    from PyQt6.QtWidgets import QMessageBox

    box = getattr(window, "not_painted_box", None)
    if box is None:
        box = QMessageBox(window)
        box.setObjectName("dermatome-not-painted")
        box.setWindowTitle("Dermatome map not painted")
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setModal(False)
        window.not_painted_box = box
    box.setText(not_painted_html(map_id))
    box.show()
    return box


def set_dermatome_map(window, map_id: str) -> None:
    """Paint another map."""
    window.dermatome_map = map_id
    if map_id in getattr(window, "dermatome_map_actions", {}):
        window.dermatome_map_actions[map_id].setChecked(True)
    _refresh_skin(window)


def set_skin(window, on: bool) -> None:
    """Show or hide the translucent skin (with the segment's dermatome)."""
    from ims_atlas.scene.skin_layer import SkinLayer

    if getattr(window, "skin_layer", None) is None:
        window.skin_layer = SkinLayer(window.scene.plotter)
    window.skin_on = on
    if window.skin_action.isChecked() != on:
        window.skin_action.setChecked(on)
    _refresh_skin(window)


def _refresh_skin(window) -> None:
    from ims_atlas.core.errors import DataError
    from ims_atlas.study.dermatomes import bundled_painted_skin

    layer = getattr(window, "skin_layer", None)
    if layer is None:
        return
    skin_on, referred_on = getattr(window, "skin_on", False), getattr(window, "referred_on", False)
    danger_on = getattr(window, "danger_on", False)
    state = window.state.current
    hazards = getattr(window, "hazard_layer", None)
    if hazards is not None and not (danger_on and state.condition_id):
        hazards.hide(render=False)
    if not skin_on and not (referred_on and state.condition_id) and not (danger_on and state.condition_id):
        layer.hide()
        return
    try:
        skin = bundled_painted_skin()
    except DataError as exc:
        window.skin_on = window.referred_on = False
        window.skin_action.setChecked(False)
        window.referred_action.setChecked(False)
        window.statusBar().showMessage(f"No skin to draw: {exc.problems[0].message}", 10000)
        return
    zones, html = None, ""
    if referred_on and state.condition_id and window._catalog is not None:
        zones, html = referred_zones(window, skin)
    if danger_on and state.condition_id and window._catalog is not None:
        from ims_atlas.catalog.plan import treatment_plan
        from ims_atlas.study.danger_zones import danger_report

        report = danger_report(treatment_plan(window._catalog, window._manifest, state.condition_id, state.side),
                               window._manifest, skin)
        hazards.show(report, window._manifest, render=False)
        html += danger_html(report)
    segment = state.segment if skin_on else None
    if skin_on or (referred_on and state.condition_id) or (danger_on and state.condition_id):
        layer.show(skin, window.dermatome_map if skin_on else None, segment, zones=zones)
    base = window._plan_html
    for marker in ("<!--dermatome-->", "<!--referred-->", "<!--danger-->"):
        base = base.split(marker)[0]
    if segment:
        base += dermatome_html(skin, window.dermatome_map, segment)
    window._show_plan_html(base + html)


def referred_zones(window, skin):
    """The plan's referred-pain zones as one vertex mask, and the legend for the plan panel."""
    from html import escape

    import numpy as np

    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.study.body_landmarks import BodyFrame
    from ims_atlas.study.referred_pain import bundled_referred_pain, zone_mask

    state = window.state.current
    plan = treatment_plan(window._catalog, window._manifest, state.condition_id, state.side)
    table = bundled_referred_pain()
    body = getattr(window, "_body_frame", None) or BodyFrame(window._manifest)
    window._body_frame = body
    mask = np.zeros(len(skin.points), dtype=bool)
    shown, missing = {}, {}
    for t in plan.local_targets:
        zone = table.get(t.muscle.id)
        if zone is None:
            missing[t.muscle.name] = table.not_included.get(t.muscle.id, "no published referral map in the sources read")
            continue
        try:
            mask |= zone_mask(skin, body, zone, t.side)
        except KeyError as exc:
            missing[t.muscle.name] = f"not drawn: {exc.args[0]}"
            continue
        cites = "; ".join(window._catalog.source(s).citation for s in zone.sources if window._catalog.source(s))
        shown[t.muscle.name] = f"{zone.description} <small>({escape(cites)})</small>"
    items = "".join(f"<li><b>{escape(k)}</b>: {v}</li>" for k, v in shown.items())
    gaps = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in missing.items())
    from ims_atlas.scene.palette import DEFAULT_PALETTE

    local = "#" + "".join(f"{round(c * 255):02X}" for c in DEFAULT_PALETTE.local)
    html = ("<!--referred--><h3>Referred pain</h3><p><span style='color:#009E73'>■</span> zone on the skin where "
            f"the trigger point's pain is felt &nbsp; <span style='color:{local}'>●</span> the muscle that holds "
            f"the trigger point</p><ul>{items}</ul>"
            + (f"<p>Not drawn (no published map in the sources read):</p><ul>{gaps}</ul>" if gaps else "")
            + "<p><small>Discs drawn around the regions each source names; the sizes are this atlas's "
              "drawing.</small></p>")
    return mask, html


def dermatome_html(skin, map_id: str, segment: str) -> str:
    """The dermatome paragraph for the plan panel: map, areas, how it was made, disagreements."""
    from html import escape

    from ims_atlas.study.dermatomes import bundled_maps

    maps = bundled_maps()
    m = maps.get(map_id)
    area = skin.areas_cm2(map_id, segment) if segment in m.anchors else None
    where = (f"{area['left']:.0f} cm² left, {area['right']:.0f} cm² right" if area else "not painted in this map")
    names = {x.id: x.name for x in (*maps.maps, *maps.not_painted)}
    items = "".join(f"<li><i>{escape(', '.join(names[n] for n in d.maps))}</i>: {escape(d.text)} "
                    f"<small>({escape('; '.join(maps.short(r) for r in d.sources))})</small></li>"
                    for d in maps.disagreements)
    unpainted = "".join(f"<li>{escape(x.name)}: {escape(x.why)} <small>({escape(maps.sources[x.source]['citation'])})"
                        "</small></li>" for x in maps.not_painted)
    cited = sorted({r for d in maps.disagreements for r in d.sources})
    refs = "".join(f"<li><small>{escape(maps.short(r))}: {escape(maps.sources[r]['citation'])}</small></li>"
                   for r in cited)
    return ("<!--dermatome--><h3><span style='color:#CC79A7'>■</span> Dermatome " + escape(segment) + "</h3>"
            f"<p>{escape(m.name)}: {where}. {escape(m.description)}</p>"
            f"<p><small>{escape(maps.citation(map_id))}</small></p>"
            "<p><small>Painted between published points by nearest point along the skin; the skin is an "
            "envelope built from the muscles, not a segmented skin.</small></p>"
            + (f"<p><b>Not painted</b></p><ul>{unpainted}</ul>" if unpainted else "")
            + f"<p><b>Where the maps disagree</b></p><ul>{items}</ul>"
            + f"<p><small>Sources:</small></p><ul>{refs}</ul>")
