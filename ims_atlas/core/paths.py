"""Where the bundled data and the user's files live. Resolved when called, never at import.

The bundled data (``site_catalog.json`` and ``meshes/``) sits at the top of the repository;
the wheel carries a copy of it inside the package, as ``ims_atlas/data/`` (the build copies it
in: ``build_support/bundle_data.py``). Both are found through :mod:`importlib.resources`.

The user's files are kept apart by kind, in the folders the platform expects
(:mod:`platformdirs`): settings and the user catalog in the config folder, re-creatable packs in
the cache folder, the error log in the log folder. ``IMS_ATLAS_HOME`` puts all three under one
folder instead (``HOME``, ``HOME/cache`` and ``HOME/logs``): tests and portable installs.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_NAME = "ims-atlas"

#: The data folder inside the installed package (present in a built wheel only).
_BUNDLED = "data"


def _package_dir() -> Path:
    root = resources.files("ims_atlas")
    if not isinstance(root, Path):  # a zip import: not supported, the meshes are read as files
        raise RuntimeError(f"IMS Atlas must be installed as files, not run from {root}")
    return root


def data_root() -> Path:
    """The folder that holds ``site_catalog.json`` and ``meshes/``.

    ``IMS_ATLAS_DATA`` overrides; otherwise the copy inside the installed package (a wheel),
    else the repository the package is run from (a clone, an editable install).
    """
    env = os.environ.get("IMS_ATLAS_DATA")
    if env:
        return Path(env).expanduser()
    return _shipped_root()


def _shipped_root() -> Path:
    """The data folder shipped with this copy of IMS Atlas (``IMS_ATLAS_DATA`` aside)."""
    package = _package_dir()
    bundled = package / _BUNDLED
    if (bundled / "site_catalog.json").is_file():
        return bundled
    return package.parent


def bundled_catalog_path() -> Path:
    """The catalog shipped with IMS Atlas."""
    return data_root() / "site_catalog.json"


def shipped_catalog_path() -> Path:
    """The catalog this copy of IMS Atlas ships, whatever ``IMS_ATLAS_DATA`` says: the one the
    study's data files (``ims_atlas/study/data``) cite sources from.
    """
    return _shipped_root() / "site_catalog.json"


def catalog_schema_path() -> Path:
    """The published JSON Schema of ``site_catalog.json`` (inside the package)."""
    return _package_dir() / "catalog" / "site_catalog.schema.json"


def meshes_dir() -> Path:
    """The baked anatomy: ``manifest.json`` and one mesh file per structure."""
    env = os.environ.get("IMS_ATLAS_MESHES")
    return Path(env).expanduser() if env else data_root() / "meshes"


def _home() -> Path | None:
    env = os.environ.get("IMS_ATLAS_HOME")
    return Path(env).expanduser() if env else None


def config_dir() -> Path:
    """The user's settings folder (settings, presets, the user catalog). Not created here."""
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files that can be made again (mesh packs, the catalog's validation stamp)."""
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The error log's folder."""
    home = _home()
    if home is not None:
        return home / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def user_catalog_path() -> Path:
    """A clinic's own catalog of added or overridden conditions."""
    return config_dir() / "user_catalog.json"
