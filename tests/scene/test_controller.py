"""The scene controller on an off-screen PyVista plotter: structure, pixels, missing meshes."""

import json
import shutil

import numpy as np
import pytest

pytestmark = pytest.mark.scene

pv = pytest.importorskip("pyvista")

from ims_atlas.anatomy.manifest import load_manifest  # noqa: E402
from ims_atlas.scene.controller import SceneController, offscreen_plotter  # noqa: E402
from ims_atlas.scene.draw_groups import draw_group, partition  # noqa: E402
from ims_atlas.scene.palette import DEFAULT_PALETTE  # noqa: E402
from ims_atlas.scene.plan import plan_for  # noqa: E402
from tests.conftest import colour_fractions  # noqa: E402


@pytest.fixture(scope="module")
def scene(manifest):
    plotter = offscreen_plotter((640, 480))
    controller = SceneController(plotter, manifest)
    # PyVista's render() does nothing before a plotter's first show or screenshot: take one, so
    # every test's render=True really draws a frame whichever test the worker runs first.
    controller.screenshot()
    yield controller
    controller.close()
    plotter.close()


def test_everything_loads_in_a_few_composite_actors(scene, manifest):
    assert scene.problems == []
    assert set(scene.structure_ids) == {s.id for s in manifest}
    # One composite actor per layer, the muscles' coarse copies split into a few zones, and a
    # small actor per layer for its highlighted structures: a dozen actors for hundreds of
    # structures.
    actors = scene.plotter.renderer.actors
    # (layers, coarse zones, lit groups, and the outline of the treated muscles)
    assert len(actors) == 4 + len(partition([s for s in manifest if s.layer == "muscles"], "coarse")) + 4 + 1 <= 15
    composite = [a for a in actors.values() if a.mapper.IsA("vtkCompositePolyDataMapper")]
    assert len(composite) == len(actors) - 1  # all but the outline's lines


def test_a_switch_touches_only_the_draw_groups_whose_structures_change(scene, manifest):
    """VTK rebuilds all of a composite actor's buffers, hidden blocks included, when any of its
    blocks changes: a switch from a forearm target to a heel target must leave every layer's
    full surfaces alone (the targets are drawn by the small lit actor) and the coarse copies
    of the trunk, neck and thigh too."""
    by_id = {s.id: s for s in manifest}
    forearm, heel = "extensor_carpi_radialis_brevis_right", "abductor_hallucis_right"
    assert {forearm, heel} <= set(scene.structure_ids)
    scene.apply(plan_for(manifest, highlights={forearm: "local"}), render=False)
    mappers = dict(scene.blocks.mappers)
    stamps = {g: (m.GetMTime(), m.GetCompositeDataDisplayAttributes().GetMTime()) for g, m in mappers.items()}
    scene.apply(plan_for(manifest, highlights={heel: "local"}), render=False)
    changed = {g for g, m in mappers.items() if (m.GetMTime(), m.GetCompositeDataDisplayAttributes().GetMTime()) != stamps[g]}
    assert changed == {"muscles:lit", draw_group(by_id[forearm], "coarse"), draw_group(by_id[heel], "coarse")}
    untouched = [g for g in scene.blocks.mappers if g.endswith(":coarse") and g not in changed]
    assert len(untouched) >= 4  # most of the body's faint context is not rebuilt
    # The same plan again touches nothing at all.
    stamps = {g: (m.GetMTime(), m.GetCompositeDataDisplayAttributes().GetMTime()) for g, m in mappers.items()}
    scene.apply(plan_for(manifest, highlights={heel: "local"}), render=False)
    assert all((m.GetMTime(), m.GetCompositeDataDisplayAttributes().GetMTime()) == stamps[g] for g, m in mappers.items())


@pytest.mark.parametrize("view", ["anterior", "posterior", "left", "right", "superior"])
def test_each_view_shows_bone_and_muscle(scene, view):
    scene.apply(plan_for(scene.manifest))
    scene.set_view(view)
    frac = colour_fractions(scene.screenshot())
    assert frac["bone"] > 0.005, frac
    assert frac["muscle"] > 0.01, frac
    assert frac["background"] > 0.3, frac


def test_highlight_changes_block_colours_without_new_geometry(scene):
    actors_before = set(scene.plotter.renderer.actors)
    target = "extensor_carpi_radialis_brevis_right"
    scene.apply(plan_for(scene.manifest, highlights={target: "local"}))
    colour, opacity, visible = scene.block_style(target)
    assert np.allclose(colour, DEFAULT_PALETTE.local, atol=1e-3) and opacity == 1.0 and visible
    _, dim, _ = scene.block_style("femur_right")
    assert dim < 1.0
    assert set(scene.plotter.renderer.actors) == actors_before


def test_faint_context_is_drawn_from_coarse_copies_and_targets_in_full(scene, manifest):
    target = "extensor_carpi_radialis_brevis_right"
    context = "biceps_femoris_long_head_right" if "biceps_femoris_long_head_right" in scene.structure_ids else None
    context = context or next(s.id for s in manifest if s.layer == "muscles" and s.id != target
                              and s.triangles >= 300)
    plan = plan_for(manifest, highlights={target: "local"})
    _close_up(scene, context)
    scene.apply(plan)
    assert not scene.uses_coarse(target)
    assert scene.uses_coarse(context)
    # The coarse copy carries the context style; the full surface is hidden meanwhile.
    colour, opacity, visible = scene.block_style(context)
    assert visible and opacity == plan.styles[context].opacity <= 0.25
    assert np.allclose(colour, plan.styles[context].color)
    layer, idx = scene.blocks.blocks[context]
    assert not scene.blocks.mappers[layer].block_attr[idx].visible
    # Back to the plain scene: everything in full detail again.
    scene.apply(plan_for(manifest))
    assert not scene.uses_coarse(context)
    assert scene.block_style(context)[1:] == (1.0, True)
    # A hidden structure is drawn by neither copy.
    scene.apply(plan_for(manifest, highlights={target: "local"}, hidden=frozenset({context})))
    assert not scene.block_style(context)[2]
    coarse_group, coarse_idx = scene.blocks.coarse_blocks[context]
    assert not scene.blocks.mappers[coarse_group].block_attr[coarse_idx].visible
    scene.apply(plan_for(manifest))


