"""Where IMS Atlas finds its data and keeps the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ims_atlas.core import paths

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_overrides(monkeypatch):
    for name in ("IMS_ATLAS_HOME", "IMS_ATLAS_DATA", "IMS_ATLAS_MESHES"):
        monkeypatch.delenv(name, raising=False)


def test_a_checkout_reads_the_repository_data(no_overrides):
    assert paths.data_root() == REPO
    assert paths.bundled_catalog_path() == REPO / "site_catalog.json"
    assert paths.meshes_dir() == REPO / "meshes"
    assert paths.catalog_schema_path().is_file()


def test_an_installed_package_reads_its_own_copy(no_overrides, monkeypatch, tmp_path):
    """A wheel carries the data as ims_atlas/data/; it is preferred to anything beside it."""
    package = tmp_path / "site-packages" / "ims_atlas"
    (package / "data" / "meshes").mkdir(parents=True)
    (package / "data" / "site_catalog.json").write_text("{}")
    (tmp_path / "site-packages" / "site_catalog.json").write_text("{}")  # not this one
    monkeypatch.setattr(paths, "_package_dir", lambda: package)
    assert paths.data_root() == package / "data"
    assert paths.meshes_dir() == package / "data" / "meshes"


def test_the_environment_overrides_the_data(monkeypatch, tmp_path):
    monkeypatch.setenv("IMS_ATLAS_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(tmp_path / "other-meshes"))
    assert paths.bundled_catalog_path() == tmp_path / "data" / "site_catalog.json"
    assert paths.meshes_dir() == tmp_path / "other-meshes"


def test_user_folders_are_apart_by_kind(no_overrides, monkeypatch, tmp_path):
    """Settings in the config folder, packs in the cache folder, the log in the log folder."""
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert paths.config_dir() == tmp_path / "config" / "ims-atlas"
    assert paths.cache_dir() == tmp_path / "cache" / "ims-atlas"
    assert paths.log_dir().is_relative_to(tmp_path / "state" / "ims-atlas")
    assert paths.user_catalog_path() == tmp_path / "config" / "ims-atlas" / "user_catalog.json"


def test_ims_atlas_home_keeps_everything_under_one_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    assert paths.config_dir() == tmp_path / "home"
    assert paths.cache_dir() == tmp_path / "home" / "cache"
    assert paths.log_dir() == tmp_path / "home" / "logs"


def test_the_files_follow_the_folders(monkeypatch, tmp_path):
    from ims_atlas.catalog.validation_cache import cache_path
    from ims_atlas.core.settings import settings_path
    from ims_atlas.scene import mesh_cache

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    assert settings_path().parent == paths.config_dir()
    assert mesh_cache.cache_dir() == paths.cache_dir()
    assert cache_path().parent == paths.cache_dir()
