"""Annotated pictures rendered off screen: sizes, transparency, labels, colours, metadata."""

import io
import itertools

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.scene

pytest.importorskip("pyvista")

from ims_atlas import __version__  # noqa: E402
from ims_atlas.core.settings import Camera  # noqa: E402
from ims_atlas.core.state import ViewState  # noqa: E402
from ims_atlas.export.formats import ExportError  # noqa: E402
from ims_atlas.export.image_export import ImageOptions, export_image, render_image  # noqa: E402
from ims_atlas.export.label_layout import Box  # noqa: E402
from ims_atlas.export.render import OffscreenScene  # noqa: E402
from tests.conftest import colour_fractions  # noqa: E402
from tests.export.probes import highlight_fractions  # noqa: E402


@pytest.fixture(scope="module")
def scene(manifest):
    with OffscreenScene(manifest, (640, 480)) as s:
        yield s


@pytest.fixture(scope="module")
def tennis(manifest, catalog, scene):
    return render_image(manifest, catalog, ViewState(condition_id="tennis_elbow", side="right"),
                        ImageOptions(clinic_name="Harbour Physio"), scene)


def _labels_ok(result, size):
    boxes = [p.box for p in result.layout.placed]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    assert all(Box(0, 0, *size).contains(b) for b in boxes)


def test_slides_picture_is_full_hd_with_every_target_labelled(tennis, catalog):
    img = tennis.image
    assert img.size == (1920, 1080) and img.mode == "RGB"
    assert not tennis.unlabelled
    plan_targets = {t.muscle for t in catalog.condition("tennis_elbow").local_targets}
    labelled = {str(p.key).split(":")[1] for p in tennis.layout.placed if str(p.key).startswith("local:")}
    assert labelled == plan_targets
    segments = catalog.condition("tennis_elbow").root_segments.segments  # C5-C8 since issue 17 (ED is C7-C8)
    assert {str(p.key) for p in tennis.layout.placed if str(p.key).startswith("paraspinal:")} == {
        f"paraspinal:{seg}:right" for seg in segments}
    assert "C8" in segments
    _labels_ok(tennis, img.size)


def test_picture_shows_anatomy_and_both_highlight_colours(tennis):
    px = np.asarray(tennis.image)
    frac = highlight_fractions(px)
    assert frac["local"] > 0.004, frac
    assert frac["paraspinal"] > 0.0005, frac
    assert colour_fractions(px)["bone"] > 0.01


def test_png_carries_metadata_and_reads_back(tennis, catalog):
    back = Image.open(io.BytesIO(tennis.png))
    assert back.size == (1920, 1080)
    text = back.text
    assert text["Condition"] == "Tennis elbow" and text["Side"] == "right"
    assert text["Segments"] == ", ".join(catalog.condition("tennis_elbow").root_segments.segments)
    assert text["Catalog-Version"] == catalog.catalog_version
    assert text["App-Version"] == __version__ and text["Author"] == "Harbour Physio"


def test_png_credits_the_anatomy_in_its_metadata(tennis, manifest):
    """The anatomy's credit (package, version, model, licence, and the structures authored
    here) is in the PNG's text, as it is on the picture's small line."""
    from ims_atlas.anatomy.credit import anatomy_credit_long

    src = manifest.source
    credit = Image.open(io.BytesIO(tennis.png)).text["Anatomy-Credit"]
    assert credit == anatomy_credit_long(manifest) == tennis.metadata["Anatomy-Credit"]
    assert credit.startswith(f"{src['package']} {src['version']} ({src['model']}), {src['licence']}")
    assert "authored for IMS Atlas" in credit


def test_custom_size_and_a_given_camera(manifest, catalog, scene):
    camera = Camera((0.0, -3.2, 1.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))  # the whole body from the front
    result = render_image(manifest, catalog, ViewState(condition_id="tennis_elbow", side="left"),
                          ImageOptions(size=(800, 600), camera=camera), scene)
    assert result.image.size == (800, 600)
    assert tuple(scene.plotter.camera.position) == pytest.approx(camera.position)
    _labels_ok(result, (800, 600))
    assert highlight_fractions(np.asarray(result.image))["local"] > 0.001


def test_a4_transparent_picture(manifest, catalog, scene):
    result = render_image(manifest, catalog, ViewState(condition_id="sciatica", side="both"),
                          ImageOptions(size=(2480, 3508), transparent=True), scene)
    img = result.image
    assert img.size == (2480, 3508) and img.mode == "RGBA"
    alpha = np.asarray(img)[..., 3]
    for y, x in ((2, 2), (2, -3), (-3, 2), (-3, -3)):
        assert alpha[y, x] == 0, "corners must be transparent"
    assert (alpha == 0).mean() > 0.2  # the background is see-through
    opaque = np.asarray(img)[alpha > 200]
    assert highlight_fractions(opaque[None, ...])["local"] > 0.002
    assert Image.open(io.BytesIO(result.png)).info.get("dpi", (0, 0))[0] == pytest.approx(300, abs=1)
    _labels_ok(result, img.size)
    # The next, opaque picture has its background back.
    again = render_image(manifest, catalog, ViewState(), ImageOptions(size=(480, 360)), scene)
    assert again.image.mode == "RGB" and colour_fractions(np.asarray(again.image))["background"] > 0.2