def test_a_moving_camera_draws_coarse_copies_and_rest_restores_the_full_surfaces(scene, manifest):
    target = "extensor_carpi_radialis_brevis_right"
    plan = plan_for(manifest, highlights={target: "local"}, hidden=frozenset({"gluteus_maximus_right"}))
    _close_up(scene, "brachioradialis_right")
    scene.apply(plan)
    with_copies = [sid for sid in scene.structure_ids if sid in scene.blocks.coarse_blocks]
    assert target in with_copies
    before = {sid: scene.block_style(sid) for sid in with_copies}
    scene.set_moving(True)
    assert scene.moving
    shown = [sid for sid in with_copies if before[sid][2] and sid != target]
    assert shown and all(scene.uses_coarse(sid) for sid in shown)
    assert not scene.uses_coarse(target)  # the highlighted muscle keeps its detail as the model turns
    # Same colours, opacities and visibility; only the surface drawing them changed.
    assert {sid: scene.block_style(sid) for sid in with_copies} == before
    assert not scene.block_style("gluteus_maximus_right")[2]
    scene.set_moving(False)
    assert not scene.uses_coarse(target)
    assert {sid: scene.block_style(sid) for sid in with_copies} == before
    scene.apply(plan_for(manifest))


def _close_up(scene, structure_id):
    """Turn the camera onto one structure, filling the view (then render, as a frame would)."""
    scene.frame(scene.structure_points([structure_id]), (0.0, -1.0, 0.0), margin=1.1, render=True)


def test_a_whole_body_view_draws_unhighlighted_muscles_coarse_and_a_close_up_in_full(scene, manifest):
    """Where a coarse copy's error is at most a pixel or two (a whole-body view), unhighlighted
    muscles are drawn from it at rest; close up, the full surfaces return. Highlighted
    muscles always keep their detail; styles never change with the detail."""
    target = "extensor_carpi_radialis_brevis_right"
    with_copies = [sid for sid in scene.structure_ids if sid in scene.blocks.coarse_blocks]
    scene.apply(plan_for(manifest, highlights={target: "local"}), render=False)
    scene.apply(plan_for(manifest), render=False)
    scene.set_view("anterior", render=True)
    body = scene.bounds()
    # A whole-body view: about the body's height over the view's height in pixels.
    metres_per_pixel = scene.pixel_size(np.array([[0.0, 0.0, 1.0]]))[0]
    assert (body[5] - body[4]) / 480 < metres_per_pixel < 3.0 * (body[5] - body[4]) / 480
    before = {sid: scene.block_style(sid) for sid in with_copies}
    far = [sid for sid in with_copies if scene.uses_coarse(sid)]
    assert len(far) >= 0.9 * len(with_copies)
    scene.apply(plan_for(manifest, highlights={target: "local", "brachioradialis_right": "local"}), render=True)
    assert not scene.uses_coarse(target) and not scene.uses_coarse("brachioradialis_right")
    scene.apply(plan_for(manifest), render=True)
    assert {sid: scene.block_style(sid) for sid in with_copies} == before  # same colours, opacity, visibility
    _close_up(scene, "brachioradialis_right")
    assert not scene.uses_coarse("brachioradialis_right")
    assert scene.pixel_size(np.array([[0.0, 0.0, 1.0]]))[0] < metres_per_pixel / 3
    scene.set_view("anterior", render=True)
    assert scene.uses_coarse("brachioradialis_right")


def test_highlighted_muscle_shows_its_colour_where_it_projects(scene, manifest):
    """Pixel probe: the highlighted right ECRB is drawn in the local colour on the right forearm."""
    target = "extensor_carpi_radialis_brevis_right"
    scene.apply(plan_for(manifest, highlights={target: "local"}))
    scene.set_view("right")
    img = scene.screenshot().astype(int)
    want = np.array(DEFAULT_PALETTE.local) * 255
    # Orange: strong red, mid green, little blue (shading scales all three).
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    orange = (r > 120) & (g > 0.45 * r) & (g < 0.85 * r) & (b < 0.35 * r)
    assert orange.sum() > 30, want
    ys, xs = np.nonzero(orange)
    h = img.shape[0]
    assert 0.3 * h < ys.mean() < 0.75 * h  # forearm height, not head or feet
    scene.apply(plan_for(manifest))


def test_missing_and_corrupt_meshes_are_listed_and_the_rest_shows(tmp_path, manifest):
    src = manifest.directory
    dst = tmp_path / "meshes"
    shutil.copytree(src, dst)
    (dst / manifest["femur_left"].file).unlink()
    (dst / manifest["skull"].file).write_bytes(b"not a mesh")
    broken = load_manifest(dst / "manifest.json")
    plotter = offscreen_plotter((320, 240))
    try:
        controller = SceneController(plotter, broken)
        text = "\n".join(str(p) for p in controller.problems)
        assert "femur_left" in text and "missing" in text
        assert "skull" in text and "corrupt" in text
        assert len(controller.structure_ids) == len(manifest) - 2
        assert colour_fractions(controller.screenshot())["muscle"] > 0.01
    finally:
        plotter.close()


def test_manifest_on_disk_unchanged(manifest):
    # The controller must never write to the bundled data.
    doc = json.loads((manifest.directory / "manifest.json").read_text())
    assert len(doc["structures"]) == len(manifest.every())  # drawn layers and organs on request


