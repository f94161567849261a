"""Danger zones: hazards named by the safety notes, measured on the meshes, or said to be missing."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.plan import treatment_plan
from ims_atlas.core.paths import bundled_catalog_path
from ims_atlas.study.danger_zones import danger_report, hazards_named, load_hazards, structures_for
from ims_atlas.study.dermatomes import load_painted_skin


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(bundled_catalog_path())


@pytest.fixture(scope="module")
def skin():
    return load_painted_skin()


def test_notes_name_the_hazards(catalog, manifest):
    plan = treatment_plan(catalog, manifest, "golfers_elbow", "right")
    named = {h.id for h, _ in hazards_named(plan, load_hazards())}
    assert {"median_nerve", "ulnar_nerve"} <= named
    assert [s.id for s in structures_for(manifest, next(h for h in load_hazards() if h.id == "median_nerve"),
                                         "right")] == ["nerve_median_right"]


def test_depths_are_measured_on_the_meshes(catalog, manifest, skin):
    plan = treatment_plan(catalog, manifest, "golfers_elbow", "right")
    report = danger_report(plan, manifest, skin)
    site = next(s for s in report.sites if s.target == "Pronator teres")
    median = next(m for m in site.near if m.hazard == "median nerve")
    nerve = read_mesh(manifest.file_path(manifest["nerve_median_right"]))
    # independent check: the nearest vertex of the nerve is at least as far as the reported depth
    # and within a triangle's size of it
    vertex_distance = np.linalg.norm(nerve.points - np.asarray(site.site), axis=1).min() * 100
    assert median.depth_from_skin_cm <= vertex_distance + 0.05
    assert vertex_distance - median.depth_from_skin_cm < 1.0
    # the skin site is on the skin nearest the epicentre, and the target lies under it
    target = next(t for t in plan.local_targets if t.muscle.id == "pronator_teres")
    assert site.target_depth_cm == pytest.approx(
        np.linalg.norm(np.asarray(site.site) - np.asarray(target.position)) * 100, abs=0.05)
    assert 0.3 < site.target_depth_cm < 5


def test_a_missing_structure_is_reported_not_guessed(catalog, manifest, skin):
    plan = treatment_plan(catalog, manifest, "rotator_cuff", "right")
    report = danger_report(plan, replace(manifest, on_request=()), skin)
    assert "lung and pleura" in report.not_measured
    assert "no lung and pleura mesh" in report.not_measured["lung and pleura"]
    assert all(m.hazard != "lung and pleura" for s in report.sites for m in s.near)


def test_a_manifest_without_the_nerve_degrades(catalog, manifest, skin):
    plan = treatment_plan(catalog, manifest, "piriformis_syndrome", "right")
    stripped = replace(manifest, structures=tuple(s for s in manifest if "sciatic" not in s.id))
    report = danger_report(plan, stripped, skin)
    assert "sciatic nerve" in report.not_measured
    assert danger_report(plan, manifest, skin).sites[0].near[0].hazard == "sciatic nerve"


def test_danger_command(capsys):
    from ims_atlas.cli import main

    assert main(["danger", "piriformis syndrome", "--side", "left", "--json"]) == 0
    dz = json.loads(capsys.readouterr().out)
    piri = next(s for s in dz["sites"] if s["target"] == "Piriformis")
    assert piri["side"] == "left" and piri["near"][0]["hazard"] == "sciatic nerve"
    assert piri["near"][0]["depth_from_skin_cm"] > 0
    assert "not safe depths" in dz["note"]
    assert main(["danger", "piriformis syndrome"]) == 0
    assert "sciatic nerve" in capsys.readouterr().out
    assert main(["danger", "no such thing at all"]) == 2


def test_a_site_where_a_hazard_is_not_measured_never_reads_as_safe(catalog, manifest, skin):
    """Where a hazard could not be measured at a site (the skin there lies inside the organ), the
    site's line says so: never "nothing within 8 cm" over the chest wall. The bundled skin has
    no such site any more (test_the_chest_wall_sites_measure_the_pleura), so one is made here
    from the real report: serratus anterior's pleura taken out of its measurements."""
    from ims_atlas.cli.study_commands import danger_text
    from ims_atlas.qt.study_hooks import danger_html
    from ims_atlas.study.danger_zones import DangerReport, danger_view

    real = danger_report(treatment_plan(catalog, manifest, "thoracic_pain", "right"), manifest, skin)
    target = "Serratus anterior"
    sites = tuple(replace(s, near=tuple(m for m in s.near if m.hazard != "lung and pleura")) if s.target == target
                  else s for s in real.sites)
    report = DangerReport(sites, {**real.not_measured, f"lung and pleura at {target}": "the model's skin at this "
                                  "site lies inside the Parietal pleura (right); no depth is given here"}, real.notes)
    text = danger_text({"condition": "thoracic_pain", "side": "right", **danger_view(report)})
    html = danger_html(report)
    line = next(line for line in text.splitlines() if line.startswith(f"- {target} "))
    assert "not measured here" in line and "nothing within" not in line
    assert f"<b>{target}</b>" in html


def test_the_chest_wall_sites_measure_the_pleura(catalog, manifest, skin):
    """The skin over the chest wall is outside the pleura: the thoracic-pain sites over it
    (serratus anterior on the lateral wall, iliocostalis thoracis beside the spine) have their
    lung and pleura depth measured, not reported as lying inside the pleura."""
    report = danger_report(treatment_plan(catalog, manifest, "thoracic_pain", "right"), manifest, skin)
    for target in ("Serratus anterior", "Iliocostalis thoracis", "Rhomboid minor"):
        assert report.unmeasured_at(target) == [], (target, report.not_measured)
        site = next(s for s in report.sites if s.target == target)
        pleura = [m for m in site.near if m.hazard == "lung and pleura"]
        assert pleura, (target, site.near)
        # Deeper than the skin and the target's own depth over the chest wall, and within a
        # chest wall's thickness (a few centimetres), not the 8 cm of "nothing near".
        assert 0.5 < pleura[0].depth_from_skin_cm < 6.0, (target, pleura[0])
