"""Check a catalog file and report every problem at once, each with its JSON path.

Three passes over one parsed document: the JSON Schema, the catalog's own rules
(:mod:`~ims_atlas.catalog.rules`) and, given the anatomy manifest, the placement checks
(:mod:`~ims_atlas.catalog.placement`). A pass never stops at the first problem.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ims_atlas.anatomy.manifest import Manifest, load_manifest
from ims_atlas.catalog.json_file import read_json
from ims_atlas.catalog.placement import placement_problems
from ims_atlas.catalog.rules import rule_problems
from ims_atlas.catalog.schema import schema_problems
from ims_atlas.catalog.text_rules import text_problems
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.json_document import printable
from ims_atlas.core.json_schema import format_path

if TYPE_CHECKING:
    from ims_atlas.catalog.site_catalog import Catalog

_PATH_TOKEN = re.compile(r"\[(\d+)\]|\.([^.\[]+)|\[(\"[^\"]*\")\]")


def _path_key(problem: Problem) -> tuple:
    """Sort key: document order, with list indices compared as numbers."""
    key: list[tuple[int, object]] = []
    for index, name, quoted in _PATH_TOKEN.findall(problem.path):
        key.append((0, int(index)) if index else (1, name or quoted))
    return (problem.file, key)


def validate_document(doc: object, file: str, manifest: Manifest | None = None, *,
                      user: bool = False, base: Catalog | None = None,
                      anatomy_as_warnings: bool = False, cited_elsewhere: frozenset[str] = frozenset()) -> list[Problem]:
    """Every problem in a parsed catalog document, in document order.

    Parameters
    ----------
    doc
        The parsed JSON.
    file
        The file name to report.
    manifest
        The anatomy manifest; None skips the mesh checks.
    user
        Check as a user catalog (top-level lists optional, no segment coverage).
    base
        For a user catalog: the catalog it is merged over, whose ids count as known.
    anatomy_as_warnings
        Report what the mesh checks find as warnings (the app's loader: damaged anatomy must
        not reject a catalog); ``validate`` keeps them errors.
    cited_elsewhere
        Source ids cited outside the catalog (by the study's data): not "never cited".
    """
    try:
        problems = schema_problems(doc, file, user=user)
        problems += rule_problems(doc, file, user=user, base=base, cited_elsewhere=cited_elsewhere)
        problems += text_problems(doc, file)
        if manifest is not None:
            found = placement_problems(_placeable(doc, problems), file, manifest)
            if anatomy_as_warnings:
                found = [Problem(p.file, p.path, p.message, "warning") for p in found]
            problems += found
    except RecursionError:  # read_json bounds the depth; this is a last line of defence
        return [Problem(file, "", "JSON nested too deeply")]
    # A rule may quote a value holding an unpaired surrogate: every message stays printable.
    problems = [p if _printable(p.message) else Problem(p.file, p.path, printable(p.message), p.severity)
                for p in problems]
    return sorted(problems, key=_path_key)


def _printable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _placeable(doc: object, problems: list[Problem]) -> object:
    """``doc`` as the mesh checks see it: epicentre positions the schema rejected are left out.

    The schema error already says what is wrong with such a position (not three numbers, or
    beyond 10 m); testing it against the meshes would only add noise, or overflow.
    """
    rejected = {p.path for p in problems if ".epicentre.position" in p.path}
    if not rejected or not isinstance(doc, dict) or not isinstance(doc.get("conditions"), list):
        return doc
    doc = copy.deepcopy(doc)
    for i, condition in enumerate(doc["conditions"]):
        targets = condition.get("local_targets") if isinstance(condition, dict) else None
        for j, target in enumerate(targets if isinstance(targets, list) else []):
            where = format_path(["conditions", i, "local_targets", j, "epicentre", "position"])
            epicentre = target.get("epicentre") if isinstance(target, dict) else None
            if isinstance(epicentre, dict) and any(r == where or r.startswith(where + "[") for r in rejected):
                epicentre["position"] = None
    return doc


def validate_file(path: str | Path, manifest: Manifest | str | Path | None = None, user: bool = False,
                  base: Catalog | None = None, cited_elsewhere: frozenset[str] = frozenset()) -> list[Problem]:
    """Every problem in a catalog file (errors and warnings), each with its JSON path.

    Parameters
    ----------
    path
        The catalog file.
    manifest
        The anatomy manifest (loaded, or the path of ``manifest.json``); None skips the mesh
        checks. A manifest that cannot be loaded adds its own problems.
    user
        Check as a user catalog.
    base
        For a user catalog: the catalog it is merged over.
    cited_elsewhere
        Source ids cited outside the catalog (see :func:`validate_document`).

    Returns
    -------
    list of Problem
        Empty if the file is fine.
    """
    doc, problems = read_json(path)
    if doc is None:
        return problems
    if manifest is not None and not isinstance(manifest, Manifest):
        try:
            manifest = load_manifest(manifest)
        except DataError as exc:
            problems += exc.problems
            manifest = None
    return problems + validate_document(doc, str(path), manifest, user=user, base=base, cited_elsewhere=cited_elsewhere)


def has_errors(problems: list[Problem]) -> bool:
    """True if any problem is an error (warnings alone do not reject a file)."""
    return any(p.severity == "error" for p in problems)
