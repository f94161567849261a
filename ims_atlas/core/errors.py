"""Errors and problems that say where (file, JSON path, structure id) and what."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing) in a data file.

    ``path`` is a JSON path such as ``$.conditions[3].local_targets[0].muscle``.
    ``severity`` is ``"error"`` (the file is rejected) or ``"warning"`` (reported, accepted).
    """

    file: str
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.severity}: {self.message}"


class DataError(Exception):
    """A data file (catalog, manifest, settings, mesh) could not be used.

    Carries every problem found, so the user can fix them all at once.
    """

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid data")


def json_path(*parts: str | int) -> str:
    """Build a JSON path: ``json_path("conditions", 3, "name")`` -> ``$.conditions[3].name``."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out
