"""Annotated picture export (PNG): the state's picture, off screen, with title, labels, legend
and the clinic's name, written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from ims_atlas.anatomy.credit import anatomy_credit, anatomy_credit_long
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
from ims_atlas.core.plain_text import one_line
from ims_atlas.core.settings import Camera
from ims_atlas.core.state import ViewState
from ims_atlas.export.annotations import Annotation, LegendItem, annotation_for, export_state, merged_legend
from ims_atlas.export.compose import style_for
from ims_atlas.export.formats import PRESETS, ExportError, check_output, check_size
from ims_atlas.export.label_layout import LabelLayout
from ims_atlas.export.panels import plan_views
from ims_atlas.export.pictures import Shot, app_line, take
from ims_atlas.export.png_file import png_bytes, png_metadata
from ims_atlas.export.twins import join_namesakes, untie_by_sides
from ims_atlas.scene.picture import picture_for

if TYPE_CHECKING:  # VTK is imported only when something is rendered
    from ims_atlas.export.render import OffscreenScene


@dataclass(frozen=True)
class ImageOptions:
    """How to export a picture.

    ``camera``: the window's current view, used as is; None frames the targets (or, with
    nothing highlighted, the whole body from ``state.view``).
    """

    size: tuple[int, int] = PRESETS["slides"]
    transparent: bool = False
    clinic_name: str = ""
    camera: Camera | None = None


@dataclass(frozen=True)
class ImageResult:
    """An exported picture: the PNG bytes, the picture (RGBA if transparent, else RGB), its
    metadata, where its labels went, and what to report (targets left unlabelled, meshes
    that did not load).
    """

    png: bytes
    image: Image.Image
    metadata: dict[str, str]
    layout: LabelLayout
    unlabelled: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()  # what makes the picture incomplete or misplaced (exit status 3)
    panels: tuple = ()  # export.panels.Panel: where each view went (empty for a fixed camera)
    header: object = None  # the title's box (export.label_layout.Box), if any
    footer: object = None  # the legend's box, if any
    picture: object = None  # the scene.picture.Picture drawn


@dataclass(frozen=True)
class _Laid:
    """A picture and its panels as laid out (:func:`~ims_atlas.export.twins.untie_by_sides`)."""

    picture: object
    result: object

    @property
    def panels(self):
        return self.result.panels

    @property
    def layout(self):
        return self.result.layout


def check_state(state: ViewState, catalog: Catalog | None) -> None:
    """Raise :class:`ExportError` if ``state`` names a condition the catalog does not have."""
    if state.condition_id and (catalog is None or not catalog.has_condition(state.condition_id)):
        raise ExportError(f"condition {state.condition_id!r} is not in the catalog")


def found_structure(state: ViewState, manifest: Manifest) -> str | None:
    """The structure a picture of ``state`` shows alone (a bone, a nerve, an organ or a vessel
    found by name, or clicked, with neither a condition nor a segment shown): its id, drawn or on
    request; None otherwise.
    """
    if not state.selection or state.condition_id or state.segment:
        return None
    try:
        return manifest.requested(state.selection).id
    except KeyError:
        return None


def render_image(manifest: Manifest, catalog: Catalog | None, state: ViewState, options: ImageOptions = ImageOptions(),
                 scene: OffscreenScene | None = None, legend: tuple[LegendItem, ...] = ()) -> ImageResult:
    """Render and annotate the picture of ``state``; nothing is written.

    Parameters
    ----------
    manifest, catalog
        The anatomy and the clinical catalog.
    state
        What to show: a condition and side, a segment, or a selection.
    options
        Size, transparency, clinic name, camera.
    scene
        An off-screen scene to reuse (one is made and closed otherwise).
    legend
        Entries for what the caller drew on ``scene`` besides the plan (the skin with a
        dermatome, referred-pain zones), added to the plan's legend.

    Raises
    ------
    ExportError
        For a size out of range or a condition the catalog does not have.
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    try:
        size = check_size(options.size)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    check_state(state, catalog)
    own = scene is None
    if scene is None:
        from ims_atlas.export.render import OffscreenScene

        scene = OffscreenScene(manifest, size)
    found = found_structure(state, manifest)
    on_request = found if found is not None and found in {s.id for s in manifest.on_request} else None
    organ = None
    try:
        # An organ or a vessel found by name is drawn lit and the rest fades round it, as in the window.
        picture = picture_for(export_state(state), manifest, catalog, draws_on_request=on_request is not None)
        unread: tuple[str, ...] = ()
        if on_request is not None:
            from ims_atlas.scene.organ_layer import FoundOrgan

            organ = FoundOrgan(scene.plotter)
            if not organ.show(manifest, on_request, scene.palette.local, render=False):
                unread = (f"{manifest.requested(on_request).name}: its mesh could not be read",)

        def words_for(drawn) -> Annotation:
            words = annotation_for(drawn, state, catalog, manifest)
            return replace(words, legend=merged_legend(words.legend, tuple(legend))) if legend else words

        annotation = words_for(picture)
        line = app_line(catalog.catalog_version if catalog is not None else "", anatomy_credit(manifest))
        if options.camera is None and picture.views:
            def lay_out(named_by=None) -> _Laid:
                drawn = picture if named_by is None else picture_for(export_state(state), manifest, catalog,
                                                                     named_by=named_by)
                return _Laid(drawn, plan_views(scene, drawn, annotation if named_by is None else words_for(drawn), size,
                                               style_for(size), options.transparent, options.clinic_name.strip(), line))

            laid = lay_out()
            if picture.named_by:
                points = {t.key: t.point for t in picture.targets}
                # A muscle named apart from its namesake in an inset (a gemellus): beside it.
                names, laid = join_namesakes(picture.named_by, laid, lay_out, points)
                # A knot of three leaders left: a muscle of it named on its other side instead.
                _, laid = untie_by_sides(names, laid, lay_out, points)
            # Only the layout kept is rendered and drawn (each layout is planned first:
            # OffscreenScene.draft).
            picture, result = laid.picture, laid.result.draw()
        else:
            shot = Shot(camera=options.camera, fallback_view=state.view)
            if found is not None and options.camera is None:
                from ims_atlas.scene.found_structure import structure_frame
                from ims_atlas.scene.picture import body_for

                # Framed as the window frames a structure found by name: its box, from its view.
                frame = structure_frame(manifest, body_for(manifest), [found], state.side)
                if frame is not None:
                    shot = Shot(direction=frame.view.direction, up=frame.view.up,
                                points=tuple(tuple(map(float, p)) for p in frame.points))
            result = take(scene, picture, annotation, size, style_for(size), shot, options.transparent,
                          options.clinic_name.strip(), line)
        problems = tuple(str(p) for p in scene.problems)
        wrong = tuple(scene.wrong_in(picture)) + unread
    finally:
        if organ is not None:
            organ.hide(render=False)
        if own:
            scene.close()
    meta = png_metadata(state, picture, catalog, one_line(options.clinic_name), anatomy_credit_long(manifest),
                        manifest.requested(found) if found is not None else None)
    dpi = 300 if size == PRESETS["a4"] else None
    image = result.image if options.transparent else result.image.convert("RGB")
    return ImageResult(png_bytes(image, meta, dpi), image, meta, result.layout,
                       tuple(map(str, result.layout.dropped)), problems, wrong, getattr(result, "panels", ()),
                       getattr(result, "header", None), getattr(result, "footer", None), picture)


def export_image(path: Path, manifest: Manifest, catalog: Catalog | None, state: ViewState,
                 options: ImageOptions = ImageOptions(), force: bool = False,
                 scene: OffscreenScene | None = None, legend: tuple[LegendItem, ...] = ()) -> ImageResult:
    """Check ``path``, render the picture and write it atomically.

    Raises
    ------
    ExportError
        Before any rendering, if ``path`` is not a ``.png`` file that can be written (or it
        exists and ``force`` is false); after rendering, if the write fails.
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    path = Path(path)
    if check_output(path, force=force) != "png":
        raise ExportError(f"{path}: a picture export must be a .png file")
    result = render_image(manifest, catalog, state, options, scene, legend)
    try:
        atomic_write_bytes(path, result.png, force=force)
    except WriteError as exc:
        raise ExportError(str(exc)) from None
    return result
