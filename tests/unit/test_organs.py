"""The organs and vessels authored from surface-anatomy landmarks (bake/organs.py): present on
both sides, closed and wound outward, at their sourced levels, inside the ribcage, and measured
by the danger zones at plausible depths.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ims_atlas.anatomy.geometry import contains_point, distance_to_mesh
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake.organs import load_organs

ORGANS = ("pleura", "lung", "kidney", "vertebral_artery", "common_carotid", "subclavian_artery", "brachial_artery",
          "popliteal_artery")
#: On the midline, one structure.
MIDLINE = ("spinal_cord",)
SIDES = ("right", "left")


@pytest.fixture(scope="module")
def meshes(manifest):
    return {s.id: read_mesh(manifest.file_path(s)) for s in manifest.on_request}


def _mesh(manifest, sid):
    m = read_mesh(manifest.file_path(manifest.requested(sid)))
    return m.points.astype(np.float64), m.faces


def _level(manifest, level, key):
    return manifest.vertebra(level).landmarks[key][2]


def test_every_organ_on_both_sides_kept_apart_from_the_drawn_layers(manifest):
    ids = {s.id for s in manifest.on_request}
    assert ids == {f"{o}_{side}" for o in ORGANS for side in SIDES} | set(MIDLINE)
    assert not ids & {s.id for s in manifest}  # iterating a manifest never meets them
    for s in manifest.on_request:
        assert s.layer == ("vessels" if s.kind == "vessel" else "organs")
        assert s.licence == "Apache-2.0"
        assert "http" in s.source and "Authored for IMS Atlas" in s.source
    from ims_atlas.bake.authored import denied_sources

    data = load_organs()
    assert all(v["url"].startswith("http") and v["title"] for v in data["sources"].values())
    assert denied_sources(data) == []  # the catalog's source deny list holds for the organs too


def test_a_denied_source_stops_the_organ_bake_before_anything_is_written(tmp_path):
    from ims_atlas.bake.organs import build_organs

    data = load_organs()
    data["sources"]["gray1918_kidney"] = {"title": "flash cards", "url": "https://quizlet.com/123/kidney"}
    with pytest.raises(ValueError, match="quizlet.com is on the source deny list"):
        build_organs(tmp_path, [], -0.025, data)
    assert not any(tmp_path.iterdir())


def test_closed_and_wound_outward(meshes):
    for sid, m in meshes.items():
        edges = np.sort(np.concatenate([m.faces[:, [0, 1]], m.faces[:, [1, 2]], m.faces[:, [2, 0]]]), axis=1)
        _, counts = np.unique(edges, axis=0, return_counts=True)
        assert (counts == 2).all(), f"{sid} is not closed"
        p = m.points.astype(np.float64)
        a, b, c = (p[m.faces[:, k]] for k in range(3))
        volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0
        assert volume > 0, f"{sid} is wound inward"


def test_point_inside(manifest):
    # The kidney's middle is inside it (the hilum's hollow is on its medial border), a point 9 cm
    # above it is not; the lung holds a point in the middle of its side of the chest, not the
    # midline.
    for side in SIDES:
        p, f = _mesh(manifest, f"kidney_{side}")
        assert contains_point(p, f, p.mean(axis=0))
        assert not contains_point(p, f, p.mean(axis=0) + np.array([0.0, 0.0, 0.09]))
        lung, lf = _mesh(manifest, f"lung_{side}")
        mid = np.array([manifest.midline_x + (-0.07 if side == "right" else 0.07), 0.2, 1.38])
        assert contains_point(lung, lf, mid)
        assert not contains_point(lung, lf, np.array([manifest.midline_x, 0.2, 1.38]))


def test_the_lung_lies_inside_its_pleura(manifest):
    for side in SIDES:
        pp, pf = _mesh(manifest, f"pleura_{side}")
        lp, _ = _mesh(manifest, f"lung_{side}")
        sample = lp[:: max(1, len(lp) // 300)]
        inside = np.array([contains_point(pp, pf, q) for q in sample])
        # Inside, or touching it (within 2 mm, the facets' sag); most well inside.
        assert inside.mean() > 0.9
        assert max(distance_to_mesh(pp, pf, q) for q in sample[~inside]) < 0.002


def test_pleura_inside_the_ribcage_a_few_mm_in_front_of_the_posterior_ribs(manifest):
    from scipy.spatial import ConvexHull

    rib = read_mesh(manifest.file_path(manifest["ribcage"])).points.astype(np.float64)
    hull = ConvexHull(rib).equations
    # Below the thoracic inlet (the top of the manubrium, the jugular notch) the pleura lies
    # inside the bony thorax; above it the dome rises into the root of the neck (Gray 1918).
    front = rib[(np.abs(rib[:, 0] - manifest.midline_x) < 0.01) & (rib[:, 1] < 0.2)]
    inlet = front[:, 2].max()
    for side in SIDES:
        p, f = _mesh(manifest, f"pleura_{side}")
        assert p[:, 2].max() > inlet + 0.02
        below = p[p[:, 2] < inlet]
        outside = (below @ hull[:, :3].T + hull[:, 3]).max(axis=1)
        assert (outside < 0.001).all()
        # Posterior ribs 3-9, 3-7 cm from the midline: the pleura lies just inside them
        # (its 2 mm drawing gap, never through the bone).
        sign = -1.0 if side == "right" else 1.0
        lat = sign * (rib[:, 0] - manifest.midline_x)
        back = rib[(lat > 0.03) & (lat < 0.07) & (rib[:, 1] > 0.25) & (rib[:, 2] > 1.30) & (rib[:, 2] < 1.45)]
        gaps = np.array([distance_to_mesh(p, f, q) for q in back[:: max(1, len(back) // 60)]])
        # Its facets (about 8 mm across) may graze a rib's inner edge, never more.
        assert np.mean(gaps > 0.0005) > 0.9 and gaps.min() < 0.004
        assert np.median(gaps) < 0.012
        assert not any(contains_point(p, f, q) for q in back[:: max(1, len(back) // 30)])


def test_pleura_and_lung_borders_at_their_sourced_levels(manifest):
    for side in SIDES:
        pleura = manifest.requested(f"pleura_{side}")
        lung, _ = _mesh(manifest, f"lung_{side}")
        pp, _ = _mesh(manifest, f"pleura_{side}")
        # Gray 1918: the apex about 2.5 cm above the medial third of the clavicle.
        clav = read_mesh(manifest.file_path(manifest[f"clavicle_{side}"])).points
        lat = np.abs(clav[:, 0] - manifest.midline_x)
        medial_third = clav[lat <= lat.min() + (lat.max() - lat.min()) / 3]
        assert 0.02 < pleura.landmarks["apex"][2] - medial_third[:, 2].max() < 0.03
        assert abs(pp[:, 2].max() - pleura.landmarks["apex"][2]) < 0.005
        # Gray 1918: the lung's lower border ends at the tenth thoracic spinous process;
        # the pleura about two ribs lower (12th rib posteriorly, 10th in the midaxillary line).
        assert abs(lung[:, 2].min() - _level(manifest, "T10", "spinous_tip")) < 0.012
        assert _level(manifest, "L1", "inferior") < pp[:, 2].min() < _level(manifest, "T11", "inferior")
        assert lung[:, 2].min() - pp[:, 2].min() > 0.015


def test_kidneys_at_their_levels_right_lower_with_the_sourced_size(manifest):
    lows, highs = {}, {}
    for side in SIDES:
        p, _ = _mesh(manifest, f"kidney_{side}")
        k = manifest.requested(f"kidney_{side}")
        lows[side], highs[side] = p[:, 2].min(), p[:, 2].max()
        # Gray 1918 via IMAIOS: about 11.25 x 5-7.5 x 2.5+ cm (principal extents).
        centred = p - p.mean(axis=0)
        extent = np.sort(np.ptp(centred @ np.linalg.svd(centred, full_matrices=False)[2].T, axis=0))[::-1]
        assert 0.10 < extent[0] < 0.125 and 0.045 < extent[1] < 0.075 and 0.025 < extent[2] < 0.035
        # The hilum near the transpyloric plane (L1) and about 5 cm from the midline (Gray 1918).
        hx, _, hz = k.landmarks["hilum"]
        assert _level(manifest, "L2", "centroid") < hz < _level(manifest, "T12", "centroid")
        assert 0.03 < abs(hx - manifest.midline_x) < 0.06
        # It rests in front of psoas and quadratus lumborum, never inside them.
        for m in ("psoas_major", "quadratus_lumborum"):
            mp, mf = _mesh(manifest, f"{m}_{side}")
            assert not any(contains_point(mp, mf, q) for q in p[::12])
    # Centred between the upper border of T12 and the lower border of L3 (Gray 1918), each pole
    # within the 1.3 cm the sourced length leaves; the left about 1.25 cm higher (HBC).
    top, bottom = _level(manifest, "T12", "superior"), _level(manifest, "L3", "inferior")
    assert abs(0.5 * (highs["right"] + lows["right"]) - 0.5 * (top + bottom)) < 0.003
    assert bottom <= lows["right"] < bottom + 0.013 and top - 0.013 < highs["right"] <= top
    assert 0.008 < lows["left"] - lows["right"] < 0.017


def test_vertebral_artery_rises_through_c6_to_c1_and_over_the_atlas(manifest):
    for side in SIDES:
        p, _ = _mesh(manifest, f"vertebral_artery_{side}")
        for level in ("C6", "C5", "C4", "C3", "C2", "C1"):
            v = read_mesh(manifest.file_path(manifest.vertebra(level))).points
            at = p[(p[:, 2] > v[:, 2].min()) & (p[:, 2] < v[:, 2].max())]
            assert len(at), f"the {side} vertebral artery misses {level}"
            assert (np.abs(at[:, 0] - manifest.midline_x) < 0.04).all()
        arch = manifest.requested(f"vertebral_artery_{side}").landmarks["on_atlas_arch"]
        atlas = read_mesh(manifest.file_path(manifest.vertebra("C1"))).points
        assert arch[1] > np.median(atlas[:, 1])  # behind the lateral mass, on the posterior arch
        assert 0 < arch[2] - atlas[:, 2].max() < 0.01


@pytest.fixture(scope="module")
def reports(manifest):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.core.paths import bundled_catalog_path
    from ims_atlas.study.danger_zones import danger_report
    from ims_atlas.study.dermatomes import load_painted_skin

    catalog, skin = load_catalog(bundled_catalog_path()), load_painted_skin()
    return {c: danger_report(treatment_plan(catalog, manifest, c, "right"), manifest, skin)
            for c in ("thoracic_pain", "low_back_pain", "headache", "neck_pain_whiplash", "cervical_radiculopathy")}


def _depths(report, hazard, kind=None):
    return {s.target: m.depth_from_skin_cm for s in report.sites for m in s.near
            if m.hazard == hazard and (kind is None or s.kind == kind)}


def test_danger_zones_measure_the_pleura_over_the_upper_back(reports):
    r = reports["thoracic_pain"]
    assert "lung and pleura" not in r.not_measured
    local = _depths(r, "lung and pleura", "local")
    # Published: skin to rib over rhomboid major 2.1 +/- 0.4 cm at BMI < 23 and 2.7 cm when
    # obese (Seol 2014), the pleura just in front of the rib. The model body's rhomboids must lie
    # within 1.5-4.5 cm of it.
    assert all(1.5 <= local[m] <= 4.5 for m in ("Rhomboid major", "Rhomboid minor")), local
    # Beside C7-T1, needled from the back: the lung field at the angle of the neck was 3.3 cm
    # deep in cadavers (board notice 5.1, acts_thorax); within 2-6 cm here.
    para = _depths(r, "lung and pleura", "paraspinal")
    assert all(2.0 <= para[f"{s} paraspinal"] <= 6.0 for s in ("C7", "C8")), para


def test_danger_zones_measure_the_kidney_at_upper_lumbar_sites(reports):
    r = reports["low_back_pain"]
    assert "kidney" not in r.not_measured
    depths = _depths(r, "kidney", "paraspinal")
    # The kidney lies in front of the paraspinal muscles and quadratus lumborum (Gray 1918): from
    # the back at L1-L2 deeper than the muscles' few centimetres, within a long needle's reach.
    # (The catalog's cadaver study of BL52 needling depth, Chia 2017, gives no figure it records.)
    assert all(3.0 <= depths[f"{s} paraspinal"] <= 10.0 for s in ("L1", "L2")), depths


def test_danger_zones_measure_the_vertebral_artery_in_the_neck(reports):
    r = reports["headache"]
    assert "vertebral artery" not in r.not_measured
    depths = _depths(r, "vertebral artery", "paraspinal")
    # Tissue over the C2 spinous process 37 +/- 7.3 mm (MSP 2025): the artery, in the transverse
    # processes and on the atlas's arch, lies deeper than that from the back; within 3-8 cm here.
    assert all(3.0 <= depths[f"{s} paraspinal"] <= 8.0 for s in ("C1", "C2")), depths


def test_danger_command_names_the_organs(capsys):
    from ims_atlas.cli import main

    assert main(["danger", "thoracic pain", "--json"]) == 0
    dz = json.loads(capsys.readouterr().out)
    named = {m["structure"] for s in dz["sites"] for m in s["near"]}
    assert "pleura_right" in named
    assert "lung and pleura" not in dz["not_measured"]


def test_a_missing_organ_file_is_named_by_the_validator(manifest, tmp_path):
    import shutil

    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.anatomy.mesh_file import mesh_file_problems

    copy = tmp_path / "meshes"
    shutil.copytree(manifest.directory, copy)
    (copy / manifest.requested("kidney_left").file).unlink()
    problems = mesh_file_problems(load_manifest(copy / "manifest.json"))
    assert len(problems) == 1 and "kidney_left" in problems[0].message


def test_the_lungs_leave_room_for_the_heart(manifest):
    # Gray 1918: the heart's outline reaches 9 cm left of the midsternal line (its apex) and
    # about 1 cm right of the right sternal line; the left lung's front is notched round it.
    z0, z1 = _level(manifest, "T7", "centroid"), _level(manifest, "T6", "centroid")
    edge = {}
    for side in SIDES:
        p, _ = _mesh(manifest, f"lung_{side}")
        front = p[(p[:, 2] > z0) & (p[:, 2] < z1) & (p[:, 1] < np.percentile(p[:, 1], 30))]
        edge[side] = np.abs(front[:, 0] - manifest.midline_x).min()
    assert edge["left"] > 0.045 and edge["right"] > 0.015
    assert edge["left"] > edge["right"] + 0.02


# -- the spinal cord and the common carotid arteries ---------------------------------------------

def _vertebra(manifest, level):
    m = read_mesh(manifest.file_path(manifest.vertebra(level)))
    return m.points.astype(np.float64), m.faces


def test_the_spinal_cord_lies_inside_each_vertebras_canal(manifest):
    from ims_atlas.bake.cord import LEVELS
    from ims_atlas.bake.foramina import canal

    p, _ = _mesh(manifest, "spinal_cord")
    for level in LEVELS:
        vp, vf = _vertebra(manifest, level)
        c = canal(vp, vf, midline_x=manifest.midline_x)
        at = p[np.abs(p[:, 2] - _level(manifest, level, "centroid")) < 0.0005]
        assert len(at), f"the cord misses {level}"
        # Level with the vertebra's centre the cord's whole cross-section is inside the canal
        # measured on the bone: between the back of the body and the laminae, within its width.
        assert (np.abs(at[:, 0] - manifest.midline_x) <= c.half_width).all(), level
        assert (at[:, 1] >= c.front_y).all() and (at[:, 1] <= c.back_y).all(), level


def test_the_cord_runs_from_above_the_atlas_to_the_lower_third_of_l1(manifest):
    p, _ = _mesh(manifest, "spinal_cord")
    assert p[:, 2].max() > _level(manifest, "C1", "superior")  # into the foramen magnum
    lo, hi = _level(manifest, "L1", "inferior"), _level(manifest, "L1", "superior")
    # Saifuddin 1998: the conus ends, on average, in the lower third of L1.
    assert lo < p[:, 2].min() < lo + (hi - lo) / 3
    assert load_organs()["spinal_cord"]["ends_in"] == "L1"


def test_the_cervical_enlargement_is_wider_than_the_thoracic_cord(manifest):
    p, _ = _mesh(manifest, "spinal_cord")

    def width(level):
        at = p[np.abs(p[:, 2] - _level(manifest, level, "centroid")) < 0.0015]
        return float(np.ptp(at[:, 0]))

    # Sherman 1990: 14 mm across at C4; Frostell 2016: 8.3 mm at mid-thoracic segments.
    assert width("C4") > 0.0125 and width("T6") < 0.0095
    assert width("C4") > width("T6") + 0.003


def test_common_carotid_rises_from_the_sternoclavicular_joint_in_front_of_the_transverse_processes(manifest):
    for side in SIDES:
        sign = -1.0 if side == "right" else 1.0
        p, _ = _mesh(manifest, f"common_carotid_{side}")
        lm = manifest.requested(f"common_carotid_{side}").landmarks
        clavicle = read_mesh(manifest.file_path(manifest.get(f"clavicle_{side}"))).points
        sternal_end = clavicle[np.argmin(np.abs(clavicle[:, 0] - manifest.midline_x))]
        assert np.linalg.norm(np.asarray(lm["origin"])[[0, 2]] - sternal_end[[0, 2]]) < 0.015
        assert lm["origin"][1] > sternal_end[1]  # behind the joint
        for level in ("C6", "C5", "C4"):
            vp, vf = _vertebra(manifest, level)
            at = p[np.abs(p[:, 2] - _level(manifest, level, "centroid")) < 0.0035]  # rings 6 mm apart
            assert len(at), f"the {side} carotid misses {level}"
            # In front of the vertebra's canal and its transverse processes, on its own side.
            assert (at[:, 1] < canal_front(vp, vf, manifest.midline_x)).all()
            assert (0.005 < sign * (at[:, 0] - manifest.midline_x)).all()
            assert (sign * (at[:, 0] - manifest.midline_x) < 0.04).all()
        # Bifurcation at C3 (Mirjalili 2012's CT: most often C3), the middle of that vertebra.
        c3 = read_mesh(manifest.file_path(manifest.vertebra("C3"))).points
        assert abs(p[:, 2].max() - 0.5 * (c3[:, 2].min() + c3[:, 2].max())) < 0.005


def canal_front(points, faces, midline_x):
    from ims_atlas.bake.foramina import canal

    return canal(points, faces, midline_x=midline_x).front_y


def test_no_skin_lies_inside_the_cord_or_the_carotids(manifest):
    from ims_atlas.study.dermatomes import load_painted_skin

    skin = np.asarray(load_painted_skin().points, dtype=float)
    for sid in ("spinal_cord", "common_carotid_right", "common_carotid_left"):
        p, f = _mesh(manifest, sid)
        near = skin[np.all((skin >= p.min(axis=0)) & (skin <= p.max(axis=0)), axis=1)]
        assert not [q for q in near if contains_point(p, f, q)], sid


def test_danger_zones_measure_the_spinal_cord_in_the_neck_plans(reports):
    # Chou 2015 (MRI, 394 adults): 4.9 cm (GV15) and 4.6 cm (GV16) from the skin to the tissue
    # at risk on the back of the neck's midline; Yang 2015: 39.8-49.7 mm to the dura. The model's
    # paraspinal sites, off the midline over the muscles and measured to the cord itself, lie
    # deeper (danger_zones.json says so): within 3.5-8 cm, and never shallower than the target.
    for condition, levels in (("neck_pain_whiplash", ("C2", "C3", "C4", "C5", "C6", "C7")),
                              ("cervical_radiculopathy", ("C5", "C6", "C7")), ("headache", ("C1", "C2", "C3"))):
        r = reports[condition]
        assert "spinal cord" not in r.not_measured, condition
        depths = _depths(r, "spinal cord", "paraspinal")
        targets = {s.target: s.target_depth_cm for s in r.sites}
        for lv in levels:
            d = depths[f"{lv} paraspinal"]
            assert 3.5 <= d <= 8.0, (condition, lv, d)
            assert d > targets[f"{lv} paraspinal"], (condition, lv)  # the cord lies beyond the lamina


def test_danger_zones_measure_the_carotid_in_the_neck_plans(reports):
    # Chou 2015: 1.6 cm to the tissue at risk at ST9 on the front of the neck. At the model's
    # sternocleidomastoid site (its belly, at the side of the neck) the artery lies deeper but
    # within a few centimetres.
    for condition in ("neck_pain_whiplash", "headache"):
        r = reports[condition]
        assert "carotid artery" not in r.not_measured, condition
        d = _depths(r, "carotid artery", "local")["Sternocleidomastoid"]
        assert 1.0 <= d <= 5.0, (condition, d)


def test_the_danger_view_says_how_deep_the_cord_lies_in_people(reports):
    from ims_atlas.study.danger_zones import danger_view

    view = danger_view(reports["neck_pain_whiplash"])
    assert "4.9 cm" in view["in_people"]["spinal cord"] and "deeper" in view["in_people"]["spinal cord"]
    assert "1.6 cm" in view["in_people"]["carotid artery"]


def test_the_danger_command_prints_how_deep_the_cord_lies_in_people(capsys):
    from ims_atlas.cli import main

    assert main(["danger", "neck pain"]) == 0
    out = capsys.readouterr().out
    assert "In people, spinal cord: " in out and "Chou 2015" in out
    assert "C2 paraspinal (right)" in out and "spinal cord" in out.split("C2 paraspinal (right)", 1)[1].split("\n", 1)[0]


# -- the subclavian, brachial and popliteal arteries ----------------------------------------------

def _bone(manifest, sid):
    m = read_mesh(manifest.file_path(manifest.get(sid)))
    return m.points.astype(np.float64), m.faces


def _ring_radii(points, faces):
    """The radius of each ring of a swept tube (its points lie on rings round the centre line,
    the two cap centres last)."""
    sides = int(np.count_nonzero((faces == len(points) - 2).any(axis=1)))
    rings = points[:-2].reshape(-1, sides, 3)
    return np.linalg.norm(rings - rings.mean(axis=1, keepdims=True), axis=2).mean(axis=1)


def _inside(points, mesh):
    mp, mf = mesh
    near = points[np.all((points >= mp.min(axis=0)) & (points <= mp.max(axis=0)), axis=1)]
    return [q for q in near if contains_point(mp, mf, q)]


@pytest.mark.parametrize(("vessel", "key", "mm"), [("subclavian_artery", "subclavian", 7.0),
                                                    ("brachial_artery", "brachial_artery", 4.4),
                                                    ("popliteal_artery", "popliteal_artery", 7.9)])
def test_the_limb_arteries_have_their_cited_lumen(manifest, vessel, key, mm):
    # Haun 2009: 0.38 cm2 at the first rib (a 7.0 mm circle); Herrington 2001: 4.43 mm; Ebaugh
    # 2003: 7.9 mm. The drawn tube's rings (away from its rounded ends) have that diameter.
    data = load_organs()[key]
    assert data["diameter"] == pytest.approx(mm / 1000)
    assert any(s in load_organs()["sources"] for s in data["sources"])
    for side in SIDES:
        radii = _ring_radii(*_mesh(manifest, f"{vessel}_{side}"))
        middle = radii[len(radii) // 4: 3 * len(radii) // 4]
        assert np.allclose(2000 * middle, mm, atol=0.05), (vessel, side, 2000 * middle.min(), 2000 * middle.max())


def _first_rib(manifest, side):
    from ims_atlas.bake.organs import _components

    pts, faces = _bone(manifest, "ribcage")
    sign = -1.0 if side == "right" else 1.0
    pieces = [pts[c] for c in _components(pts, faces)]
    ribs = [r for r in pieces if len(r) < max(len(q) for q in pieces) and sign * (r[:, 0].mean() - manifest.midline_x) > 0]
    return max(ribs, key=lambda r: r[:, 2].max())


def test_the_subclavian_crosses_the_first_rib_between_the_scalenes_behind_the_clavicle(manifest):
    from scipy.spatial import cKDTree

    for side in SIDES:
        lm = manifest.requested(f"subclavian_artery_{side}").landmarks
        r = load_organs()["subclavian"]["diameter"] / 2
        cross = np.asarray(lm["over_first_rib"])
        rib = _first_rib(manifest, side)
        # Above the first rib ...
        under = rib[np.abs(rib[:, 1] - cross[1]) < 0.005]
        assert len(under) and cross[2] - r > under[:, 2].max(), side
        # ... and ends beyond its outer border, where it becomes the axillary artery (Gray).
        out = np.asarray(lm["outer_border_of_first_rib"])
        assert abs(out[0] - manifest.midline_x) > np.abs(under[:, 0] - manifest.midline_x).max(), side
        # ... between the scalene insertions on it (Gray: scalenus anterior's on the scalene
        # tubercle in front of the groove, scalenus medius's behind it): of the model's scalene
        # points within 8 mm of the rib, some lie in front of the artery, some behind, none in it.
        scalenes = _bone(manifest, f"scalenes_{side}")[0]
        d, _ = cKDTree(rib).query(scalenes)
        ys = scalenes[d < 0.008][:, 1]
        assert (ys < cross[1] - r).any() and (ys > cross[1] + r).any(), side
        assert not ((ys > cross[1] - r) & (ys < cross[1] + r)).any(), side
        # ... and behind the clavicle, from where it crosses the rib to its end.
        clavicle = _bone(manifest, f"clavicle_{side}")[0]
        for key in ("over_first_rib", "outer_border_of_first_rib"):
            q = np.asarray(lm[key])
            at = clavicle[np.abs(np.abs(clavicle[:, 0] - manifest.midline_x) - abs(q[0] - manifest.midline_x)) < 0.005]
            assert q[1] - r > at[:, 1].max(), (side, key)
        # It begins behind the sternoclavicular joint (with the common carotid on the right).
        sternal_end = clavicle[np.argmin(np.abs(clavicle[:, 0] - manifest.midline_x))]
        assert np.linalg.norm(np.asarray(lm["origin"])[[0, 2]] - sternal_end[[0, 2]]) < 0.015
        assert lm["origin"][1] > sternal_end[1]
        # It arches over the pleura's dome without entering it.
        p, _ = _mesh(manifest, f"subclavian_artery_{side}")
        assert not _inside(p, _mesh(manifest, f"pleura_{side}")), side


def test_the_subclavian_source_line_says_how_high_it_arches(manifest):
    # Gray's surface marking puts the arch's top 1 to 3 cm above the clavicle; the model's pleura
    # holds it higher where it does, and the manifest says by how much: the number it gives is the
    # one measured on the meshes.
    import re

    from ims_atlas.bake.limb_arteries import arch_above_clavicle

    for side in SIDES:
        s = manifest.requested(f"subclavian_artery_{side}")
        p, _ = _mesh(manifest, s.id)
        above = arch_above_clavicle(p[np.argmax(p[:, 2])], _bone(manifest, f"clavicle_{side}")[0], manifest.midline_x)
        said = float(re.search(r"highest point lies ([0-9.]+) cm above the clavicle", s.source).group(1))
        assert said == pytest.approx(100 * above, abs=0.05)
        assert above > 0.01  # never below Gray's lowest


def test_the_brachial_artery_runs_beside_the_median_nerve_to_below_the_elbow(manifest):
    from ims_atlas.bake.limb_arteries import section

    for side in SIDES:
        medial = 1.0 if side == "right" else -1.0
        p, _ = _mesh(manifest, f"brachial_artery_{side}")
        lm = manifest.requested(f"brachial_artery_{side}").landmarks
        hp, hf = _bone(manifest, f"humerus_{side}")
        np_, nf = _bone(manifest, f"nerve_median_{side}")
        teres = _bone(manifest, f"teres_major_{side}")[0]
        # From the lower margin of teres major (Gray) ...
        assert abs(lm["at_teres_major"][2] - teres[:, 2].min()) < 0.002
        # ... medial to the humerus and to the median nerve there ...
        top = np.asarray(lm["at_teres_major"])
        assert medial * (top[0] - section(hp, hf, top[2])[:, 0]).min() > 0, side
        assert medial * (top[0] - section(np_, nf, top[2])[:, 0].mean()) > 0, side
        # ... lateral to the nerve at the elbow, within a centimetre of midway between the
        # epicondyles, and dividing 2.5 cm below their level (Gray's surface marking).
        elbow = np.asarray(lm["at_elbow"])
        assert medial * (elbow[0] - section(np_, nf, elbow[2])[:, 0].mean()) < 0, side
        assert abs(elbow[0] - lm["midway_between_epicondyles"][0]) < 0.01
        assert lm["division"][2] == pytest.approx(lm["midway_between_epicondyles"][2] - 0.025, abs=0.001)
        assert abs(p[:, 2].min() - lm["division"][2]) < 0.004
        # In front of brachialis (behind it, Gray) and outside the humerus.
        assert not _inside(p, (hp, hf)) and not _inside(p, _bone(manifest, f"brachialis_{side}")), side


def test_the_popliteal_artery_lies_deep_in_the_fossa_behind_the_femur_and_knee(manifest):
    from ims_atlas.bake.limb_arteries import section

    for side in SIDES:
        p, _ = _mesh(manifest, f"popliteal_artery_{side}")
        lm = manifest.requested(f"popliteal_artery_{side}").landmarks
        r = load_organs()["popliteal_artery"]["diameter"] / 2
        femur, tibia = _bone(manifest, f"femur_{side}"), _bone(manifest, f"tibia_{side}")
        popliteus = _bone(manifest, f"popliteus_{side}")
        lo, hi = femur[0][:, 2].min(), femur[0][:, 2].max()
        # From the adductor hiatus, at the junction of the middle and lower thirds of the thigh ...
        assert lm["adductor_hiatus"][2] == pytest.approx(lo + (hi - lo) / 3, abs=0.003)
        # ... to the lower border of popliteus, where it divides.
        assert lm["division"][2] == pytest.approx(popliteus[0][:, 2].min(), abs=0.003)
        # Behind the femur and the knee joint: at every height from the femur's condyles down
        # to the tibia's plateau, behind the bones' back surface within a centimetre of it.
        for z in np.arange(lo + 0.003, tibia[0][:, 2].max(), 0.004):
            ring = p[np.abs(p[:, 2] - z) < 0.003]
            if not len(ring):
                continue
            centre = ring.mean(axis=0)
            bones = np.vstack([s for s in (section(*femur, z), section(*tibia, z)) if len(s)])
            near = bones[np.abs(bones[:, 0] - centre[0]) < 0.01]
            assert len(near) and centre[1] - r > near[:, 1].max(), (side, z)
        # Deep to the gastrocnemius (Gray: covered by it below): wherever the muscle lies over the
        # artery (within a centimetre of it from side to side) it reaches further back than the
        # artery. Higher up, at their origins on the condyles, the heads lie on either side of it.
        gp, gf = _bone(manifest, f"gastrocnemius_{side}")
        covered = 0
        for z in np.arange(p[:, 2].min() + 0.005, gp[:, 2].max(), 0.005):
            ring = p[np.abs(p[:, 2] - z) < 0.003]
            g = section(gp, gf, z)
            over = g[np.abs(g[:, 0] - ring[:, 0].mean()) < 0.01] if len(ring) and len(g) else g[:0]
            if len(over):
                covered += 1
                assert over[:, 1].max() > ring[:, 1].max(), (side, z)
        assert covered >= 3
        # The tibial nerve crosses behind (superficial to) it at the knee joint (Gray).
        joint = np.asarray(lm["knee_joint"])
        nerve = section(*_bone(manifest, f"nerve_tibial_{side}"), joint[2])
        assert nerve[:, 1].mean() > joint[1], side
        # Outside the bones and popliteus.
        assert not _inside(p, femur) and not _inside(p, tibia) and not _inside(p, popliteus), side


@pytest.fixture(scope="module")
def limb_reports(manifest):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.core.paths import bundled_catalog_path
    from ims_atlas.study.danger_zones import danger_report
    from ims_atlas.study.dermatomes import load_painted_skin

    catalog, skin = load_catalog(bundled_catalog_path()), load_painted_skin()
    return {c: danger_report(treatment_plan(catalog, manifest, c, "right"), manifest, skin)
            for c in ("neck_pain_whiplash", "golfers_elbow", "sciatica")}


def test_danger_zones_measure_the_subclavian_brachial_and_popliteal_arteries(limb_reports):
    r = limb_reports["neck_pain_whiplash"]
    assert "subclavian artery" in r.notes and "subclavian artery" not in r.not_measured
    d = _depths(r, "subclavian artery", "local")
    # Needling the scalenes from the side of the neck: the artery lies under them, deeper than
    # the skin but within a few centimetres of it.
    assert 0.5 < d["Scalene muscles"] < 5.0, d
    r = limb_reports["golfers_elbow"]
    assert "brachial artery" not in r.not_measured
    near = {s.target: m for s in r.sites for m in s.near if m.hazard == "brachial artery"}
    # In cadavers the needle in pronator teres ended 12.8 +/- 4.0 mm from the artery
    # (danger_zones.json: the model's target, on the belly, lies farther): at least that far here.
    assert near["Pronator teres"].from_target_cm > 1.28
    assert near["Pronator teres"].structure == "brachial_artery_right"
    r = limb_reports["sciatica"]
    assert "popliteal vessels" not in r.not_measured
    assert any(m.structure == "popliteal_artery_right" for s in r.sites for m in s.near)
    # The tibial vessels are named by the notes but not modelled: said so, never measured.
    assert "tibial vessels" in r.not_measured and "no tibial vessels mesh" in r.not_measured["tibial vessels"]


def test_the_danger_command_lists_the_subclavian_for_the_scalenes(capsys):
    from ims_atlas.cli import main

    assert main(["danger", "neck pain", "--json"]) == 0
    dz = json.loads(capsys.readouterr().out)
    scalenes = next(s for s in dz["sites"] if s["target"] == "Scalene muscles")
    hit = next(m for m in scalenes["near"] if m["hazard"] == "subclavian artery")
    assert hit["structure"] == "subclavian_artery_right" and hit["depth_from_skin_cm"] > 0
    assert "subclavian artery" in dz["hazards_named"] and "subclavian artery" not in dz["not_measured"]
    assert main(["danger", "golfer's elbow", "--json"]) == 0
    dz = json.loads(capsys.readouterr().out)
    assert "12.8" in dz["in_people"]["brachial artery"]
