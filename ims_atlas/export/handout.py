"""Patient handout export (PDF): pictures rendered off screen, words from the catalog, A4
large print, at most two pages, written atomically; and, on request, the clinician sheet (a
second PDF with the references and the clinician-level safety text). The patient's name goes
into the handout and nowhere else.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ims_atlas.anatomy.credit import anatomy_credit_long
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.plan import undrawn_muscles
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
from ims_atlas.core.safe_file import read_regular, reason_of
from ims_atlas.core.settings import Clinic
from ims_atlas.core.state import ViewState
from ims_atlas.export.annotations import Annotation, annotation_for, export_state
from ims_atlas.export.compose import Style, measure_label
from ims_atlas.export.formats import ExportError, check_output
from ims_atlas.export.handout_content import HandoutContent, and_list, handout_content, picture_numbers
from ims_atlas.export.handout_pdf import (
    BODY_PT,
    CAPTION_PT,
    MAX_PATIENT_PAGES,
    ClinicHeader,
    HandoutPicture,
    clinician_sheet_pdf,
    handout_pdf,
    picture_print_sizes,
    unprintable,
)
from ims_atlas.export.image_export import check_state
from ims_atlas.export.pictures import Shot, extent_aspect, take
from ims_atlas.scene.palette import DEFAULT_PALETTE, hex_rgb
from ims_atlas.scene.picture import Picture, picture_for, picture_in_view
from ims_atlas.scene.target_views import VIEW_WORDS, TargetView

if TYPE_CHECKING:  # VTK is imported only when something is rendered
    from ims_atlas.export.render import OffscreenScene

#: Pixel size of the close-ups (printed some 60-110 mm wide: 370-680 dpi) and of the overview
#: (printed 50 mm wide beside the explanation).
PICTURE_SIZE = (1600, 900)
TALL_PICTURE_SIZE = (1600, 1450)  # for targets that stand tall (a whole leg)
OVERVIEW_SIZE = (800, 1200)
#: The longer side (pixels) of a picture rendered for a place on the page that has a shape of
#: its own (standing beside the words): printed 55-110 mm high, 370-740 dpi.
PLACED_LONG_SIDE = 1600
#: The pictures' labels are drawn for the size the page prints them at: at the body's size
#: (large print) where the labels have room, never smaller than the captions beside them.
#: The muscle picture is labelled with numbers, the list of muscles in the words with the same.
LABEL_PT = BODY_PT
LABEL_MIN_PT = CAPTION_PT
#: The width a picture is drawn for when the page leaves it out (it is kept for a preview).
UNPRINTED_HEIGHT_PT = 62 * 72 / 25.4
#: Printed pictures: the same highlight colours on a light background (saves ink, reads on paper).
PRINT_PALETTE = replace(DEFAULT_PALETTE, background_top=hex_rgb("#FFFFFF"), background_bottom=hex_rgb("#D9E0E8"))
#: Straight from behind and a little above: the spine upright in the middle.
BEHIND = (0.0, 1.0, 0.12)
MAX_LOGO_BYTES = 20_000_000
#: A logo's pixels at most (decoded, 4 bytes each: 100 MB).
MAX_LOGO_PIXELS = 25_000_000


@dataclass(frozen=True)
class HandoutOptions:
    """What goes on a handout besides the plan: the clinic, the patient's name, the date."""

    clinic: Clinic = Clinic()
    patient_name: str = ""
    date: datetime.date | None = None  # None: today
    overview: bool = True  # a third, whole-plan picture on the first page
    #: The examination findings for the clinician sheet (``study.assessment_views.sheet_view``
    #: data), or None. Like the patient's name, never written into an export job's files.
    assessment: dict | None = None


