"""The scene controller's parts on their own (issue 19): the block table, the marker overlay
and the camera functions, each without a SceneController."""

from __future__ import annotations

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from vtkmodules.vtkRenderingCore import vtkCompositeDataDisplayAttributes, vtkCompositePolyDataMapper  # noqa: E402

from ims_atlas.scene import camera  # noqa: E402
from ims_atlas.scene.block_table import BlockTable  # noqa: E402
from ims_atlas.scene.marker_overlay import MarkerOverlay  # noqa: E402
from ims_atlas.scene.palette import DEFAULT_PALETTE  # noqa: E402
from ims_atlas.scene.plan import Marker, StructureStyle  # noqa: E402


def _table() -> BlockTable:
    """Three cubes in one layer group, a coarse group and an empty lit group."""
    table = BlockTable(DEFAULT_PALETTE)
    meshes = {f"m{i}": pv.Cube(center=(i, 0, 0)).triangulate() for i in range(3)}
    for group, index in (("muscles", table.blocks), ("muscles:coarse", table.coarse_blocks)):
        block = pv.MultiBlock()
        for sid, mesh in meshes.items():
            block.append(mesh, sid)
            index[sid] = (group, len(block))
        mapper = vtkCompositePolyDataMapper()
        mapper.SetCompositeDataDisplayAttributes(vtkCompositeDataDisplayAttributes())
        mapper.SetInputDataObject(0, block)
        table.mappers[group] = mapper
    lit = vtkCompositePolyDataMapper()
    lit.SetCompositeDataDisplayAttributes(vtkCompositeDataDisplayAttributes())
    lit.SetInputDataObject(0, pv.MultiBlock())
    table.mappers["muscles:lit"] = lit
    table.meshes = meshes
    table.layer_of = dict.fromkeys(meshes, "muscles")
    table.lit["muscles"] = ()
    return table


def _style(role="base", opacity=1.0, visible=True):
    return StructureStyle(role, (0.5, 0.2, 0.1), opacity, visible)


def test_block_table_lights_hides_and_switches_detail():
    table = _table()
    relit = []
    table.on_relight = lambda layer, ids: relit.append((layer, ids))
    table.apply_styles({"m0": _style(), "m1": _style("local"), "m2": _style("context", 0.18)})
    assert table.drawn_block("m1") == ("muscles:lit", 1) and relit == [("muscles", ("m1",))]
    assert table.block_style("m1")[1] == 1.0
    assert table.uses_coarse("m2")  # faint context is drawn from its coarse copy
    assert table.drawn_block("m0") == ("muscles", 1) and not table.uses_coarse("m0")
    table.set_moving(True)
    assert table.uses_coarse("m0") and not table.uses_coarse("m1")  # lit muscles keep their detail
    table.set_moving(False)
    assert not table.uses_coarse("m0")
    table.set_far(frozenset({"m0"}))
    assert table.uses_coarse("m0")
    # Unchanged styles touch nothing: the block state stays as it was.
    before = dict(table.block_state)
    table.apply_styles(dict(table.styles))
    assert table.block_state == before
    table.apply_styles({"m0": _style(visible=False), "m1": _style(), "m2": _style()})
    assert not table.block_style("m0")[2] and relit[-1] == ("muscles", ())


def test_marker_overlay_draws_shapes_and_labels_in_its_own_layer():
    plotter = pv.Plotter(off_screen=True, window_size=[300, 200])
    try:
        overlay = MarkerOverlay(plotter.render_window, plotter.renderer, DEFAULT_PALETTE, 0.0)
        assert overlay.renderer is None and overlay.props == []  # nothing made before it is needed
        markers = (Marker("local", (0.1, 0.0, 1.0), "A", "local:a:right"),
                   Marker("paraspinal", (0.0, 0.1, 1.2), "C6 right", "paraspinal:C6:right"),
                   Marker("anchor", (0.2, 0.0, 0.9), "B", "local:b:right"))
        overlay.set(markers, labels=True)
        assert overlay.renderer.GetLayer() == 1
        assert overlay.renderer.GetActiveCamera() is plotter.renderer.GetActiveCamera()
        texts = sorted(t.GetInput().strip() for t in overlay.labels.props[1:])
        assert texts == ["A", "B", "C6 right"]  # an anchor is labelled but has no shape
        shapes = [p for p in overlay.props if p.IsA("vtkActor")]
        assert len(shapes) == 2
        overlay.set(markers[:1], labels=False)
        assert [p for p in overlay.props if p.IsA("vtkActor")] == shapes[:1] and overlay.labels.props == []
        overlay.close()
        assert overlay.renderer is None
    finally:
        plotter.close()


def test_camera_functions_put_frame_and_project():
    plotter = pv.Plotter(off_screen=True, window_size=[400, 200])
    try:
        renderer = plotter.renderer
        points = np.array([[0.0, 0.0, 1.0], [0.1, 0.0, 1.2]])
        pose = camera.frame_pose(points, (0.0, -1.0, 0.0), camera.renderer_aspect(renderer))
        camera.put_camera(renderer, pose)
        assert camera.camera_pose(renderer.GetActiveCamera())[0] == pytest.approx(pose[0])
        plotter.render()
        for p in points:
            x, y = camera.project(renderer, p)
            assert 0 <= x <= 400 and 0 <= y <= 200
        origin, direction = camera.display_ray(renderer, 200, 100)
        assert direction[1] > 0  # into the scene, away from the eye in front
        renderer.SetViewport(0.0, 0.0, 0.5, 1.0)
        assert camera.renderer_aspect(renderer) == pytest.approx(1.0)
        assert camera.pixel_size(renderer, points).shape == (2,)
    finally:
        plotter.close()
def test_marker_faces_are_never_unlit_black():
    """Every face of a marker shows its colour, even one the camera's headlight only grazes (the
    underside of a paraspinal cube above the eye: at a few pixels' size a black face took a third
    of the needle point)."""
    from ims_atlas.scene.controller import offscreen_plotter

    plotter = offscreen_plotter((300, 300))
    try:
        plotter.set_background("white")
        overlay = MarkerOverlay(plotter.render_window, plotter.renderer, DEFAULT_PALETTE, 0.0)
        overlay.set_scale(10.0)
        overlay.set((Marker("paraspinal", (0.0, 0.0, 1.2), "L5 right", "paraspinal:L5:right"),), labels=False)
        # Level with the eye and a little below the marker: its underside is in sight.
        plotter.camera_position = [(0.0, 1.0, 1.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0)]
        plotter.camera.view_angle = 30.0
        # A white wall behind (the scene renderer sets the shared camera's clipping range).
        plotter.add_mesh(pv.Cube(center=(0.0, -0.5, 1.1), x_length=2, y_length=0.05, z_length=2), color="white",
                         lighting=False)
        img = plotter.screenshot(return_img=True).astype(float) / 255.0
    finally:
        plotter.close()
    drawn = img[..., :3][np.abs(img[..., :3] - 1.0).max(axis=2) > 0.02]
    assert len(drawn) > 300, "the marker was not drawn"
    want = np.asarray(DEFAULT_PALETTE.paraspinal_marker)
    # Its underside shows: the darkest pixels are still the marker's blue, not black.
    darkest = drawn[np.argsort(drawn.sum(axis=1))[: len(drawn) // 10]]
    assert darkest.max(axis=1).min() > 0.25, f"unlit marker pixels: {darkest[:3]}"
    chroma = darkest / darkest.max(axis=1, keepdims=True)
    assert np.abs(chroma - want / want.max()).max() < 0.3
