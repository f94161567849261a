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

import os
from pathlib import Path

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.json_file import read_json
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.catalog.validate import has_errors, validate_document
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.paths import bundled_catalog_path


def load_catalog(path: str | Path | None = None, manifest: Manifest | None = None, *,
                 use_cache: bool = False) -> Catalog:
    """Read and validate a full catalog.

    Parameters
    ----------
    path
        The catalog file; None for the bundled ``site_catalog.json``.
    manifest
        The anatomy manifest; given, epicentres are checked against the meshes (what that
        finds is a warning).
    use_cache
        Skip validating a catalog whose bytes (with the schema, the manifest and this code)
        validated cleanly before (see :mod:`ims_atlas.catalog.validation_cache`). The app
        starts this way; the ``validate`` command and the tests never do.

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
    key = _cache_key(path, manifest) if use_cache and not problems else ""
    if key:
        from ims_atlas.catalog.validation_cache import cached_warnings

        known = cached_warnings(key)
        if known is not None:
            try:
                return Catalog.from_json(doc, warnings=tuple(known))  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - a stale cache must never hide a problem: validate instead
                pass
    problems += validate_document(doc, str(path), manifest, anatomy_as_warnings=True)
    if has_errors(problems):
        raise DataError(problems)
    catalog = Catalog.from_json(doc, warnings=tuple(problems))  # type: ignore[arg-type]
    if key:
        from ims_atlas.catalog.validation_cache import remember

        remember(key, problems)
    return catalog


def _cache_key(path: Path, manifest: Manifest | None) -> str:
    from ims_atlas.catalog.validation_cache import validation_key

    try:
        from ims_atlas.catalog.json_file import MAX_BYTES
        from ims_atlas.core.safe_file import read_regular

        return validation_key(read_regular(path, MAX_BYTES), manifest.path if manifest is not None else None)
    except OSError:
        return ""


def load_catalog_with_user(bundled_path: str | Path | None = None, user_path: str | Path | None = None,
                           manifest: Manifest | None = None, *, missing_ok: bool = False,
                           use_cache: bool = False) -> tuple[Catalog, list[Problem]]:
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
    use_cache
        Reuse a clean validation of the same bundled catalog (see :func:`load_catalog`).

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
    bundled = load_catalog(bundled_path, manifest, use_cache=use_cache)
    if user_path is None:
        return bundled, []
    user_path = Path(user_path)
    fname = str(user_path)
    if missing_ok:
        try:
            os.lstat(user_path)
        except FileNotFoundError:
            return bundled, []
        except OSError:  # a folder that cannot be read, a path too long: read_json says what
            pass
    try:
        doc, problems = read_json(user_path)
        if doc is not None:
            problems += validate_document(doc, fname, manifest, user=True, base=bundled, anatomy_as_warnings=True)
        if doc is None or has_errors(problems):
            problems.append(Problem(fname, "", "the user catalog was not applied; fix the errors above"))
            return bundled, problems
        return bundled.merged_with(Catalog.from_json(doc)), problems  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - a user's file must never stop the app
        return bundled, [Problem(fname, "", f"the user catalog was not applied: {type(exc).__name__}: {str(exc)[:200]}")]
