"""Robustness tests: a summary of how many documents the fuzz tests fed to each loader."""

from __future__ import annotations

import json

import pytest

from tests.gui.conftest import open_window  # noqa: F401 - the real-window fixture, shared with tests/gui
from tests.robustness.documents import FUZZ_EXAMPLES_ENV, TRIED


@pytest.fixture(scope="session", autouse=True)
def _tally_file(tmp_path_factory):
    """Where the counts are written at the end of the session (the pytest temporary folder)."""
    TRIED.file = tmp_path_factory.getbasetemp() / "fuzz-documents-tried.json"
    yield


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print (and write to the temporary folder) how many documents each loader was given."""
    if not TRIED:
        return
    counts = dict(sorted(TRIED.items()))
    terminalreporter.section("documents tried per loader")
    for loader, n in counts.items():
        terminalreporter.write_line(f"{loader:<28} {n:>8}")
    terminalreporter.write_line(f"{'total':<28} {sum(counts.values()):>8}")
    terminalreporter.write_line(f"(a larger run: {FUZZ_EXAMPLES_ENV}=N runs N examples in every fuzz test)")
    file = getattr(TRIED, "file", None)
    if file is not None:
        file.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")
        terminalreporter.write_line(f"written to {file}")
