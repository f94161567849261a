"""The real window, opened the way ``ims-atlas`` opens it, never loses an unreadable settings file."""

import json

import pytest

pytest.importorskip("pytestqt")

from PyQt6.QtCore import QTimer  # noqa: E402
from PyQt6.QtGui import QAction  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

CLINIC = {"name": "Harbour Physio", "contact": "1 Quay Road\n555-0100", "logo": "", "handout_note": ""}


def _settings_bytes() -> bytes:
    presets = [{"name": f"View {i}", "side": "left", "view": "posterior"} for i in range(5)]
    good = json.dumps({"version": 1, "clinic": CLINIC, "presets": presets}, indent=2).encode()
    return good.replace(b"Quay", b"Qu\xe9y")  # one Latin-1 byte: not UTF-8


def _open_and_quit(monkeypatch, qapp) -> dict:
    """Run the app's own start-up (``ims_atlas.qt.app.run``), quit by the File > Quit action
    after the first frame; a watchdog closes everything after 90 s so a regression fails."""
    from ims_atlas.qt import app as qt_app
    from ims_atlas.qt.main_window import MainWindow

    seen: dict = {}
    announce = MainWindow._announce_first_frame

    def then_quit(self):
        announce(self)
        seen["welcome"] = self.plan_view.toPlainText()
        quit_action = next(a for a in self.findChildren(QAction) if a.text() == "&Quit")
        QTimer.singleShot(0, quit_action.trigger)

    def watchdog():
        seen["hung"] = True
        for widget in QApplication.topLevelWidgets():
            widget.close()
        qapp.quit()

    monkeypatch.setattr(MainWindow, "_announce_first_frame", then_quit)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(watchdog)
    timer.start(90_000)
    seen["code"] = qt_app.run()
    timer.stop()
    return seen


def test_an_unreadable_settings_file_survives_opening_and_quitting_the_window(tmp_path, monkeypatch, qapp):
    home = tmp_path / "home"
    home.mkdir()
    raw = _settings_bytes()
    (home / "settings.json").write_bytes(raw)
    monkeypatch.setenv("IMS_ATLAS_HOME", str(home))
    seen = _open_and_quit(monkeypatch, qapp)
    assert "hung" not in seen and seen["code"] == 0
    kept = sorted(home.glob("settings.kept-*.json"))
    on_disk = [home / "settings.json", *kept]
    assert any(p.read_bytes() == raw for p in on_disk), "the original bytes are gone"
    assert any(b"Harbour Physio" in p.read_bytes() and b"View 4" in p.read_bytes() for p in on_disk)
    assert len(kept) == 1 and kept[0].name in seen["welcome"]  # the user was told where it is
    # the window still saved its own settings, to the file whose old bytes are safe
    saved = json.loads((home / "settings.json").read_text(encoding="utf-8"))
    assert saved["version"] == 1 and saved["window"]["width"] >= 320


def test_a_settings_file_that_cannot_be_read_at_all_is_left_as_it_is(tmp_path, monkeypatch, qapp):
    import os

    home = tmp_path / "home"
    home.mkdir()
    os.mkfifo(home / "settings.json")  # opening it for reading would block for ever
    monkeypatch.setenv("IMS_ATLAS_HOME", str(home))
    seen = _open_and_quit(monkeypatch, qapp)
    assert "hung" not in seen and seen["code"] == 0
    assert (home / "settings.json").is_fifo() and "not saved" in seen["welcome"]


def _deny(monkeypatch, folder):
    """Make every file call under ``folder`` fail as a folder the user cannot read would (the
    tests run as root, whom chmod does not stop)."""
    import os

    prefix = str(folder)

    def guard(real):
        def call(path, *args, **kwargs):
            if isinstance(path, (str, os.PathLike)) and os.fspath(path).startswith(prefix):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, *args, **kwargs)

        return call

    for name in ("open", "stat", "lstat", "listdir", "scandir", "mkdir", "access"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))


def test_a_settings_folder_that_cannot_be_read_does_not_stop_the_window(tmp_path, monkeypatch, qapp):
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    monkeypatch.setenv("IMS_ATLAS_HOME", str(home))
    _deny(monkeypatch, home)
    seen = _open_and_quit(monkeypatch, qapp)
    monkeypatch.undo()
    assert "hung" not in seen and seen["code"] == 0
    assert "settings" in seen["welcome"].lower() and "permission denied" in seen["welcome"].lower()


def test_a_validation_cache_of_100000_nested_brackets_does_not_stop_the_window(tmp_path, monkeypatch, qapp):
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "catalog-validation.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    monkeypatch.setenv("IMS_ATLAS_HOME", str(home))
    seen = _open_and_quit(monkeypatch, qapp)
    assert "hung" not in seen and seen["code"] == 0
