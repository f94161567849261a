"""Start the desktop app: QApplication, main window, optional screenshot-and-quit."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from ims_atlas.anatomy.manifest import open_manifest
from ims_atlas.core.errors import DataError
from ims_atlas.core.paths import meshes_dir

log = logging.getLogger(__name__)


def _report(problem) -> None:
    """A problem with the data, logged at its severity (on stderr when run from the command line)."""
    log.log(logging.ERROR if problem.severity == "error" else logging.WARNING, "%s", problem)


def has_display() -> bool:
    """Whether a Qt window can be shown here (X11/Wayland on Linux; always elsewhere)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _unwritable(target: Path) -> str | None:
    """Why ``target`` cannot be written, or None if it can (checked before the window opens)."""
    if target.suffix.lower() != ".png":
        return "the screenshot must be a .png file"
    try:
        return _unwritable_path(target)
    except OSError as exc:  # a name too long, a loop of links
        from ims_atlas.core.safe_file import reason_of

        return reason_of(exc)


def _unwritable_path(target: Path) -> str | None:
    if len(os.fsencode(target.name)) > 255:
        return f"the file name is too long ({len(os.fsencode(target.name))} bytes; at most 255)"
    if target.is_dir():
        return "that is a folder"
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"{parent} is not a folder"
    if not os.access(parent, os.W_OK):
        return f"the folder {parent} is not writable"
    return None


def _load_catalog(manifest, user_catalog: Path | None):
    """The merged catalog and every problem met; (None, problems) if the bundled one is broken."""
    from ims_atlas.catalog.load import load_catalog_with_user
    from ims_atlas.core.paths import user_catalog_path

    explicit = user_catalog is not None
    try:
        catalog, problems = load_catalog_with_user(
            None, user_catalog if explicit else user_catalog_path(), manifest, missing_ok=not explicit,
            use_cache=True,
        )
    except DataError as exc:
        return None, list(exc.problems)
    return catalog, [p for p in problems if p.severity == "error" or explicit]


def _find_condition(catalog, query: str) -> tuple[str | None, str]:
    """The best condition for a query, or None and a message with suggestions."""
    from ims_atlas.catalog.search import CatalogSearch

    search = CatalogSearch(catalog)
    hits = search.search(query, limit=1, kinds=["condition"])
    if hits:
        return hits[0].id, ""
    near = ", ".join(h.label for h in search.closest(query, 3, kinds=["condition"]))
    return None, f"no condition matches {query!r}" + (f"; did you mean: {near}" if near else "")


def open_on(window, condition_id: str | None, segment: str | None, side: str | None, view: str | None) -> None:
    """Show what the command line asked for, in order: the plan or segment first, then the view.

    A plan moves the camera to its own view; a ``--view`` given with it must come after, or the
    plan's view would replace it. A condition's side defaults as for ``plan`` and ``export``.
    """
    if condition_id:
        # Without a side, the condition's own default (both for widespread pain).
        window.show_condition(condition_id, side)
    elif segment:
        window.state.update(side=side or "both")
        window.show_segment(segment)
    if view:
        window.set_view(view)


def run(screenshot: Path | None = None, size: tuple[int, int] | None = None, condition: str | None = None,
        side: str | None = None, user_catalog: Path | None = None, segment: str | None = None,
        view: str | None = None, quit_after_first_frame: bool = False) -> int:
    """Open the window; with ``screenshot``, save a PNG of the whole window after the first frame and quit.

    A screenshot run neither reads nor writes the user's settings, so it is reproducible.
    """
    if not has_display():
        log.error(
            "no display found (DISPLAY is not set). Run it on a desktop, or under a virtual "
            "screen: xvfb-run -a ims-atlas --screenshot shot.png"
        )
        return 1
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        log.error("QT_QPA_PLATFORM=offscreen cannot show the 3D view; use xcb (e.g. under xvfb-run).")
        return 1
    if screenshot is not None:
        problem = _unwritable(Path(screenshot))
        if problem:
            log.error(f"cannot save screenshot to {screenshot}: {problem}")
            return 1
    from PyQt6.QtCore import QBuffer, QIODevice, QTimer
    from PyQt6.QtWidgets import QApplication

    from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
    from ims_atlas.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("IMS Atlas")
    app.setOrganizationName("IMS Atlas")
    # A missing or broken manifest never stops the app: it opens with what could be read and
    # says what is wrong (in the window and on stderr).
    manifest, problems = open_manifest(meshes_dir() / "manifest.json")
    catalog, catalog_problems = _load_catalog(manifest if len(manifest) else None, user_catalog)
    problems = problems + catalog_problems
    for p in problems:
        _report(p)
    if segment:
        from ims_atlas.core.ids import CATALOG_SEGMENTS, normalise_segment

        name = normalise_segment(segment)
        if name not in CATALOG_SEGMENTS:
            log.error(f"--segment: {segment!r} is not a segment from C1 to S2")
            return 2
        segment = name
    condition_id = None
    if condition:
        if catalog is None:
            log.error("--condition needs the clinical catalog, which could not be loaded")
            return 1
        condition_id, message = _find_condition(catalog, condition)
        if condition_id is None:
            log.error("%s", message)
            return 2
    from ims_atlas.core.settings import Settings, keep_if_damaged, load_settings, settings_path
    from ims_atlas.qt.crash_handler import CrashHandler

    if screenshot is None and not quit_after_first_frame:
        settings_file = settings_path()
        settings, setting_problems = load_settings(settings_file)
        kept = keep_if_damaged(settings_file) if setting_problems else None  # before anything is saved
        setting_problems += [kept] if kept is not None else []
        for p in setting_problems:
            _report(p)
        problems = problems + setting_problems
    else:
        settings, settings_file = Settings(), None
    window = MainWindow(manifest, catalog, problems, settings=settings, settings_file=settings_file,
                        animate=screenshot is None)
    for p in window.scene.problems:  # meshes that did not load: named on stderr too, as by every export
        _report(p)
    crash = CrashHandler(lambda: window, show_dialog=screenshot is None).install()
    window.first_frame.connect(lambda: open_on(window, condition_id, segment, side, view))
    if size or screenshot is not None:
        window.resize(*(size or (1400, 880)))
    status = {"code": 0}

    if screenshot is not None:
        def save() -> None:
            window.scene.plotter.render()
            app.processEvents()
            image = window.grab()
            target = Path(screenshot)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                buffer = QBuffer()
                buffer.open(QIODevice.OpenModeFlag.WriteOnly)
                if not image.save(buffer, "PNG"):
                    raise OSError("Qt could not encode the PNG")
                atomic_write_bytes(target, bytes(buffer.data()))  # the one atomic writer, with fsync
                print(f"saved {target} ({image.width()}x{image.height()})")
            except OSError as exc:
                message = str(exc) if isinstance(exc, WriteError) else f"{target}: {exc.strerror or exc}"
                log.error(f"cannot save screenshot: {message}")
                status["code"] = 1
            window.close()

        window.first_frame.connect(lambda: QTimer.singleShot(200, save))
    if quit_after_first_frame:
        def first_frame_then_quit() -> None:
            print("first frame", flush=True)
            window.close()

        window.first_frame.connect(first_frame_then_quit)
    window.show()
    app.exec()
    crash.uninstall()
    return status["code"]