@dataclass(frozen=True)
class Handout:
    """A finished handout: the PDF bytes, its pictures and words, the clinician sheet's PDF
    bytes, and what to tell the user.
    """

    pdf: bytes
    pictures: tuple[Image.Image, ...]
    content: HandoutContent
    warnings: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()  # what makes the pictures incomplete or misplaced (exit status 3)
    clinician_pdf: bytes = b""
    #: For each picture, the size (pixels) of each of its labels' text as drawn.
    label_px: tuple[tuple[int, ...], ...] = ()
    #: How many of ``pictures`` (the first) are muscle pictures: two when the muscles face two
    #: ways, each seen from where its muscles face.
    muscle_pictures: int = 1


def read_logo(path: str) -> tuple[bytes | None, str | None]:
    """A clinic's logo as PNG bytes (at most 1200 pixels a side), or None and why not.

    Never raises: a missing, huge or broken logo is skipped with a message. The file is opened
    safely (a regular file of at most :data:`MAX_LOGO_BYTES`) and its pixel count is checked
    from its header before it is decoded (at most :data:`MAX_LOGO_PIXELS`).
    """
    if not (path or "").strip():
        return None, None
    p = Path(path).expanduser()
    skipped = "; the handout was made without it"
    try:
        raw = read_regular(p, MAX_LOGO_BYTES, what="logo")
    except FileNotFoundError:
        return None, f"logo {p} could not be read (file not found){skipped}"
    except OSError as exc:
        return None, f"logo {p} could not be read ({reason_of(exc)}){skipped}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # said in our words below
            with Image.open(io.BytesIO(raw)) as probe:
                width, height = probe.size
                if width * height > MAX_LOGO_PIXELS:
                    return None, (f"logo {p} is too large ({width}x{height} pixels; a logo has at most "
                                  f"{MAX_LOGO_PIXELS // 1_000_000} million){skipped}")
                probe.verify()
            with Image.open(io.BytesIO(raw)) as img:
                img.load()
                logo = img.convert("RGBA")
        logo.thumbnail((1200, 1200))
        out = io.BytesIO()
        logo.save(out, "PNG")
        return out.getvalue(), None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return None, f"logo {p} is too large (more than {MAX_LOGO_PIXELS // 1_000_000} million pixels){skipped}"
    except Exception as exc:  # noqa: BLE001 - any unreadable logo is skipped, never fatal
        reason = getattr(exc, "strerror", None) or str(exc)[:160] or type(exc).__name__
        return None, f"logo {p} could not be read ({reason}){skipped}"


def picture_size_for(points, direction) -> tuple[int, int]:
    """A wide picture for targets that spread sideways, a tall one for targets that stand
    tall (seen along ``direction``), so labels have room beside them either way.
    """
    return TALL_PICTURE_SIZE if standing_aspect(points, direction) is not None else PICTURE_SIZE


def standing_aspect(points, direction) -> float | None:
    """The shape (width / height) of a picture of targets that stand tall (seen along
    ``direction``: a whole leg) standing beside the words, or None for targets that do not:
    the targets' own shape with room for a column of labels either side (about 15 % of the
    height each), between 0.5 and 0.85.
    """
    aspect = extent_aspect(points, direction)
    if aspect is None or aspect >= 1 / 1.2:
        return None
    return min(max(aspect * 1.25 + 0.3, 0.5), 0.85)


def placed_size(width_pt: float, height_pt: float) -> tuple[int, int]:
    """The pixel size of a picture printed ``width_pt`` x ``height_pt`` points: its shape, the
    longer side :data:`PLACED_LONG_SIDE` pixels.
    """
    k = PLACED_LONG_SIDE / max(width_pt, height_pt)
    return max(int(round(width_pt * k)), 1), max(int(round(height_pt * k)), 1)