def test_every_target_gets_a_label_and_no_two_labels_overlap(scene, manifest):
    """A crowded picture (sciatica, both sides: buttock, hamstring and calf targets close
    together) keeps every name: none is dropped, none covers another, each sits beside its
    marker on the side away from the midline."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for
    from ims_atlas.scene.plan import label_groups

    catalog = load_catalog(None, manifest)
    picture = picture_for(ViewState(condition_id="sciatica", side="both"), manifest, catalog)
    scene.show(picture)
    # Framed from behind, where the crowd is (its first view, from the front, frames the
    # shins' tibialis anterior alone).
    (behind,) = [v for v in picture.views if v.name == "posterior"]
    scene.set_camera_pose(scene.view_frame_pose(picture, behind), render=False)
    scene.screenshot()  # a frame: the labels are laid out before each one
    labels = scene.labels
    wanted = label_groups(picture.markers)
    assert len(wanted) >= 20
    assert len(labels.boxes) == len(wanted)
    assert all(a[2] > 20 and a[3] > 8 for a in labels.boxes)  # real text boxes
    _assert_apart(labels.boxes)
    midline = manifest.midline_x
    for marker, box in zip(wanted, labels.boxes, strict=True):
        x, _ = scene.project(marker.position)
        mirror_x, _ = scene.project((2 * midline - marker.position[0], *marker.position[1:]))
        if abs(x - mirror_x) > 5:
            # On the side away from the midline: the box starts beyond the marker, or ends before it.
            assert (box[0] >= x) if x > mirror_x else (box[0] + box[2] <= x)
    scene.apply(plan_for(manifest))
    assert labels.boxes == [] and not scene.marker_props


def test_a_surface_too_small_to_decimate_is_drawn_from_its_zone_actor_near_and_far(scene, manifest):
    """A small muscle (a cervical multifidus level, a paraspinal target) is its own coarse
    copy: drawn from its zone's actor close up and far away, so neither zooming nor a switch
    that lights it or puts it back touches the muscles' full actor."""
    small = "multifidus_c6_right"
    assert next(s for s in manifest if s.id == small).triangles < 300
    scene.apply(plan_for(manifest), render=False)
    _close_up(scene, small)
    assert scene.uses_coarse(small)
    scene.set_view("posterior", render=True)
    assert scene.uses_coarse(small)
    full = scene.blocks.mappers["muscles"]
    scene.apply(plan_for(manifest, highlights={small: "paraspinal"}), render=False)
    assert scene.blocks.drawn_block(small)[0] == "muscles:lit"
    scene.apply(plan_for(manifest, highlights={"multifidus_c7_right": "paraspinal"}), render=False)
    assert scene.uses_coarse(small)
    # The plain scene's first highlight hides the other muscles' full surfaces (they turn to
    # faint context); from then on the full actor is left alone.
    stamp = (full.GetMTime(), full.GetCompositeDataDisplayAttributes().GetMTime())
    scene.apply(plan_for(manifest, highlights={small: "paraspinal"}), render=False)
    assert (full.GetMTime(), full.GetCompositeDataDisplayAttributes().GetMTime()) == stamp
    scene.apply(plan_for(manifest), render=False)


