"""Export paths the file system refuses, and temporary files that never outlive their export."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ims_atlas.cli import main
from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes, remove_stale_temporaries
from tests.robustness.documents import TRIED, watchdog


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))


def _too_long(tmp_path: Path) -> dict[str, Path]:
    return {"name of 300 bytes": tmp_path / ("a" * 296 + ".png"),
            "folder of 300 bytes": tmp_path / ("b" * 300) / "x.png",
            "name of 300 bytes, pdf": tmp_path / ("c" * 296 + ".pdf"),
            "multibyte name over 255 bytes": tmp_path / ("é" * 130 + ".png")}


@pytest.mark.parametrize("case", ["name of 300 bytes", "folder of 300 bytes", "name of 300 bytes, pdf",
                                  "multibyte name over 255 bytes"])
def test_a_path_name_too_long_is_a_clear_error_before_rendering(tmp_path, capsys, case):
    out = _too_long(tmp_path)[case]
    with watchdog(30):
        code = main(["export", "tennis elbow", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "too long" in err and "nothing was written" in err
    TRIED["export paths"] += 1


def test_a_long_name_whose_temporary_name_would_be_too_long_is_written(tmp_path, capsys):
    out = tmp_path / ("d" * 246 + ".png")  # 250 bytes: ".<name>.<random>.part" would be over 255
    with watchdog(120):
        code = main(["export", "tennis elbow", "--out", str(out), "--size", "640x400"])
    assert code == 0 and out.is_file(), capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == [out.name]


def test_the_screenshot_path_is_checked_the_same_way(tmp_path):
    from ims_atlas.qt.app import _unwritable

    for out in _too_long(tmp_path).values():
        if out.suffix == ".png":
            assert "too long" in _unwritable(out)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporaries_of_a_killed_write_are_removed_by_the_next_one(tmp_path):
    target = tmp_path / "handout.pdf"
    stale = tmp_path / f".handout.pdf.{_dead_pid()}.x1y2.part"
    stale.write_bytes(b"Prepared for: Jane Example")
    busy = tmp_path / f".handout.pdf.{os.getppid()}.z9.part"  # a live process: maybe still writing
    busy.write_bytes(b"in progress")
    other = tmp_path / ".notes.txt.123.part"
    other.write_bytes(b"not ours")
    atomic_write_bytes(target, b"%PDF-new")
    assert not stale.exists() and busy.exists() and other.exists()
    assert remove_stale_temporaries(target) == []


def test_a_temporary_file_is_readable_by_the_user_only_while_it_is_written(tmp_path, monkeypatch):
    seen = []
    real_fsync = os.fsync

    def fsync(fd):
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            seen.append(stat.S_IMODE(info.st_mode))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_bytes(tmp_path / "plan.png", b"x")
    assert seen and all(mode == 0o600 for mode in seen), [oct(m) for m in seen]


@pytest.mark.parametrize("failure", ["disk full", "interrupted"])
def test_every_error_path_removes_the_temporary_file(tmp_path, monkeypatch, failure):
    import ims_atlas.core.atomic_file as atomic

    def replace(src, dst):
        if failure == "disk full":
            raise OSError(28, "No space left on device")
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(WriteError if failure == "disk full" else KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "plan.png", b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_killed_window_s_export_folder_is_removed_by_the_next_export(tmp_path):
    from ims_atlas.export.job import FOLDER_PREFIX, remove_stale_job_folders

    stale = tmp_path / f"{FOLDER_PREFIX}{_dead_pid()}-abc"
    stale.mkdir()
    (stale / "handout.pdf").write_bytes(b"Prepared for: Jane Example")
    live = tmp_path / f"{FOLDER_PREFIX}{os.getpid()}-def"
    live.mkdir()
    assert remove_stale_job_folders(tmp_path) == [stale]
    assert not stale.exists() and live.exists()