def seen_from(picture: Picture, direction=None) -> str:
    """Where a shot of ``picture`` along ``direction`` (focus -> eye; None: the picture's own)
    is seen from, for its caption ("from the front"), or "" when it looks in from an angle.

    The two close-ups may look from opposite sides (the muscles from the front, the spine from
    behind), so that the treated side lies left in one and right in the other: the captions
    say which is which.
    """
    own = direction is None
    direction = picture.direction if own else direction
    if direction is None:
        return ""
    if own and picture.views and picture.views[0].direction == direction and picture.views[0].name in VIEW_WORDS:
        return VIEW_WORDS[picture.views[0].name]  # its name knows an inner side from a left side
    d = np.asarray(direction, dtype=float)
    d = d / (np.linalg.norm(d) or 1.0)
    axis = int(np.argmax(np.abs(d)))
    if abs(d[axis]) < 0.8:
        return ""
    # The model frame: -Y is the front, +X the subject's left, +Z up.
    words = {(0, True): "from the left side", (0, False): "from the right side", (1, True): "from behind",
             (1, False): "from the front", (2, True): "from above", (2, False): "from below"}
    return words[(axis, bool(d[axis] > 0))]


def muscles_view(picture: Picture):
    """The view the handout's (first) muscle picture is taken from: the one of ``picture``'s
    views that shows most of its local targets (the first on a tie), or None without views.

    Sciatica's hamstrings, calf and buttock muscles are seen from behind (9 of 11), not
    through the body from the front, where only gluteus minimus and tibialis anterior are.
    """
    views = muscle_views(picture)
    return views[0][0] if views and views[0][0] is not None else None


#: A handout has at most this many muscle pictures (with the spine's and the overview).
MAX_MUSCLE_PICTURES = 2


def muscle_views(picture: Picture) -> tuple[tuple[TargetView | None, tuple[str, ...]], ...]:
    """The views the handout's muscle pictures are taken from, each with the keys of the local
    targets it numbers: one picture for each of ``picture``'s views that holds local targets
    (the one with most first, the first on a tie), at most :data:`MAX_MUSCLE_PICTURES`; a
    local target no such view holds goes on the first. Without views: one picture (None)
    with every local target.

    Knee pain's quadriceps face forward and its hamstrings, calf and buttock muscles back: two
    pictures, each numbering the muscles it sees (before, the quadriceps were numbered on the
    picture from behind).
    """
    local = [t.key for t in picture.targets if t.role == "local"]
    held = []
    for view in picture.views:
        shown = tuple(k for k in local if k in view.targets)
        if shown:
            held.append((view, shown))
    held.sort(key=lambda vk: -len(vk[1]))  # stable: the first view on a tie
    held = held[:MAX_MUSCLE_PICTURES]
    if not held:
        return ((None, tuple(local)),) if local else ()
    placed = {k for _, keys in held for k in keys}
    first_view, first_keys = held[0]
    held[0] = (first_view, first_keys + tuple(k for k in local if k not in placed))
    return tuple(held)


def in_picture(annotation: Annotation, keys) -> Annotation:
    """``annotation``'s labels of the targets with these ``keys`` (a merged marker's label when
    one of its targets is among them).
    """
    keys = set(keys)
    return replace(annotation, targets=tuple(t for t in annotation.targets if keys & set(t.key.split("+"))))


def view_picture(picture: Picture, view: TargetView, keys, manifest: Manifest) -> Picture:
    """``picture`` as a muscle picture from ``view`` draws it (:func:`picture_in_view`: the
    view's markers only, a muscle over one of them see-through), with the markers of the local
    targets ``keys`` holds that no view does.
    """
    seen = picture_in_view(picture, view, manifest)
    keys = set(keys)
    drawn = {m.key for m in seen.markers}
    extra = tuple(m for m in picture.markers if m.key not in drawn and keys & set(m.key.split("+")))
    return replace(seen, highlight=replace(seen.highlight, markers=seen.markers + extra)) if extra else seen


def _seen(words: str) -> str:
    return f", seen {words}" if words else ""


