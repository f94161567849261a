"""Atomic writes: the old file or the new one, never a half; clear errors; no temp files left."""

import os

import pytest

from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes, atomic_write_text


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two" and os.listdir(tmp_path) == ["a.txt"]


def test_keeps_existing_without_force(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("mine")
    with pytest.raises(WriteError, match="already exists"):
        atomic_write_text(target, "theirs", force=False)
    assert target.read_text() == "mine" and os.listdir(tmp_path) == ["a.txt"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(WriteError, match="does not exist"):
        atomic_write_bytes(tmp_path / "nope" / "a.bin", b"x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "a.txt").write_text("old")
    folder.chmod(0o500)
    try:
        with pytest.raises(WriteError, match="not writable"):
            atomic_write_text(folder / "a.txt", "new")
        assert (folder / "a.txt").read_text() == "old"
    finally:
        folder.chmod(0o700)


def test_failure_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old")

    def boom(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(WriteError, match="No space left"):
        atomic_write_text(target, "new" * 1000)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["a.txt"]


def test_a_folder_in_the_way(tmp_path):
    (tmp_path / "x.png").mkdir()
    with pytest.raises(WriteError, match="is a folder"):
        atomic_write_bytes(tmp_path / "x.png", b"x")


def test_a_truly_read_only_place_fails_cleanly_even_for_root():
    # /proc refuses new files for every user, root included.
    with pytest.raises(WriteError):
        atomic_write_bytes(__import__("pathlib").Path("/proc/ims-atlas-test.png"), b"x")
