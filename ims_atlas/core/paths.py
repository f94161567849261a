"""Where the bundled data and the user's files live. Resolved when called, never at import."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    """The folder that holds ``site_catalog.json`` and ``meshes/``.

    ``IMS_ATLAS_DATA`` overrides; otherwise the repository (or source tree) the package lives in.
    """
    env = os.environ.get("IMS_ATLAS_DATA")
    if env:
        return Path(env).expanduser()
    return _PACKAGE_DIR.parent


def bundled_catalog_path() -> Path:
    """The catalog shipped with IMS Atlas."""
    return data_root() / "site_catalog.json"


def catalog_schema_path() -> Path:
    """The published JSON Schema of ``site_catalog.json``."""
    return _PACKAGE_DIR / "catalog" / "site_catalog.schema.json"


def meshes_dir() -> Path:
    """The baked anatomy: ``manifest.json`` and one mesh file per structure."""
    env = os.environ.get("IMS_ATLAS_MESHES")
    return Path(env).expanduser() if env else data_root() / "meshes"


def user_dir() -> Path:
    """The user's settings folder (user catalog, presets, logs). Not created here."""
    env = os.environ.get("IMS_ATLAS_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
        return base / "IMS Atlas"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "IMS Atlas"
    base = Path(os.environ.get("XDG_CONFIG_HOME") or (Path.home() / ".config"))
    return base / "ims-atlas"


def user_catalog_path() -> Path:
    """A clinic's own catalog of added or overridden conditions."""
    return user_dir() / "user_catalog.json"