def test_label_points_are_where_vtk_draws_them(manifest, catalog, scene, tennis):
    """The projector agrees with VTK's own world-to-display transform."""
    from ims_atlas.export.annotations import annotation_for, export_state
    from ims_atlas.scene.picture import picture_for

    state = ViewState(condition_id="tennis_elbow", side="right")
    picture = picture_for(export_state(state), manifest, catalog)
    points = [m.position for m in picture.markers]
    scene.resize((900, 700))
    scene.plotter.camera.position, scene.plotter.camera.focal_point = (0.4, 1.6, 1.4), (-0.1, 0.1, 1.2)
    frame = scene.render(picture)
    xy, visible = frame.projector.project(points)
    renderer = scene.plotter.renderer
    for (x, y), v, p in zip(xy, visible, points, strict=True):
        renderer.SetWorldPoint(*p, 1.0)
        renderer.WorldToDisplay()
        dx, dy, _ = renderer.GetDisplayPoint()
        assert v
        assert x == pytest.approx(dx, abs=1.0) and y == pytest.approx(700 - dy, abs=1.0)
    assert annotation_for(picture, state, catalog, manifest).targets


def test_unknown_condition_and_bad_size_are_refused(manifest, catalog, scene, tmp_path):
    with pytest.raises(ExportError, match="not in the catalog"):
        render_image(manifest, catalog, ViewState(condition_id="no_such_thing"), ImageOptions(), scene)
    with pytest.raises(ExportError, match="out of range"):
        render_image(manifest, catalog, ViewState(), ImageOptions(size=(10, 10)), scene)
    with pytest.raises(ExportError, match=r"\.pdf.*must be a \.png"):
        export_image(tmp_path / "a.pdf", manifest, catalog, ViewState(), ImageOptions(), scene=scene)
    assert list(tmp_path.iterdir()) == []


def test_segment_picture_labels_its_muscles(manifest, catalog, scene):
    result = render_image(manifest, catalog, ViewState(segment="C6", side="both"), ImageOptions(size=(1280, 720)), scene)
    keys = {str(p.key) for p in result.layout.placed}
    assert any(k.startswith("paraspinal:C6") for k in keys)
    assert any(k.startswith("local:") for k in keys)
    assert result.metadata["Segment"] == "C6"
    _labels_ok(result, (1280, 720))


def test_targets_are_framed_inside_the_view_box_not_under_the_title(manifest, catalog, scene):
    """The camera is aimed (and shifted) so every target lands in the part of the picture that
    the title, legend and label columns leave free."""
    from ims_atlas.export.annotations import annotation_for, export_state
    from ims_atlas.export.compose import plan_regions, style_for
    from ims_atlas.export.pictures import Shot, extent_aspect, take
    from ims_atlas.scene.picture import picture_for

    for size, state in (((1920, 1080), ViewState(condition_id="tennis_elbow", side="right")),
                        ((1000, 1400), ViewState(condition_id="sciatica", side="both"))):
        picture = picture_for(export_state(state), manifest, catalog)
        annotation = annotation_for(picture, state, catalog, manifest)
        style = style_for(size)
        points = scene.frame_points_of(picture, picture.frame_ids)
        regions = plan_regions(size, style, annotation, "Clinic", "IMS Atlas",
                               content_aspect=extent_aspect(points, picture.direction))
        shot = take(scene, picture, annotation, size, style, Shot(), clinic="Clinic", footer_line="IMS Atlas")
        assert shot.image.size == size
        anchors = [p.anchor for p in shot.layout.placed]
        assert anchors and not shot.layout.dropped
        view = regions.view
        for x, y in anchors:
            assert view.x - 2 <= x <= view.right + 2 and view.y - 2 <= y <= view.bottom + 2, ((x, y), view)


def test_unpremultiply_restores_colours():
    from ims_atlas.export.render import unpremultiply

    px = np.array([[[100, 50, 0, 128], [0, 0, 0, 0], [230, 159, 0, 255]]], dtype=np.uint8)
    out = unpremultiply(px)
    assert out[0, 0].tolist() == [199, 100, 0, 128]
    assert out[0, 1].tolist() == [0, 0, 0, 0]
    assert out[0, 2].tolist() == [230, 159, 0, 255]


def test_a_frame_planned_and_drawn_later_is_the_frame_rendered_then_and_leaves_the_scene_as_it_was(manifest,
                                                                                                     catalog):
    # A panel's layout trials are planned (OffscreenScene.draft) and only the one kept is
    # rendered, after other trials moved the camera, resized the scene and drew other pictures.
    from ims_atlas.scene.picture import picture_for

    picture = picture_for(ViewState(segment="C7", side="both", labels=False), manifest, catalog)
    other = picture_for(ViewState(segment="C6", side="both", labels=False), manifest, catalog)
    with OffscreenScene(manifest, (320, 240)) as s:
        s.aim(s.frame_points_of(picture), picture.direction, Box(0, 0, 320, 240))
        s.controller.set_marker_scale(2.0)
        now = s.render(picture)
        s.controller.set_marker_scale(2.0)
        draft = s.draft(picture)
        s.controller.set_marker_scale(1.0)
        assert not draft.drawn and s.frames_rendered == 1  # planned: nothing rendered
        assert draft.projector == now.projector  # where the points fall: as the render has them
        # Other trials: another size, camera, marker scale and picture.
        s.resize((200, 150))
        s.remap(1.5, (-40.0, -30.0))
        s.draft(other)
        state = s.plotter.camera.GetClippingRange(), s.plotter.camera.GetWindowCenter(), s.size
        later = s.render(other).image
        assert np.array_equal(draft.image, now.image)  # drawn now: the frame as it was planned
        assert draft.drawn and s.frames_rendered == 3
        # ... and the scene is put back: camera, size and what it draws.
        assert (s.plotter.camera.GetClippingRange(), s.plotter.camera.GetWindowCenter(), s.size) == state
        assert np.array_equal(s.render(other).image, later)
        assert np.array_equal(draft.image, now.image)  # drawn once
        assert s.frames_rendered == 4
