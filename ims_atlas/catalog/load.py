"""Load the bundled catalog, and a user catalog merged over it.

The bundled catalog must be right: any error raises :class:`DataError` with every problem.
A user catalog is a clinic's own file and may be broken: that never raises; the bundled
catalog is returned with the problems, for the app to show.

Given the anatomy manifest, the epicentres are checked against the meshes too, but what that
check finds (a mesh file missing or damaged, a point outside a muscle that has changed) is
a warning here, never a reason to drop a catalog: this is the app's loader, and damaged
anatomy must not take the clinical catalog away with it. ``ims-atlas validate`` reports the
same findings as errors.
"""

from __future__ import annotations

from pathlib import Path

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.json_file import read_json
from ims_atlas.catalog.placement import placement_problems
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.catalog.validate import has_errors, validate_document
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.paths import bundled_catalog_path


def load_catalog(path: str | Path | None = None, manifest: Manifest | None = None) -> Catalog:
    """Read and validate a full catalog.

    Parameters
    ----------
    path
        The catalog file; None for the bundled ``site_catalog.json``.
    manifest
        The anatomy manifest; given, epicentres are checked against the meshes (what that
        finds is a warning).

    Returns
    -------
    Catalog
        With any warnings in :attr:`Catalog.warnings`.

    Raises
    ------
    DataError
        With every problem (errors and warnings) if there is any error.
    """
    path = Path(path) if path is not None else bundled_catalog_path()
    doc, problems = read_json(path)
    if doc is None:
        raise DataError(problems)
    problems += _checked(doc, str(path), manifest)
    if has_errors(problems):
        raise DataError(problems)
    return Catalog.from_json(doc, warnings=tuple(problems))  # type: ignore[arg-type]


def load_catalog_with_user(bundled_path: str | Path | None = None, user_path: str | Path | None = None,
                           manifest: Manifest | None = None, *, missing_ok: bool = False) -> tuple[Catalog, list[Problem]]:
    """The bundled catalog with a user catalog's conditions, muscles and sources merged in.

    Parameters
    ----------
    bundled_path
        The bundled catalog; None for the default.
    user_path
        The user catalog; None for none.
    manifest
        The anatomy manifest, for the mesh checks (what they find is a warning).
    missing_ok
        A missing user file is not a problem (the app's default user catalog rarely exists).

    Returns
    -------
    tuple
        ``(catalog, problems)``: the merged catalog (the bundled one alone if the user catalog
        has any error) and the user catalog's problems.

    Raises
    ------
    DataError
        Only if the *bundled* catalog is broken.
    """
    bundled = load_catalog(bundled_path, manifest)
    if user_path is None:
        return bundled, []
    user_path = Path(user_path)
    fname = str(user_path)
    if missing_ok and not user_path.exists():
        return bundled, []
    try:
        doc, problems = read_json(user_path)
        if doc is not None:
            problems += _checked(doc, fname, manifest, user=True, base=bundled)
        if doc is None or has_errors(problems):
            problems.append(Problem(fname, "", "the user catalog was not applied; fix the errors above"))
            return bundled, problems
        return bundled.merged_with(Catalog.from_json(doc)), problems  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - a user's file must never stop the app
        return bundled, [Problem(fname, "", f"the user catalog was not applied: {type(exc).__name__}: {str(exc)[:200]}")]


def _checked(doc: object, file: str, manifest: Manifest | None, *, user: bool = False,
             base: Catalog | None = None) -> list[Problem]:
    """The document's own problems, then the anatomy's findings as warnings."""
    problems = validate_document(doc, file, None, user=user, base=base)
    if manifest is not None:
        problems += [Problem(p.file, p.path, p.message, "warning")
                     for p in placement_problems(doc, file, manifest)]
    return problems
