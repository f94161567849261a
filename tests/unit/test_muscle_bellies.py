"""Sourced belly-and-tendon muscles: the reviewed table, the volume-preserving profile, the baked shapes."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake import bellies, names, tubes
from tests.unit.test_mesh_orientation import orientation_problems

END_KINDS = {"fraction", "mm_above_distal", "tendon_mm"}


def test_every_table_entry_is_sourced_and_in_range():
    table = bellies.load_table()
    assert len(table["muscles"]) >= 20
    for mid, entry in table["muscles"].items():
        assert mid in names.MUSCLES, mid
        assert entry["segment"] in bellies.SEGMENT_JOINTS, mid
        (kind, value), = entry["end"].items()
        assert kind in END_KINDS, mid
        if kind == "fraction":
            assert 0.0 <= value <= 1.0, mid
        else:
            assert 0.0 < value < 400.0, mid  # millimetres
        assert entry["sources"], mid
        for source in entry["sources"]:
            assert source["cite"].strip() and source["says"].strip(), mid
            # A web address, or a printed book cited by author, title and edition.
            assert source.get("url", "").startswith("http") or source.get("print") is True, mid
        assert entry["used"].strip(), mid
    # Muscles left on the default spindle say why, and are not also in the table.
    for mid, why in table["default_profile"].items():
        assert mid in names.MUSCLES and why.strip() and mid not in table["muscles"], mid


def test_authored_muscles_of_the_table_end_their_belly_where_it_says():
    """A muscle of the table that is now an authored sheet (the forearm extensors) takes its belly
    from the table ('belly': 'table'), and the table says it is drawn that way: one source of truth
    for where each belly ends."""
    from ims_atlas.bake.authored import load_data

    table = bellies.load_table()["muscles"]
    authored = {m["id"]: m for m in load_data()["muscles"]}
    for mid, m in authored.items():
        for part in m["parts"]:
            if part.get("belly") == "table":
                assert part.get("belly_of", mid) in table, mid
        if mid in table:
            assert any(part.get("belly") == "table" for part in m["parts"]), mid
    for mid, entry in table.items():
        assert ("drawn_by" in entry) == (mid in authored), mid


def test_a_segment_level_becomes_a_range_on_the_path():
    seg = bellies.Segment(np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.0, 0.0]))  # 1 m, pointing down
    path = np.array([[0.0, 0.0, 1.2], [0.0, 0.0, 1.0], [0.0, 0.0, -0.2]])  # 1.4 m, starts 0.2 above
    start, end = bellies.range_on_path(path, 0.5, seg)
    assert start == 0.0 and end == pytest.approx(0.7 / 1.4, abs=0.005)
    assert bellies.range_on_path(path, -0.15, seg) is None  # shorter than MIN_BELLY
    assert bellies.end_level({"end": {"mm_above_distal": 250}}, seg) == pytest.approx(0.75)


@pytest.mark.parametrize("belly", [(0.0, 0.55), (0.0, 0.3), (0.1, 0.8)])
@pytest.mark.parametrize("radius", [0.004, 0.01, 0.02])
def test_the_belly_keeps_the_spindles_volume(belly, radius):
    length = 0.33
    volume = tubes.spindle_volume(radius, length)
    tendon = tubes.tendon_radius(radius)
    peak = tubes.peak_for_volume(volume, length, belly, tendon)
    got = tubes.profile_volume(lambda t: tubes.belly_tendon_radii(t, peak, tendon, belly), length)
    assert got == pytest.approx(volume, rel=1e-6)
    # A shorter belly holding the same volume is thicker than the spindle.
    assert peak > radius


def test_swept_solids_keep_the_volume_too():
    path = np.array([[0.0, 0.0, 0.0], [0.0, 0.002, -0.15], [0.0, 0.0, -0.3]])
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    radius, belly = 0.009, (0.0, 0.5)
    tendon = tubes.tendon_radius(radius)
    peak = tubes.peak_for_volume(tubes.spindle_volume(radius, length), length, belly, tendon)

    def volume(pts, faces):
        a, b, c = pts[faces[:, 0]], pts[faces[:, 1]], pts[faces[:, 2]]
        return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)

    old = volume(*tubes.sweep(path, radius, rings=60))
    new = volume(*tubes.sweep(path, peak, rings=60, belly=belly, tendon=tendon))
    assert new == pytest.approx(old, rel=0.03)


def test_the_profile_peaks_inside_the_belly_and_ends_in_a_thin_tendon():
    belly = (0.0, 0.45)
    t = np.linspace(0.0, 1.0, 2001)
    r = tubes.belly_tendon_radii(t, 0.015, 0.002, belly)
    assert belly[0] <= t[np.argmax(r)] <= belly[1]
    assert r[-1] == pytest.approx(0.002) and np.all(r[t > belly[1]] == pytest.approx(0.002))
    # One rise and one fall: no second bulge, no dent.
    steps = np.sign(np.diff(r)[np.abs(np.diff(r)) > 1e-12])
    assert np.count_nonzero(np.diff(steps)) == 1
    # No kinks: the slope changes smoothly (second differences stay small).
    # (a slope jump of the belly's mean slope, 0.03, would give a second difference of 1.5e-5)
    assert np.abs(np.diff(r, 2)).max() < 2e-6


def test_tendons_of_strong_and_weak_muscles_differ_less_than_twofold():
    weak, strong = tubes.tendon_radius(0.004), tubes.tendon_radius(0.028)
    assert strong / weak < 2.0 and 0.001 < weak < strong < 0.0035


def test_a_belly_and_tendon_tube_is_closed_and_wound_outward():
    path = np.array([[0, 0, 0], [0.01, 0.05, -0.1], [0.0, 0.1, -0.2], [0.0, 0.1, -0.3]], float)
    pts, faces = tubes.sweep(path, 0.015, rings=tubes.BELLY_RINGS, belly=(0.0, 0.5), tendon=0.002)
    assert np.isfinite(pts).all()
    assert orientation_problems(pts, faces) == []


def _radius_along(mesh) -> tuple[np.ndarray, np.ndarray]:
    """Each mesh point's share of the centre path's length and its distance from that path."""
    centre = tubes.resample(mesh.path, 400)
    d = np.linalg.norm(mesh.points[:, None, :] - centre[None, :, :], axis=2)
    nearest = d.argmin(axis=1)
    return nearest / (len(centre) - 1), d[np.arange(len(d)), nearest]


def test_brachioradialis_is_widest_in_its_proximal_half(manifest):
    t, r = _radius_along(read_mesh(manifest.file_path(manifest["brachioradialis_right"])))
    inner = (t > 0.02) & (t < 0.98)  # leave out the end caps
    assert t[inner][np.argmax(r[inner])] < 0.5
    # ... and its distal third is tendon, not belly.
    assert r[inner & (t > 0.8)].max() < 0.35 * r[inner].max()


def test_flexor_digitorum_longus_is_tendon_thin_under_the_foot(manifest):
    foot = read_mesh(manifest.file_path(manifest["foot_bones_right"])).points
    fdl = read_mesh(manifest.file_path(manifest["flexor_digitorum_longus_right"]))
    t, r = _radius_along(fdl)
    # Below the top of the foot's bones (the talus) the muscle is in the foot.
    in_foot = fdl.points[:, 2] < foot[:, 2].max() - 0.01
    assert in_foot.sum() > 20
    assert r[in_foot].max() < 0.004


def test_the_belly_table_cites_no_denied_site():
    assert bellies.denied_sources(bellies.load_table()) == []


def _table_citing(url: str) -> dict:
    table = copy.deepcopy(bellies.load_table())
    table["muscles"]["tibialis_anterior"]["sources"].append(
        {"cite": "A copy", "url": url, "says": "arises from the upper two-thirds of the tibia"})
    return table


def test_a_denied_source_in_the_belly_table_is_reported_with_the_file_the_muscle_and_the_source():
    problems = bellies.denied_sources(_table_citing("https://www.mananatomy.com/body-systems/muscular-system/x"))
    n = len(bellies.load_table()["muscles"]["tibialis_anterior"]["sources"])
    assert len(problems) == 1
    assert problems[0].startswith(f"muscle_bellies.json: muscles.tibialis_anterior.sources[{n}] ")
    assert "mananatomy.com is on the source deny list" in problems[0]
    # a sub-domain is denied too; a good site is not
    assert bellies.denied_sources(_table_citing("https://de.wikisum.wiki/wiki/Tibialis")) != []
    assert bellies.denied_sources(_table_citing("http://www.bartleby.com/107/pages/page258.html")) == []


def test_the_bake_refuses_a_belly_table_citing_a_denied_site_before_writing(tmp_path, monkeypatch):
    from ims_atlas.bake import build

    table = _table_citing("http://gpnotebook.com/simplepage.cfm?ID=1")
    monkeypatch.setattr(bellies, "load_table", lambda: table)
    (tmp_path / "muscles").mkdir()
    (tmp_path / "muscles" / "old.npz").write_bytes(b"kept")
    with pytest.raises(ValueError, match=r"muscle_bellies\.json: muscles\.tibialis_anterior\.sources\[\d+\] .*gpnotebook\.com"):
        build.build_meshes(tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["muscles", "old.npz"]
