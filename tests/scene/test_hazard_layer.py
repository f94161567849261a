"""The danger-zone layer draws the organs the report measured (the pleura see-through), their
depths, and takes every actor away again."""

from __future__ import annotations

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")


@pytest.fixture()
def plotter():
    pl = pv.Plotter(off_screen=True, window_size=(400, 600))
    yield pl
    pl.close()


def _report(catalog, manifest, condition):
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.study.danger_zones import danger_report
    from ims_atlas.study.dermatomes import load_painted_skin

    return danger_report(treatment_plan(catalog, manifest, condition, "right"), manifest, load_painted_skin())


def _shown(plotter, catalog, manifest, condition):
    """A hazard layer showing a condition's danger zones: the layer, the report, the actors
    there were before, and the actors it added."""
    from ims_atlas.scene.hazard_layer import HazardLayer

    layer = HazardLayer(plotter)
    before = set(plotter.renderer.actors)
    report = _report(catalog, manifest, condition)
    layer.show(report, manifest)
    return layer, report, before, [a for name, a in plotter.renderer.actors.items() if name not in before]


def test_the_pleura_is_drawn_see_through_and_everything_goes_away(plotter, catalog, manifest):
    from ims_atlas.scene.hazard_layer import SAC_OPACITY

    layer, report, before, added = _shown(plotter, catalog, manifest, "thoracic_pain")
    opacities = sorted(round(a.GetProperty().GetOpacity(), 2) for a in added if hasattr(a, "GetProperty"))
    assert round(SAC_OPACITY, 2) in opacities  # the parietal pleura, see-through
    legend = [a for a in added if a.GetClassName() == "vtkCornerAnnotation"]
    assert len(legend) == 1
    text = legend[0].GetText(0)  # the lower left corner (the upper left holds the view's caption)
    assert not legend[0].GetText(2)
    # One line per structure: its depth at the needle site where it is shallowest.
    site, depth = min(((s.target, m.depth_from_skin_cm) for s in report.sites for m in s.near
                       if m.structure == "pleura_right"), key=lambda v: v[1])
    assert f"Parietal pleura (right): {depth:.1f} cm under the skin at {site}" in text
    layer.hide()
    assert set(plotter.renderer.actors) == before  # the dots and labels too
    assert not layer.shown


def test_the_kidney_is_drawn_in_red_for_low_back_pain(plotter, catalog, manifest):
    from ims_atlas.scene.hazard_layer import HAZARD_RGB, HazardLayer

    plotter.camera_position = [(-0.025, 1.6, 1.2), (-0.025, 0.2, 1.2), (0, 0, 1)]
    layer = HazardLayer(plotter)
    report = _report(catalog, manifest, "low_back_pain")
    assert any(m.structure == "kidney_right" for s in report.sites for m in s.near)
    layer.show(report, manifest)
    img = np.asarray(plotter.screenshot(return_img=True))[..., :3].astype(int)
    red = (np.abs(img - np.array(HAZARD_RGB) * 255).sum(axis=2) < 60).mean()
    assert red > 0.002


def test_the_organ_layer_draws_every_organ_on_request_and_removes_them(plotter, manifest):
    from ims_atlas.scene.organ_layer import OrganLayer

    layer = OrganLayer(plotter)
    before = set(plotter.renderer.actors)
    assert not layer.shown
    drawn = layer.show(manifest)
    assert sorted(drawn) == sorted(s.id for s in manifest.on_request)
    assert {f"organ:{sid}" for sid in drawn} <= set(plotter.renderer.actors)
    layer.hide()
    assert set(plotter.renderer.actors) == before and not layer.shown


def test_the_neck_plans_draw_the_spinal_cord_and_the_carotid_with_their_depths(plotter, catalog, manifest):

    layer, report, before, added = _shown(plotter, catalog, manifest, "neck_pain_whiplash")
    text = next(a for a in added if a.GetClassName() == "vtkCornerAnnotation").GetText(0)
    # Each measured hazard is drawn and listed, not only the one nearest each site.
    for name in ("Spinal cord", "Common carotid artery (right)", "Parietal pleura (right)"):
        assert f"{name}: " in text, text
    layer.hide()
    assert set(plotter.renderer.actors) == before