def print_style(size: tuple[int, int], width_pt: float, annotation: Annotation | None = None) -> Style:
    """The style of a handout picture of ``size`` pixels printed ``width_pt`` points wide: its
    labels at :data:`LABEL_PT`, shrinking where they crowd to :data:`LABEL_MIN_PT` and no
    smaller, on cards just wide enough for the widest of ``annotation``'s labels.
    """
    k = size[0] / width_pt  # pixels a point

    def px(pt: float) -> int:
        return max(int(round(pt * k)), 1)

    style = Style(title_px=px(18), subtitle_px=px(13), label_px=px(LABEL_PT), detail_px=px(LABEL_PT),
                  legend_px=px(11), small_px=px(9), margin=px(LABEL_PT * 0.25), pad=px(LABEL_PT * 0.12),
                  gap=px(LABEL_PT * 0.12), radius=px(LABEL_PT * 0.3), line=max(px(0.8), 2), gutter=0.2,
                  header=False, footer=False, details=False, min_label_px=math.ceil(LABEL_MIN_PT * k))
    if annotation is None or not annotation.targets:
        return style
    widest = max(measure_label(t, style, size[0], 1.0, False).size[0] for t in annotation.targets)
    return replace(style, gutter=min((widest + style.margin + 2) / size[0], 0.36))


def labels_height_pt(annotation: Annotation, aspect: float) -> float:
    """The least height (points) a picture of ``aspect`` (width / height) labelled with
    ``annotation`` can print at with every label at :data:`LABEL_MIN_PT`: half its labels,
    the taller half, stacked in one column.
    """
    if not annotation.targets:
        return 0.0
    k = 8.0  # any scale: the heights are measured in pixels and given back in points
    style = print_style((int(1000 * aspect), 1000), 1000 * aspect / k, annotation)
    small = replace(style, label_px=style.min_label_px)
    heights = sorted((measure_label(t, small, style.gutter * 1000 * aspect, 1.0, False).size[1]
                      for t in annotation.targets), reverse=True)
    half = heights[: math.ceil(len(heights) / 2)]
    return (sum(half) + style.gap * (len(half) - 1) + 2 * style.margin) / k


def numbered(annotation: Annotation, numbers: dict[str, int]) -> Annotation:
    """The muscle picture's labels as the numbers of the handout's list of muscles ("3"; "3, 5"
    where two markers were merged into one); a target without a number is not labelled.
    """
    targets = []
    for t in annotation.targets:
        ids = [key.split(":")[1] for key in t.key.split("+") if key.startswith("local:")]
        got = sorted({numbers[i] for i in ids if i in numbers})
        if got:
            targets.append(replace(t, title=", ".join(map(str, got)), detail=""))
    return replace(annotation, targets=tuple(targets))


def levels_only(annotation: Annotation) -> Annotation:
    """The spine picture's labels as the levels alone ("C5", "C4-C7"): the caption says they are
    nerve roots, and each label's leader shows its side.
    """
    def short(title: str) -> str:
        return re.sub(r" nerve roots?(, (left|right))?", "", title)

    return replace(annotation, targets=tuple(replace(t, title=short(t.title), detail="") for t in annotation.targets))