def test_two_views_split_the_window_each_with_its_own_camera_and_labels(scene, manifest):
    """Issue 16: a plan whose local and spine targets face apart is shown in two viewports side
    by side; each frames its own targets (projected inside its half) and labels only them."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    picture = picture_for(ViewState(condition_id="knee_pain", side="right"), manifest, catalog)
    assert len(picture.views) == 2
    try:
        scene.show_views(picture, picture.views)
        assert scene.split
        scene.screenshot()
        width, height = scene.plotter.window_size
        for second, view in ((False, picture.views[0]), (True, picture.views[1])):
            for m in picture.markers:
                if not any(k in view.targets for k in m.key.split("+")):
                    continue
                x, y = scene.project(m.position, second=second)
                lo, hi = (width / 2, width) if second else (0, width / 2)
                assert lo - 1 <= x <= hi + 1 and 0 <= y <= height, (m.label, view.name, x, y)
        assert scene.labels.boxes and scene.second_labels.boxes
        left = {t.GetInput().strip() for t in scene.labels.props[1:]}
        right = {t.GetInput().strip() for t in scene.second_labels.props[1:]}
        assert left and right and not left & right
        # A click in the right half picks through the right viewport's camera.
        m = next(m for m in picture.markers if m.role == "paraspinal")
        x, y = scene.project(m.position, second=True)
        assert scene.pick(x, y) is not None
    finally:
        scene.unsplit()
    assert not scene.split and scene.second_labels is None


def test_one_medial_view_in_the_window_hides_the_other_limb(scene, manifest):
    """Issue 16: the window's "local" view of pes anserine pain (sartorius, gracilis and
    semitendinosus at the inner knee) is seen from the inner side; the other leg stands between
    the camera and the targets, so it is not drawn (as in the export); the view with both halves
    keeps it (its spine view needs the whole back). (Knee pain was the case until its quadriceps
    were laid on the front of the femur: they are seen from the front now.)"""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    picture = picture_for(ViewState(condition_id="pes_anserine_pain", side="right"), manifest, catalog)
    medial = picture.view("local")
    assert medial is not None and medial.name == "medial-right"
    left_leg = [s.id for s in manifest if s.side == "left" and s.region in ("thigh", "leg") and s.id in scene.structure_ids]
    assert left_leg
    scene.show_views(picture, (medial,))
    assert not any(scene.block_style(sid)[2] for sid in left_leg), "the other leg is drawn in the medial view"
    scene.show_views(picture, picture.views)
    try:
        assert all(scene.block_style(sid)[2] for sid in left_leg)
    finally:
        scene.unsplit()


def _shown_split(scene, manifest, **state):
    """A picture of ``state`` (a ViewState's fields) that has two views, shown split and drawn."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    picture = picture_for(ViewState(**state), manifest, load_catalog(None, manifest))
    assert len(picture.views) == 2
    scene.show_views(picture, picture.views)
    scene.screenshot()
    return picture


def _assert_apart(boxes, where="") -> None:
    """No two label boxes (x, y, w, h) overlap."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            separate = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
            assert separate, (where, a, b)


def _marker_points(scene, picture, view, second: bool):
    from ims_atlas.scene.picture import picture_in_view

    shown = picture_in_view(picture, view, scene.manifest)
    return [scene.project(m.position, second=second) for m in shown.markers]


def test_labels_in_a_narrow_viewport_cover_no_marker(scene, manifest):
    """Issue 16: in the split window each viewport is half as wide; the tennis-elbow forearm's
    four epicentres lie within a few pixels there. No label may sit over a marker (its own or
    a neighbour's) nor over another label: a label moves past the markers level with it, to
    the other side where its own has no room, or onto two lines."""
    from ims_atlas.scene.label_spread import MARKER_CLEAR_PX

    try:
        picture = _shown_split(scene, manifest, condition_id="tennis_elbow", side="right")
        for second, labels in ((False, scene.labels), (True, scene.second_labels)):
            view = picture.views[1 if second else 0]
            marks = _marker_points(scene, picture, view, second)
            assert labels.boxes
            for box in labels.boxes:
                x, y, w, h = box
                for mx, my in marks:
                    inside = x - MARKER_CLEAR_PX / 2 < mx < x + w + MARKER_CLEAR_PX / 2 and \
                        y - MARKER_CLEAR_PX / 2 < my < y + h + MARKER_CLEAR_PX / 2
                    assert not inside, f"{view.name}: a label {box} covers the marker at {(mx, my)}"
            _assert_apart(labels.boxes, view.name)
    finally:
        scene.unsplit()


def _nearest_depth(scene, cam) -> float:
    """The depth (along the camera's view) of the nearest corner of everything drawn."""
    b = scene.bounds()
    corners = np.array([[x, y, z] for x in b[0:2] for y in b[2:4] for z in b[4:6]])
    return float(((corners - np.array(cam.GetPosition())) @ np.array(cam.GetDirectionOfProjection())).min())


def test_a_medial_view_beside_another_cuts_the_far_limb_away_in_its_own_viewport_only(scene, manifest):
    """Issue 16: "both" shows pes anserine pain's medial view beside the view from behind; the
    other leg stands between the medial camera and the targets. Its viewport's near plane sits at
    the midline (the far limb is not drawn there); the view from behind draws the whole body."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    picture = picture_for(ViewState(condition_id="pes_anserine_pain", side="right"), manifest, catalog)
    names = [v.name for v in picture.views]
    assert names[0].startswith("medial-") and not names[1].startswith("medial-")
    try:
        scene.show_views(picture, picture.views)
        scene.screenshot()
        medial, behind = scene.far_clips
        assert medial.active and not behind.active
        cam = scene.plotter.renderer.GetActiveCamera()
        position = np.array(cam.GetPosition())
        looking = np.array(cam.GetDirectionOfProjection())
        to_midline = (manifest.midline_x - position[0]) / looking[0]  # the frame's left is +X
        near, far = cam.GetClippingRange()
        assert to_midline > 0.2 and near >= to_midline - 0.02, (near, to_midline)
        # The left thigh (the far limb) lies between the camera and the near plane.
        left_thigh = next(s for s in manifest if s.side == "left" and "vastus_medialis" in s.id)
        centre = np.array(scene.blocks.meshes[left_thigh.id].center)
        assert float((centre - position) @ looking) < near
        assert _nearest_depth(scene, cam) < near  # something is cut away
        # The view from behind cuts nothing: its near plane is in front of the whole body.
        second = scene.second_renderer.GetActiveCamera()
        assert second.GetClippingRange()[0] <= _nearest_depth(scene, second) + 1e-6
        # Turned away from the medial side, the whole body is drawn again.
        scene.set_view("anterior", render=True)
        cam = scene.plotter.renderer.GetActiveCamera()
        assert cam.GetClippingRange()[0] <= _nearest_depth(scene, cam) + 1e-6
    finally:
        scene.unsplit()
    assert scene.far_clips == ()


def test_treated_muscles_are_outlined_from_their_coarse_copies(scene, manifest):
    """The outline of a treated muscle is drawn (dark lines where it projects) and is computed
    from the muscle's coarse copy, not its full surface (half the silhouette filter's memory)."""
    target = "extensor_carpi_radialis_brevis_right"
    scene.apply(plan_for(manifest, highlights={target: "local"}))
    scene.set_view("right")
    scene.screenshot()
    outline = scene._outline
    assert outline.count == 1 and outline.actor.GetVisibility()
    lines = outline.actor.GetMapper().GetInput()
    assert lines.GetNumberOfLines() > 20
    source = outline._append.GetInput(0)
    full = scene.blocks.meshes[target]
    assert 0 < source.GetNumberOfCells() < 0.5 * full.n_cells
    # The outline lies on the muscle: every line point is within the muscle's box.
    points = np.array([lines.GetPoint(i) for i in range(lines.GetNumberOfPoints())])
    lo, hi = np.array(full.bounds[::2]), np.array(full.bounds[1::2])
    assert np.all(points >= lo - 0.005) and np.all(points <= hi + 0.005)
    scene.apply(plan_for(manifest))
    scene.screenshot()
    assert not outline.actor.GetVisibility()


def test_each_viewport_says_what_it_shows(scene, manifest):
    """Issue 16: in "both" each viewport has a caption naming its targets and the side it is
    seen from, as the export's panels do ("Muscles to treat, from the inner side"); it is drawn
    at the top of its own half (a light card, probed in the picture), the labels keep clear of
    it, and one view has one caption; a picture without views (exploring) has none.
    """
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    picture = picture_for(ViewState(condition_id="knee_pain", side="right"), manifest, catalog)
    assert len(picture.views) == 2
    try:
        scene.show_views(picture, picture.views)
        img = scene.screenshot()
        width, height = scene.plotter.window_size
        captions = scene.captions
        assert [c.text for c in captions] == [v.caption_for(study=False) for v in picture.views]
        assert captions[0].text != captions[1].text
        for i, (caption, labels) in enumerate(zip(captions, (scene.labels, scene.second_labels), strict=True)):
            x, y, w, h = caption.box()
            lo, hi = (width / 2, width) if i else (0, width / 2)
            assert lo <= x and x + w <= hi, f"caption {caption.text!r} leaves its half: {x, w}"
            assert y + h >= height - 40, f"caption {caption.text!r} is not at the top: {y, h}"
            # Drawn: the card's light pixels fill the caption's box in the picture (y down).
            rows = img[int(height - y - h) + 3:int(height - y) - 3, int(x) + 3:int(x + w) - 3, :3]
            assert rows.size and (rows.min(axis=-1) > 170).mean() > 0.5, f"no caption card drawn for {caption.text!r}"
            for bx, by, bw, bh in labels.boxes:
                clear = bx + bw <= x or x + w <= bx or by + bh <= y or y + h <= by
                assert clear, f"a label {bx, by, bw, bh} covers the caption {caption.text!r}"
        scene.show_views(picture, picture.views[:1])
        assert [c.text for c in scene.captions] == [picture.views[0].caption_for(study=False)]
        scene.show(picture, frame=False)
        assert scene.captions == ()
    finally:
        scene.unsplit()


def test_danger_zone_depth_tags_keep_clear_of_the_markers_and_labels(scene, manifest):
    """Issue 16: in thoracic pain the pleura's depth tag ("3.0 cm") sat on the rhomboid minor
    marker. In the window the tags are laid out with the targets' labels: each beside its
    point with a leader, covering no marker and no other label.
    """
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.hazard_layer import HazardLayer
    from ims_atlas.scene.label_spread import MARKER_CLEAR_PX
    from ims_atlas.scene.picture import picture_for
    from ims_atlas.study.danger_zones import danger_report
    from ims_atlas.study.dermatomes import load_painted_skin

    catalog = load_catalog(None, manifest)
    picture = picture_for(ViewState(condition_id="thoracic_pain", side="right"), manifest, catalog)
    report = danger_report(treatment_plan(catalog, manifest, "thoracic_pain", "right"), manifest, load_painted_skin())
    layer = HazardLayer(scene.plotter, tags=scene.set_extra_labels)
    try:
        scene.show_views(picture, picture.views)
        layer.show(report, manifest)
        scene.screenshot()
        texts = [t.GetInput().strip() for t in scene.labels.props[1:]]
        tags = [i for i, t in enumerate(texts) if t.endswith(" cm")]
        assert tags, f"no depth tag among the labels: {texts}"
        boxes = scene.labels.boxes
        marks = [m for v in picture.views[:1] for m in _marker_points(scene, picture, v, False)]
        for i in tags:
            x, y, w, h = boxes[i]
            for mx, my in marks:
                inside = x - MARKER_CLEAR_PX / 2 < mx < x + w + MARKER_CLEAR_PX / 2 and \
                    y - MARKER_CLEAR_PX / 2 < my < y + h + MARKER_CLEAR_PX / 2
                assert not inside, f"the tag {texts[i]!r} {boxes[i]} covers the marker at {(mx, my)}"
            for j, b in enumerate(boxes):
                if j != i:
                    separate = x + w <= b[0] or b[0] + b[2] <= x or y + h <= b[1] or b[1] + b[3] <= y
                    assert separate, f"the tag {texts[i]!r} covers the label {texts[j]!r}"
        layer.hide()
        assert not any(t.GetInput().strip().endswith(" cm") for t in scene.labels.props[1:])
    finally:
        layer.hide(render=False)
        scene.unsplit()


def test_the_right_viewports_leaders_join_its_labels_to_their_markers(scene, manifest):
    """Issue 16, the split window: a 2D actor's points are in its own viewport's pixels, so the
    right half's leader lines, written in the window's pixels, were drawn half a window off to
    the right, out of sight, and its labels floated unjoined over the body (C8 from behind).
    Each leader must run from a marker of its view to the edge of its label, in its viewport;
    and the labels of the two sides of the body must not run into each other."""
    try:
        picture = _shown_split(scene, manifest, segment="C8", side="both")
        for second, labels in ((False, scene.labels), (True, scene.second_labels)):
            view = picture.views[1 if second else 0]
            renderer = labels._renderer
            ox, oy = renderer.GetOrigin()
            w, h = renderer.GetSize()
            marks = _marker_points(scene, picture, view, second)
            leaders = labels.props[0].GetMapper().GetInput()
            assert leaders.GetNumberOfLines() == len(labels.boxes) > 0
            for i, box in enumerate(labels.boxes):
                mx, my = (v + o for v, o in zip(leaders.GetPoint(2 * i)[:2], (ox, oy), strict=True))
                lx, ly = (v + o for v, o in zip(leaders.GetPoint(2 * i + 1)[:2], (ox, oy), strict=True))
                assert ox - 1 <= mx <= ox + w + 1 and oy - 1 <= my <= oy + h + 1, (view.name, i, mx, my)
                assert min(np.hypot(mx - x, my - y) for x, y in marks) < 1.0, (view.name, i, mx, my)
                bx, by, bw, bh = box
                assert min(abs(lx - bx), abs(lx - bx - bw)) < 1.0 and by - 1 <= ly <= by + bh + 1, (view.name, i)
            _assert_apart(labels.boxes, view.name)
    finally:
        scene.unsplit()


def test_a_segment_on_both_sides_names_each_muscle_once_in_each_viewport(scene, manifest):
    """Issue 16: the window follows the export. A segment on both sides lit and labelled every
    muscle on each side ("Biceps brachii (left)", "Biceps brachii (right)"): each is named
    once in each viewport ("... (both sides)"), the level too ("C6 both sides"), and both
    needle points beside the spine are still drawn."""
    import re

    try:
        picture = _shown_split(scene, manifest, segment="C6", side="both")
        shown = []
        for labels in (scene.labels, scene.second_labels):
            texts = [" ".join(t.split()) for t in labels.texts]
            assert texts and len(labels.boxes) == len(texts)
            names = [re.sub(r"\s*\((both sides|left|right)\)$", "", t) for t in texts]
            assert len(names) == len(set(names)), f"named twice in one viewport: {texts}"
            assert not [t for t in texts if t.endswith(("(left)", "(right)"))], texts
            shown += texts
        assert "C6 both sides" in shown
        assert sum(t.endswith("(both sides)") for t in shown) >= 10
        cubes = [m for m in picture.markers if m.role == "paraspinal"]
        assert sorted(m.key for m in cubes) == ["paraspinal:C6:left", "paraspinal:C6:right"]
    finally:
        scene.unsplit()


def test_back_to_one_view_keeps_the_scenes_buffers_and_the_next_split_draws_the_same(scene, manifest):
    """Unsplitting used to take the right viewport apart: VTK released the GPU buffers of every
    layer actor it shared with the left one (each next frame copied the whole scene again) and
    the next split made new renderers. Now the viewport is parked: no layer actor is touched,
    the parked renderers draw nothing, and the next split draws the same picture as the first."""
    _shown_split(scene, manifest, condition_id="knee_pain", side="right")
    try:
        first = scene.screenshot()
        second = scene.second_renderer
        mappers = dict(scene.blocks.mappers)
        stamps = {g: m.GetMTime() for g, m in mappers.items()}
        frames = [0]
        tag = second.AddObserver("StartEvent", lambda *_: frames.__setitem__(0, frames[0] + 1))
        scene.unsplit()
        scene.screenshot()
        assert {g for g, m in mappers.items() if m.GetMTime() != stamps[g]} == set()  # nothing released
        assert frames[0] == 0  # the parked viewport does not draw
        layer_actors = {id(a) for a in scene.plotter.renderer.GetActors()}
        assert not any(id(a) in layer_actors for a in second.GetActors())  # nor keeps them alive
        assert scene.plotter.renderer.GetViewport() == (0.0, 0.0, 1.0, 1.0)
        _shown_split(scene, manifest, condition_id="knee_pain", side="right")
        assert scene.second_renderer is second and frames[0] > 0
        second.RemoveObserver(tag)
        again = scene.screenshot()
        assert again.shape == first.shape
        assert np.count_nonzero(np.any(again != first, axis=2)) == 0
    finally:
        scene.unsplit()


def test_a_split_switch_casts_rays_once_per_picture_and_view_and_each_viewport_marks_its_own_targets(
        scene, manifest, monkeypatch):
    """Split, each viewport draws its view as the export's panel does: the arm a view from the
    side leaves out, a treated muscle over another's needle point see-through. Those take ray
    tests (most of a switch's Python, 2-30 ms a view); the window makes its picture anew at each
    switch, so they are kept by what they depend on: the first switch to a picture casts them,
    a switch back to it (a new but equal picture) casts none, in one viewport or two; a picture
    that draws other structures opaque is asked about afresh. Only the markers of a view are
    marked in its viewport (those of picture_in_view)."""
    from ims_atlas.anatomy.body_meshes import BodyMeshes
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for, picture_in_view, view_markers

    catalog = load_catalog(None, manifest)
    states = [ViewState(condition_id=c, side=side) for c, side in
              (("knee_pain", "right"), ("tennis_elbow", "left"), ("sciatica", "both"), ("hip_pain", "right"))]
    for picture in (picture_for(state, manifest, catalog) for state in states):
        for view in picture.views:
            assert view_markers(picture, view) == picture_in_view(picture, view, manifest).markers
    rays = []
    real = BodyMeshes.crossings_along
    monkeypatch.setattr(BodyMeshes, "crossings_along", lambda self, *a, **k: rays.append(1) or real(self, *a, **k))
    scene._looks.clear()  # the module's scene may have shown these pictures in another test
    try:
        for state in states:
            picture = picture_for(state, manifest, catalog)
            assert len(picture.views) == 2
            scene.show_views(picture, picture.views, render=False)
            assert scene.split
            assert scene.marker_props  # each viewport marks its targets
        assert rays, "no ray test: nothing is made see-through in a split view"
        for _ in range(2):
            rays.clear()
            for state in states:
                picture = picture_for(state, manifest, catalog)  # made anew, as the window does
                scene.show_views(picture, picture.views, render=False)
            assert rays == [], f"{len(rays)} rays cast switching back to pictures shown before"
        picture = picture_for(states[0], manifest, catalog)
        scene.show_views(picture, picture.views[:1], render=False)  # one view: another camera
        assert rays
        rays.clear()
        scene.show_views(picture_for(states[0], manifest, catalog), picture.views[:1], render=False)
        assert rays == []
        # A see-through muscle hidden: what is opaque over the points changed, asked afresh.
        clear = _see_through_in(scene, picture, second=False)
        assert clear
        rays.clear()
        fewer = picture_for(ViewState(condition_id="knee_pain", side="right", hidden=frozenset(clear)), manifest,
                            catalog)
        scene.show_views(fewer, picture.views[:1], render=False)
        assert rays and not _see_through_in(scene, fewer, second=False) & clear
    finally:
        scene.unsplit()


def _see_through_in(scene, picture, second: bool) -> set[str]:
    """The structures a viewport draws see-through that the picture draws opaque."""
    out = set()
    for sid, style in picture.highlight.styles.items():
        if sid in scene.blocks.blocks and style.visible and style.opacity >= 0.9:
            _, opacity, shown = scene.viewport_style(sid, second=second)
            if shown and opacity < 0.9:
                out.add(sid)
    return out


def _see_through_of(picture, shown) -> set[str]:
    """The structures ``shown`` (a picture as a view draws it) draws see-through, opaque in ``picture``."""
    return {sid for sid, style in shown.highlight.styles.items()
            if style.visible and style.opacity < 0.9 <= picture.highlight.styles[sid].opacity}


def test_a_treated_muscle_over_another_s_point_is_see_through_in_its_own_viewport_as_in_the_export(scene, manifest):
    """Issue 16 (s11-viewport left it): hip pain on the right, split. The export's panel from the
    side draws gluteus medius see-through, for gluteus minimus's epicentre lies behind it; the
    split window drew it solid, and the "Gluteus minimus" label pointed at gluteus medius's
    surface. Now the side viewport draws each muscle the export's side panel makes see-through
    at that panel's opacity, the viewport from behind as the panel from behind draws it; and,
    pixel probe (markers hidden), at the covered epicentre the muscle behind shows: hiding it
    changes the pixels there (it did not: gluteus medius hid it)."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.image_export import ImageOptions, render_image
    from ims_atlas.export.render import OffscreenScene
    from ims_atlas.scene.picture import body_for, covering, picture_for, picture_in_view

    catalog = load_catalog(None, manifest)
    state = ViewState(condition_id="hip_pain", side="right")
    with OffscreenScene(manifest, (960, 540)) as off:
        result = render_image(manifest, catalog, state, ImageOptions(size=(960, 540)), off)
    panels = {p.view.name: p for p in result.panels}
    hidden_markers = []
    try:
        picture = _shown_split(scene, manifest, condition_id="hip_pain", side="right")
        side, behind = picture.views
        assert side.name == "lateral-right" and set(panels) == {side.name, behind.name}
        clear = _see_through_of(result.picture, panels[side.name].shown)
        assert "gluteus_medius_right" in clear
        assert _see_through_in(scene, picture, second=False) == clear
        assert _see_through_in(scene, picture, second=True) == _see_through_of(result.picture, panels[behind.name].shown)
        for sid in clear:
            for second, name in ((False, side.name), (True, behind.name)):
                colour, opacity, shown = scene.viewport_style(sid, second=second)
                want = panels[name].shown.highlight.styles[sid]
                assert shown and np.isclose(opacity, want.opacity) and np.allclose(colour, want.color), (sid, name)
        # The epicentre gluteus medius lies over, from the side viewport's camera.
        body = body_for(manifest)
        eye = scene.plotter.renderer.GetActiveCamera().GetPosition()
        covered = [m for m in picture_in_view(picture, side, manifest, eye=eye).markers
                   if "gluteus_medius_right" in covering(picture, side, body, markers=[m], eye=eye)]
        assert covered, "gluteus medius lies over no epicentre from the side"
        marker = covered[0]
        behind_it = {sid for t in picture.targets if t.key in marker.key.split("+") for sid in t.structures}

        def frame():
            for prop in scene.marker_props:
                if prop.GetVisibility():
                    prop.SetVisibility(False)
                    hidden_markers.append(prop)
            return scene.screenshot()

        with_it = frame()
        without = picture_for(ViewState(condition_id="hip_pain", side="right", hidden=frozenset(behind_it)), manifest,
                              catalog)
        scene.show_views(without, without.views, frame=False)
        assert _see_through_in(scene, without, second=False) >= {"gluteus_medius_right"}
        without_it = frame()
        x, y = scene.project(marker.position)
        height = with_it.shape[0]
        rows, cols = np.mgrid[0:height, 0:with_it.shape[1] // 2]
        disc = np.hypot(cols - x, rows - (height - 1 - y)) <= 4
        changed = np.any(with_it[:, : with_it.shape[1] // 2] != without_it[:, : with_it.shape[1] // 2], axis=2)[disc]
        assert changed.mean() > 0.9, (f"{marker.label}: {changed.mean():.0%} of the pixels at its epicentre change "
                                      f"when its muscle is hidden (drawn behind an opaque muscle)")
    finally:
        for prop in hidden_markers:
            prop.SetVisibility(True)
        scene.unsplit()


def test_each_viewport_draws_see_through_what_its_view_s_export_panel_does(scene, manifest, catalog):
    """Issue 16: in every condition on the right with two views (22 of 24 have a treated muscle
    over another's point in one view), each viewport of the split window draws see-through
    exactly the structures the export's panel of its view does by the panel's own rule
    (picture_in_view, from the camera: here the viewport's), and the other viewport draws them as
    its own view does."""
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for, picture_in_view

    seen = 0
    try:
        for condition in catalog.conditions:
            picture = picture_for(ViewState(condition_id=condition.id, side="right"), manifest, catalog)
            if len(picture.views) != 2:
                continue
            scene.show_views(picture, picture.views, render=False)
            for second, view in ((False, picture.views[0]), (True, picture.views[1])):
                renderer = scene.second_renderer if second else scene.plotter.renderer
                eye = renderer.GetActiveCamera().GetPosition()
                want = _see_through_of(picture, picture_in_view(picture, view, manifest, eye=eye))
                got = _see_through_in(scene, picture, second)
                assert got == want, (condition.id, view.name, sorted(got), sorted(want))
                seen += bool(want)
        assert seen >= 10, f"only {seen} viewports draw anything see-through"
    finally:
        scene.unsplit()


def test_the_bodys_geometry_comes_from_the_loaded_surfaces_with_the_files_own_values(scene, manifest, monkeypatch):
    """The ray tests and the views' framing (scene.picture) used to read each structure's mesh
    file again on its first use in a switch; they take the scene's loaded surfaces now, and
    those are exactly the files' vertices and triangles (float32 in the files), so every ray
    test and every framing gives the same answer."""
    from ims_atlas.anatomy import body_meshes
    from ims_atlas.anatomy.body_meshes import BodyMeshes
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import body_for, picture_for

    picture = picture_for(ViewState(condition_id="knee_pain", side="right"), manifest, load_catalog(None, manifest))
    scene.show_views(picture, picture.views[:1], render=False)
    body = body_for(manifest)
    assert body.reader is not None  # the scene lends its surfaces to the body it shows pictures with
    from_files = BodyMeshes(manifest)
    in_memory = BodyMeshes(manifest)
    in_memory.reader = body.reader
    reads = []
    real = body_meshes.read_mesh
    monkeypatch.setattr(body_meshes, "read_mesh", lambda *a, **k: reads.append(a) or real(*a, **k))
    for s in manifest:
        got = in_memory.surface(s.id)
        assert got is not None, s.id
        assert got.points.dtype == np.float64 and got.faces.dtype == np.int32
        assert not reads, f"{s.id}: read from its file"
        want = from_files.surface(s.id)
        assert np.array_equal(got.points, want.points), s.id
        assert np.array_equal(got.faces, want.faces), s.id
        assert np.array_equal(got.lo, want.lo) and np.array_equal(got.hi, want.hi), s.id
        reads.clear()


def test_the_split_window_leaves_the_hanging_arm_out_of_the_side_viewport_only(scene, manifest):
    """Issue 16 (s10-hip): hip pain on the right is seen from the right side without the forearm
    and hand that hang beside the hip, as its export's panel draws it; the view from behind
    beside it draws that arm. The two viewports share their actors, and the side viewport drew
    the arm over gluteus minimus and TFL. Pixel probe: the side viewport is, pixel for pixel,
    the picture with the arm hidden; the view from behind differs from it where the arm is.
    Picking follows what each viewport draws; the single views and a cleared plan as before."""
    from ims_atlas.anatomy.facing import free_upper_limb
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    limb = sorted(free_upper_limb(manifest, "right") & set(scene.structure_ids))
    assert len(limb) > 20  # bones, muscles and nerves of the arm, forearm and hand
    forearm = [sid for sid in ("radius_right", "ulna_right") if sid in limb]
    assert forearm
    try:
        picture = _shown_split(scene, manifest, condition_id="hip_pain", side="right")
        assert [v.name for v in picture.views] == ["lateral-right", "posterior"]
        frame = scene.screenshot()
        no_arm = picture_for(ViewState(condition_id="hip_pain", side="right", hidden=frozenset(limb)),
                             manifest, catalog)
        scene.show_views(no_arm, no_arm.views)
        reference = scene.screenshot()
        half = frame.shape[1] // 2
        side_diff = np.count_nonzero(np.any(frame[:, :half] != reference[:, :half], axis=2))
        assert side_diff == 0, f"the side viewport draws the arm ({side_diff} pixels differ from it hidden)"
        behind = np.any(frame[:, half:] != reference[:, half:], axis=2)
        assert np.count_nonzero(behind) > 2000, "the view from behind does not draw the arm"
        # ... where the forearm projects (display y is up; the image's rows go down).
        height = frame.shape[0]
        rows, cols = np.nonzero(behind)
        for sid in forearm:
            x, y = scene.project(scene.blocks.meshes[sid].center, second=True)
            near = np.hypot(cols + half - x, rows - (height - 1 - y)) < 30
            assert near.any(), f"{sid}: nothing drawn differently at its place from behind"

        scene.show_views(picture, picture.views)
        scene.screenshot()
        assert not any(scene.viewport_style(sid)[2] for sid in limb)  # the side viewport
        assert all(scene.viewport_style(sid, second=True)[2] for sid in limb)  # from behind
        for sid in limb:  # in the picture's colours
            colour, opacity, _ = scene.viewport_style(sid, second=True)
            style = picture.highlight.styles[sid]
            assert np.allclose(colour, style.color) and np.isclose(opacity, style.opacity), sid
        # Picking: the forearm from behind is picked there; at its place from the side, not.
        x, y = scene.project(scene.blocks.meshes[forearm[0]].center, second=True)
        assert scene.pick(x, y) in limb
        x, y = scene.project(scene.blocks.meshes[forearm[0]].center)
        assert scene.pick(x, y) not in limb

        # A selected forearm muscle is lit in the view from behind, in the plan's colour.
        muscle = next(sid for sid in limb if scene.blocks.layer_of[sid] == "muscles")
        chosen = picture_for(ViewState(condition_id="hip_pain", side="right", selection=muscle), manifest, catalog)
        scene.show_views(chosen, chosen.views, frame=False)
        colour, opacity, shown = scene.viewport_style(muscle, second=True)
        assert shown and np.allclose(colour, chosen.highlight.styles[muscle].color) and opacity > 0.9
        assert not scene.viewport_style(muscle)[2]

        # One view at a time, as the window's "Local" and "Spine": without the arm from the
        # side, with it from behind; back to both, and the plan cleared: the arm everywhere.
        scene.show_views(picture, picture.views[:1])
        assert not any(scene.block_style(sid)[2] for sid in limb)
        scene.show_views(picture, picture.views[1:])
        assert all(scene.block_style(sid)[2] for sid in limb)
        scene.show_views(picture, picture.views)
        # Beyond the arm, each viewport draws by itself only what one of them draws see-through.
        clear = _see_through_in(scene, picture, second=False) ^ _see_through_in(scene, picture, second=True)
        assert clear and scene.own_structures(second=True) == frozenset(limb) | clear
        assert scene.own_structures() == clear
        scene.unsplit()
        scene.show(picture_for(ViewState(), manifest, catalog))
        assert all(scene.block_style(sid)[2] for sid in limb)
        assert not scene.own_structures() and not scene.own_structures(second=True)
    finally:
        scene.unsplit()
