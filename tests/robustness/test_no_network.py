"""Nothing is sent over the network: the main workflows run with Internet sockets blocked.

The ``no_network`` fixture makes every way Python reaches the network (an Internet socket,
``socket.create_connection``, name lookups) raise, and records each attempt, so that code which
catches the error and carries on is still caught. Local (Unix) sockets stay allowed: they are
how a program talks to the X server, not to the Internet.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
USER = REPO / "tests" / "data" / "catalogs" / "user" / "adds_condition.json"


class NetworkBlocked(OSError):
    """Raised by every blocked network call (an OSError, as on a machine that is offline)."""


@pytest.fixture
def no_network(monkeypatch) -> list[str]:
    """Block the network for the test; returns the list of attempts (which must stay empty)."""
    attempts: list[str] = []
    internet = {socket.AF_INET, socket.AF_INET6}

    def refuse(what: str):
        attempts.append(what)
        raise NetworkBlocked(f"network access attempted in a test that forbids it: {what}")

    class GuardedSocket(socket.socket):
        def __init__(self, family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0, fileno=None):
            if fileno is None and family in internet:
                refuse(f"socket({socket.AddressFamily(family).name})")
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                 "create_server"):
        monkeypatch.setattr(socket, name, lambda *a, _name=name, **k: refuse(f"{_name}{a[:1]}"))
    yield attempts
    assert attempts == [], f"network access was attempted: {attempts}"


def test_the_guard_blocks_the_network(no_network):
    """The fixture itself: every usual way out fails and is recorded."""
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("example.invalid", 80), timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.invalid", 443)
    with pytest.raises((urllib.error.URLError, NetworkBlocked)):
        urllib.request.urlopen("http://example.invalid/", timeout=1)  # noqa: S310
    left, right = socket.socketpair()  # local sockets still work
    left.close()
    right.close()
    assert len(no_network) == 4
    no_network.clear()  # these attempts were the point of this test


def test_catalog_search_and_plans_offline(no_network):
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.catalog.load import load_catalog_with_user
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.catalog.search import CatalogSearch
    from ims_atlas.core.paths import meshes_dir

    manifest = load_manifest(meshes_dir() / "manifest.json")
    catalog, _ = load_catalog_with_user(None, USER, manifest)
    search = CatalogSearch(catalog)
    assert search.search("tennis elbow", limit=1)[0].id == "tennis_elbow"
    search.closest("tenis elbw", 3)
    for condition in catalog.conditions:
        for side in ("left", "right", "both"):
            treatment_plan(catalog, manifest, condition.id, side)


@pytest.mark.parametrize("argv", [
    ["conditions", "--json"],
    ["plan", "tennis elbow", "--json"],
    ["plan", "tennis elbow", "--side", "right"],
    ["muscle", "ECRB", "--json"],
    ["segment", "C6", "--json"],
    ["validate"],
    ["validate", "--json"],
    ["--catalog", str(USER), "plan", "tennis elbow", "--json"],
])
def test_catalog_commands_offline(no_network, capsys, argv):
    from ims_atlas.cli import main

    assert main(argv) == 0
    out = capsys.readouterr().out
    if "--json" in argv:
        json.loads(out)


def test_settings_offline(no_network, tmp_path):
    from ims_atlas.core.settings import Clinic, Settings, load_settings, save_settings

    save_settings(Settings(clinic=Clinic(name="Clinic", logo="https://example.invalid/logo.png")), tmp_path / "s.json")
    assert load_settings(tmp_path / "s.json")[0].clinic.name == "Clinic"


@pytest.mark.scene
def test_an_off_screen_render_offline(no_network):
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.paths import meshes_dir
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.controller import SceneController, offscreen_plotter
    from ims_atlas.scene.picture import picture_for
    from tests.conftest import colour_fractions

    manifest = load_manifest(meshes_dir() / "manifest.json")
    catalog = load_catalog(None, manifest)
    plotter = offscreen_plotter((400, 300))
    try:
        scene = SceneController(plotter, manifest)
        scene.show(picture_for(ViewState(condition_id="tennis_elbow", side="right"), manifest, catalog))
        # Muscle-coloured pixels (the faint context and the lit targets) in a 400x300 frame.
        assert colour_fractions(scene.screenshot())["muscle"] > 0.003
    finally:
        plotter.close()


@pytest.mark.scene
@pytest.mark.parametrize("name", ["plan.png", "handout.pdf"])
def test_exports_offline_and_the_patient_name_only_in_the_handout(no_network, tmp_path, capsys, name, monkeypatch):
    """The export command (picture and handout) works offline; the patient's name goes into the
    handout it was typed for and nowhere else (not the console, not the settings folder)."""
    from ims_atlas.cli import main

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    patient = "Zebedee Quartermain"
    out = tmp_path / name
    code = main(["export", "tennis elbow", "--out", str(out), "--size", "800x500", "--patient-name", patient,
                 "--clinic-name", "Offline Clinic"])
    assert code == 0 and out.is_file()
    printed = capsys.readouterr()
    assert patient not in printed.out + printed.err
    home = tmp_path / "home"
    for path in (home.rglob("*") if home.exists() else []):
        if path.is_file():
            assert patient.encode() not in path.read_bytes(), path
    if name.endswith(".pdf"):
        import subprocess

        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert patient in text
    else:
        assert patient.encode() not in out.read_bytes()