def build_handout(manifest: Manifest, catalog: Catalog, state: ViewState, options: HandoutOptions = HandoutOptions(),
                  scene: OffscreenScene | None = None) -> Handout:
    """Render the pictures and lay out the handout for ``state``'s condition; nothing is written.

    Raises
    ------
    ExportError
        If ``state`` has no condition, or one the catalog does not have.
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    if not state.condition_id:
        raise ExportError("a handout is made for a condition: pick one first")
    check_state(state, catalog)
    picture = picture_for(export_state(state), manifest, catalog, palette=PRINT_PALETTE)
    if picture.treatment is None:
        raise ExportError(f"no treatment plan for {state.condition_id!r}")
    content = handout_content(picture.treatment, catalog,
                              frozenset(m.id for m in undrawn_muscles(picture.treatment, manifest)))
    local_ids = tuple(sid for sid, role in picture.roles.items() if role == "local")
    spine_ids = tuple(sid for sid, role in picture.roles.items() if role in ("paraspinal", "root"))
    side = content.side_words
    own = scene is None
    if scene is None:
        from ims_atlas.export.render import OffscreenScene

        scene = OffscreenScene(manifest, PICTURE_SIZE, PRINT_PALETTE)
    clinic = options.clinic
    logo, problem = read_logo(clinic.logo)
    warnings = [problem] if problem else []
    missing = unprintable([clinic.name, clinic.contact, clinic.handout_note, options.patient_name, content.title,
                           content.lay_name, content.clinical_name, content.explanation])
    warnings += [missing] if missing else []
    header = ClinicHeader(clinic.name.strip(), clinic.contact, logo, clinic.handout_note)
    date_text = _date_text(options.date)
    credit = anatomy_credit_long(manifest, model=False)
    page = dict(clinic=header, patient_name=options.patient_name, date_text=date_text,
                catalog_version=catalog.catalog_version, credit=credit)
    try:
        numbers = picture_numbers(content.local)
        local_labels = annotation_for(picture, state, catalog, manifest, roles=("local",))
        views = muscle_views(picture) or ((None, ()),)
        # (how to frame it, what to draw, what to write on it, its size, its caption, numbered,
        # its shape standing beside the words or None)
        shots = []
        for view, keys in views:
            direction = view.direction if view is not None else picture.direction
            seen = (VIEW_WORDS.get(view.name, "") if view is not None else "") or seen_from(picture, direction)
            if len(views) > 1:  # each picture frames and numbers the muscles its view sees
                drawn = view_picture(picture, view, keys, manifest)
                ids = tuple(dict.fromkeys(sid for t in picture.targets if t.key in keys for sid in t.structures
                                          if picture.roles.get(sid) == "local"))
                labels = in_picture(local_labels, keys)
            else:
                drawn, ids, labels = picture, local_ids, local_labels
            points = scene.frame_points_of(drawn, ids, ("local",))
            muscles = numbered(labels, numbers)
            shots.append((Shot(frame_ids=ids, marker_roles=("local",), direction=direction, margin=1.1), drawn,
                          muscles, picture_size_for(points, direction),
                          f"Needle points in the muscles (orange dots), {side}{_seen(seen)}.", bool(muscles.targets),
                          standing_aspect(points, direction)))
        shots.append((Shot(frame_ids=spine_ids, marker_roles=("paraspinal",), direction=BEHIND, margin=1.7), picture,
                      levels_only(annotation_for(picture, state, catalog, manifest, roles=("paraspinal",))),
                      PICTURE_SIZE, f"Beside the spine (blue squares) for the {and_list(content.segments)} nerve roots"
                      f"{_seen(seen_from(picture, BEHIND))}; spinal levels in yellow.", False, None))
        if options.overview:
            shots.append((Shot(margin=1.04), picture, annotation_for(picture, state, catalog, manifest, roles=()),
                          OVERVIEW_SIZE, f"The whole plan{_seen(seen_from(picture))}.", False, None))
        # Laid out first as blank pictures of their sizes (the page holds a picture by its
        # aspect, or beside the words by the shape it takes there), then each is rendered for
        # the size and shape it prints at, its labels at print size.
        blanks = []
        for i, (_, _, annotation, size, caption, numbers, beside) in enumerate(shots):
            need = max(labels_height_pt(annotation, a) for a in (size[0] / size[1], beside or size[0] / size[1]))
            blanks.append(HandoutPicture(Image.new("RGB", size), caption, need, numbers, beside_aspect=beside,
                                         more_muscles=0 < i < len(views)))
        blanks = tuple(blanks)
        printed = picture_print_sizes(content, blanks, **page)
        pictures = []
        for (shot, drawn, annotation, size, *_), blank, at in zip(shots, blanks, printed, strict=True):
            if at is not None and abs(at[0] / at[1] - size[0] / size[1]) > 0.01:
                size = placed_size(*at)  # a place of its own shape: rendered in that shape
            width_pt = at[0] if at is not None else UNPRINTED_HEIGHT_PT * size[0] / size[1]
            shot_taken = take(scene, drawn, annotation, size, print_style(size, width_pt, annotation), shot)
            pictures.append(replace(blank, image=shot_taken.image, label_px=shot_taken.layout.text_px))
        pictures = tuple(pictures)
        if all(at is None for at in printed):
            warnings.append("the handout has no room for any picture: its words alone fill the pages")
        wrong = scene.wrong_in(picture)
    finally:
        if own:
            scene.close()
    left_out: list[str] = []
    pdf = handout_pdf(content, pictures, **page, laid_out_as=blanks, left_out=left_out)
    if left_out:
        # Said, not silent: the clinic's note stays in its settings, the muscles on the sheet.
        warnings.append(f"the handout has no room on {MAX_PATIENT_PAGES} pages for {and_list(left_out)}")
    sheet = clinician_sheet_pdf(content, replace(header, note=""), date_text, catalog.catalog_version,
                                assessment=options.assessment, credit=credit)
    return Handout(pdf, tuple(p.image for p in pictures), content, tuple(warnings + wrong), tuple(wrong), sheet,
                   tuple(p.label_px for p in pictures), len(views))


def _date_text(day: datetime.date | None) -> str:
    day = day or datetime.date.today()
    return f"{day.day} {day.strftime('%B %Y')}"


def export_assessment_sheet(path: Path, assessment: dict, clinic: Clinic | None = None, catalog_version: str = "",
                            force: bool = False, date: datetime.date | None = None) -> tuple[str, ...]:
    """Write a clinician sheet holding only the examination findings and the ranked segments
    (``study.assessment_views.sheet_view`` data) to ``path``, atomically; returns the warnings
    (a logo that could not be read).

    Raises
    ------
    ExportError
        If ``path`` is not a ``.pdf`` file that can be written (or exists and ``force`` is
        false), or the write fails.
    """
    path = Path(path)
    if check_output(path, force=force) != "pdf":
        raise ExportError(f"{path}: a clinician sheet must be a .pdf file")
    clinic = clinic or Clinic()
    logo, problem = read_logo(clinic.logo)
    header = ClinicHeader(clinic.name.strip(), clinic.contact, logo, "")
    pdf = clinician_sheet_pdf(None, header, _date_text(date), catalog_version, assessment=assessment)
    try:
        atomic_write_bytes(path, pdf, force=force)
    except WriteError as exc:
        raise ExportError(str(exc)) from None
    return (problem,) if problem else ()


def clinician_sheet_path(path: Path) -> Path:
    """Where the clinician sheet for a handout goes: ``x.pdf`` -> ``x-clinician.pdf``."""
    path = Path(path)
    return path.with_name(f"{path.stem}-clinician{path.suffix or '.pdf'}")


def export_handout(path: Path, manifest: Manifest, catalog: Catalog, state: ViewState,
                   options: HandoutOptions = HandoutOptions(), force: bool = False,
                   scene: OffscreenScene | None = None, clinician_sheet: Path | None = None) -> Handout:
    """Check ``path`` (and ``clinician_sheet``), make the handout and write it atomically;
    with ``clinician_sheet``, write the clinician sheet there too.

    Raises
    ------
    ExportError
        Before any rendering, if ``path`` or ``clinician_sheet`` is not a ``.pdf`` file that
        can be written (or it exists and ``force`` is false), they are the same file, or
        ``state`` has no condition; after, if a write fails.
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    path = Path(path)
    if check_output(path, force=force) != "pdf":
        raise ExportError(f"{path}: a handout must be a .pdf file")
    if clinician_sheet is not None:
        clinician_sheet = Path(clinician_sheet)
        if clinician_sheet.resolve() == path.resolve():
            raise ExportError(f"{clinician_sheet}: the clinician sheet needs a file of its own")
        if check_output(clinician_sheet, force=force) != "pdf":
            raise ExportError(f"{clinician_sheet}: a clinician sheet must be a .pdf file")
    handout = build_handout(manifest, catalog, state, options, scene)
    try:
        atomic_write_bytes(path, handout.pdf, force=force)
        if clinician_sheet is not None:
            atomic_write_bytes(clinician_sheet, handout.clinician_pdf, force=force)
    except WriteError as exc:
        raise ExportError(str(exc)) from None
    return handout
