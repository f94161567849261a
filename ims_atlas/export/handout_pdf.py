"""Lay out a patient handout as an A4 PDF with ReportLab, and the optional clinician sheet.

The handout is at most two pages in large print (body 13 pt): the clinic's header, what the
condition is, where the needles go and why (with pictures), what to expect, what to tell the
practitioner first and when to get help, with the clinic's details. It carries no reference
numbers and no clinician-level text: when the words and pictures would run over two pages,
the layout gives way step by step (smaller pictures, then fewer, the muscle list run on, a
tall muscle picture standing beside the words instead of in a row, at last the list of
muscles cut short), never the print size, nor the pictures' labels' (a picture is never
printed lower than its labels need at :data:`CAPTION_PT`), nor the muscle pictures (one, or
two when the muscles face two ways: the list of muscles is cut short first). The clinician sheet holds the rest: nerves and roots, the
safety notes, contraindications and red flags in clinical words, the evidence and the
references.

The patient's name, when given, is printed once near the top of the first page and goes
nowhere else: not into the PDF's metadata, not into any log, not into the clinician sheet.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape as xml_escape

from PIL import Image

from ims_atlas import __version__
from ims_atlas.core.plain_text import (
    MAX_CLINIC_NAME,
    MAX_CONTACT_LINE,
    MAX_CONTACT_LINES,
    MAX_HANDOUT_NOTE,
    MAX_PATIENT_NAME,
    cut,
    one_line,
)
from ims_atlas.export.fonts import font_file
from ims_atlas.export.handout_content import (
    Cited,
    HandoutContent,
    TargetLine,
    and_list,
    picture_numbers,
    spine_words,
)
from ims_atlas.export.handout_flow import beside, boxed_rows, heading_kept_with, picture_box, side_by_side
from ims_atlas.export.pdf_text import pdf_safe

BODY_PT = 13.0
#: The captions' size, the smallest text written for the patient (the page foot is smaller).
CAPTION_PT = 11.0
#: The patient's pages never run longer than this.
MAX_PATIENT_PAGES = 2
MARGIN_MM = 15.0
INK = "#1C2028"
ACCENT = "#1B2A3A"
SOFT = "#555B66"


#: The fonts the handout being laid out is set in (their characters are the ones drawn).
_FONTS: ContextVar[tuple[str, ...]] = ContextVar("handout_fonts", default=("Helvetica",))


def escape(text: str) -> str:
    """``text`` for a ReportLab paragraph: every character drawable in the handout's fonts (a
    visible mark for those it lacks), then XML-escaped.
    """
    return xml_escape(pdf_safe(text, _FONTS.get()))


@dataclass(frozen=True)
class HandoutPicture:
    """A picture for the handout, with its caption.

    ``min_height``: the least height (points) it may print at, so that its labels keep their
    print size (:func:`ims_atlas.export.handout.print_style`); a layout that would print it
    lower is not used. ``numbered``: its labels are the numbers of the list of muscles, which
    the words then number to match. ``label_px``: the size its labels' text was drawn at.
    """

    image: Image.Image
    caption: str
    min_height: float = 0.0
    numbered: bool = False
    #: The size (pixels) of each of its labels' text, as drawn.
    label_px: tuple[int, ...] = ()
    #: Its shape (width / height) standing beside the words it illustrates, or None when it
    #: is only printed in a row: a tall picture (a whole leg) prints larger there than in a
    #: row, for the same room on the page.
    beside_aspect: float | None = None
    #: A second muscle picture (second in the list): the muscles the first does not show,
    #: seen from where they face. It is printed wherever the first is, in the row.
    more_muscles: bool = False


@dataclass(frozen=True)
class _Parts:
    """The handout's pictures by what they show: the muscles (one picture, or two seen from
    different sides), the spine, the whole plan.
    """

    muscles: tuple[HandoutPicture, ...]
    spine: HandoutPicture | None
    overview: HandoutPicture | None


def _parts(pictures) -> _Parts:
    """``pictures`` (the muscles' one or two, the spine's, the overview, in that order) by part."""
    pics = list(pictures)
    n = min(len(pics), 2 if len(pics) > 1 and pics[1].more_muscles else 1)
    rest = pics[n:]
    return _Parts(tuple(pics[:n]), rest[0] if rest else None, rest[1] if len(rest) > 1 else None)


@dataclass(frozen=True)
class ClinicHeader:
    """What the clinic prints at the top."""

    name: str = ""
    contact: str = ""
    logo: bytes | None = None  # PNG bytes, already checked
    note: str = ""  # the clinic's own paragraph for every handout


def _fonts() -> tuple[str, str, str]:
    """Register DejaVu Sans (or the best found) with ReportLab; Helvetica if there is none."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold, italic = font_file("regular"), font_file("bold"), font_file("italic")
    if regular is None:
        return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
    names = ("AtlasSans", "AtlasSans-Bold", "AtlasSans-Italic")
    try:
        for name, path in zip(names, (regular, bold or regular, italic or regular), strict=True):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path)))
    except Exception:  # noqa: BLE001 - a broken font file must not stop the handout
        return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
    addMapping("AtlasSans", 0, 0, names[0])
    addMapping("AtlasSans", 1, 0, names[1])
    addMapping("AtlasSans", 0, 1, names[2])
    addMapping("AtlasSans", 1, 1, names[1])
    return names


def handout_fonts() -> tuple[str, ...]:
    """The fonts the handout is set in (registered with ReportLab on first use)."""
    return tuple(dict.fromkeys(_fonts()))


def unprintable(texts, fonts: tuple[str, ...] | None = None) -> str | None:
    """A warning naming the characters of ``texts`` the handout's fonts cannot draw (they are
    printed as a visible mark instead), or None when every one can be drawn.
    """
    import unicodedata

    from ims_atlas.export.pdf_text import SUBSTITUTE, missing_characters

    missing = missing_characters(texts, fonts or handout_fonts())
    if not missing:
        return None
    named = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '').title()}".strip() for ch in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return (f"{len(missing)} character(s) cannot be printed in the handout's font ({named}{more}); "
            f"each is shown as {SUBSTITUTE}")


def _styles(fonts: tuple[str, str, str], widows: bool = False) -> dict:
    """The paragraph styles. No paragraph leaves its first line alone at the foot of a page (an
    orphan), nor, unless ``widows``, its last line alone at the top of one (a widow: "in that
    report)." above the pictures reads as a stray fragment).
    """
    from reportlab.lib.styles import ParagraphStyle

    regular, bold, italic = fonts
    base = ParagraphStyle("body", fontName=regular, fontSize=BODY_PT, leading=BODY_PT * 1.25, textColor=INK,
                          spaceAfter=4, allowWidows=int(widows), allowOrphans=0)
    return {
        "body": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=16, bulletIndent=2, spaceAfter=3),
        # The list of muscles keyed to the picture's numbers (room for "12").
        "numbered": ParagraphStyle("numbered", parent=base, leftIndent=22, bulletIndent=2, spaceAfter=3,
                                   bulletFontName=bold),
        "numbered_short": ParagraphStyle("numbered_short", parent=base, leftIndent=16, bulletIndent=2, spaceAfter=3,
                                         bulletFontName=bold),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=24, leading=28, spaceAfter=1, textColor=INK),
        "sub": ParagraphStyle("sub", parent=base, fontSize=15, leading=19, textColor=SOFT, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=16, leading=20, spaceBefore=7, spaceAfter=3,
                             textColor=ACCENT, keepWithNext=1),
        # The patient's pages' headings: :func:`_heading` keeps room for the text under them.
        "h2_flow": ParagraphStyle("h2_flow", parent=base, fontName=bold, fontSize=16, leading=20, spaceBefore=7,
                                  spaceAfter=3, textColor=ACCENT),
        "clinic": ParagraphStyle("clinic", parent=base, fontName=bold, fontSize=19, leading=23, spaceAfter=2),
        "contact": ParagraphStyle("contact", parent=base, fontSize=12, leading=15, textColor=SOFT, spaceAfter=0),
        "contact_right": ParagraphStyle("contact_right", parent=base, fontSize=12, leading=15, textColor=SOFT,
                                        spaceAfter=0, alignment=2),
        "caption": ParagraphStyle("caption", parent=base, fontName=italic, fontSize=CAPTION_PT, leading=14, textColor=SOFT,
                                  spaceBefore=2, spaceAfter=4),
        "ref": ParagraphStyle("ref", parent=base, fontSize=12, leading=15.5, leftIndent=22, firstLineIndent=-22,
                              spaceAfter=4),
        "box": ParagraphStyle("box", parent=base, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=11, leading=14, textColor=SOFT, spaceAfter=2),
        "h2c": ParagraphStyle("h2c", parent=base, fontName=bold, fontSize=14, leading=18, spaceBefore=8, spaceAfter=3,
                              textColor=ACCENT, keepWithNext=1),
        "bodyc": ParagraphStyle("bodyc", parent=base, fontSize=10.5, leading=13.5, spaceAfter=3),
        "bulletc": ParagraphStyle("bulletc", parent=base, fontSize=10.5, leading=13.5, leftIndent=12, bulletIndent=1,
                                  spaceAfter=2),
        "refc": ParagraphStyle("refc", parent=base, fontSize=9.5, leading=12, leftIndent=18, firstLineIndent=-18,
                               spaceAfter=2),
    }


def _cite(c: Cited) -> str:
    text = escape(c.text)
    if c.refs:
        text += f" <font color='{SOFT}'>[{', '.join(map(str, c.refs))}]</font>"
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_JPEG_CACHE: dict[int, tuple[Image.Image, bytes]] = {}


def _jpeg(image: Image.Image) -> bytes:
    """The picture as JPEG bytes, encoded once per picture (the layout may be tried several times)."""
    hit = _JPEG_CACHE.get(id(image))
    if hit is not None and hit[0] is image:
        return hit[1]
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=90, optimize=True)
    if len(_JPEG_CACHE) > 16:
        _JPEG_CACHE.clear()
    _JPEG_CACHE[id(image)] = (image, buf.getvalue())
    return buf.getvalue()


def _fit_box(size: tuple[int, int], width: float, max_height: float) -> tuple[float, float]:
    """The printed size of a picture of ``size`` pixels ``width`` wide, or ``max_height`` high
    when that is lower.
    """
    w, h = size
    draw_w = width
    draw_h = draw_w * h / w
    if draw_h > max_height:
        draw_h = max_height
        draw_w = draw_h * w / h
    return draw_w, draw_h


def _picture(pic: HandoutPicture, width: float, max_height: float):
    from reportlab.platypus import Image as RLImage

    draw_w, draw_h = _fit_box(pic.image.size, width, max_height)
    return RLImage(io.BytesIO(_jpeg(pic.image)), width=draw_w, height=draw_h)


def _header(clinic: ClinicHeader, styles: dict, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, Table, TableStyle
    from reportlab.platypus import Image as RLImage

    if not (clinic.name or clinic.contact or clinic.logo):
        return []
    block = []
    if clinic.name:
        block.append(Paragraph(escape(clinic.name), styles["clinic"]))
    lines = "<br/>".join(escape(line) for line in clinic.contact.strip().splitlines() if line.strip())
    if lines and not clinic.logo:  # name on the left, contact details on the right: one line less
        cells = [block or [Paragraph("", styles["contact"])], [Paragraph(lines, styles["contact_right"])]]
        # The contact column as wide as its longest line (at most 45 %), the name the rest: a
        # long clinic name takes two lines, not five.
        from reportlab.pdfbase.pdfmetrics import stringWidth

        style = styles["contact_right"]
        longest = max(stringWidth(pdf_safe(line.strip(), _FONTS.get()), style.fontName, style.fontSize)
                      for line in clinic.contact.splitlines() if line.strip())
        contact_w = min(max(longest + 6 * mm, width * 0.25), width * 0.45)
        widths = [width - contact_w, contact_w]
    else:
        if lines:
            block.append(Paragraph(lines, styles["contact"]))
        cells = [block or [Paragraph("", styles["contact"])]]
        widths = [width]
    if clinic.logo:
        logo = Image.open(io.BytesIO(clinic.logo))
        lw, lh = logo.size
        box_w, box_h = 48 * mm, 26 * mm
        scale = min(box_w / lw, box_h / lh)
        cells.insert(0, RLImage(io.BytesIO(clinic.logo), width=lw * scale, height=lh * scale))
        widths = [box_w + 6 * mm, width - box_w - 6 * mm]
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [table, HRFlowable(width="100%", thickness=1.2, color=colors.HexColor(ACCENT), spaceBefore=6, spaceAfter=10)]


@dataclass(frozen=True)
class _Layout:
    """How much room the pictures and lists take; each fallback step gives up a little."""

    overview: bool = True
    pictures: int = 2  # the muscles' (one or two) and the spine's, side by side; 1: the muscles' alone
    picture_height_mm: float = 62.0
    list_as_bullets: bool = True
    about_ims: bool = True
    help_as_bullets: bool = True
    #: What to tell the practitioner as bullets; None: as the muscles are listed.
    tell_as_bullets: bool | None = None
    #: Where the pictures go: after "where the needles go" (0), after "what to expect" (1),
    #: before "when to get help" (2), at the end (3); a later place fills the room a page
    #: break leaves.
    pictures_at: int = 0
    #: The muscle picture's height (mm) standing beside the words of "where the needles go"
    #: (its width from its :attr:`HandoutPicture.beside_aspect`), or 0: in the row with the
    #: others. The row then holds the pictures after it.
    beside_mm: float = 0.0
    #: Two upright muscle pictures stand beside the words side by side (else the second is
    #: printed in the row, which takes less of the words' width).
    pair_beside: bool = True
    #: Tried only for two upright muscle pictures, which beside the words take more of their
    #: width than one: lower, so the words keep room beside them.
    for_two: bool = False


_RUN_ON = dict(overview=False, list_as_bullets=False)
_TIGHT = dict(_RUN_ON, about_ims=False)
#: Tried in order until the patient's pages fit on :data:`MAX_PATIENT_PAGES` pages: the
#: optional words go before the pictures shrink, the pictures shrink before they go, and the
#: safety words keep their bullets longest. A tall muscle picture stands beside the words
#: (the list of muscles keyed to its numbers) before a row would print it small; a layout
#: with a picture beside the words is skipped for a picture without a shape for it. Every
#: layout prints a picture: without one the handout does not show where the needles go.
_LAYOUTS = (
    _Layout(),
    _Layout(overview=False),
    _Layout(**_RUN_ON),
    _Layout(**_TIGHT),
    _Layout(**_TIGHT, picture_height_mm=55.0),
    _Layout(overview=False, beside_mm=105.0, picture_height_mm=55.0),
    _Layout(**_RUN_ON, beside_mm=105.0, picture_height_mm=55.0),
    _Layout(**_TIGHT, beside_mm=95.0, picture_height_mm=48.0),
    _Layout(**_TIGHT, beside_mm=85.0, picture_height_mm=42.0),
    *(_Layout(**_TIGHT, beside_mm=mm, picture_height_mm=42.0, for_two=True) for mm in (75.0, 65.0, 55.0)),
    _Layout(**_TIGHT, picture_height_mm=48.0),
    _Layout(**_TIGHT, picture_height_mm=42.0),
    _Layout(overview=False, beside_mm=110.0, pictures=1),
    *(_Layout(**_TIGHT, beside_mm=mm, pictures=1) for mm in (110.0, 95.0, 80.0, 65.0)),
    _Layout(**_TIGHT, picture_height_mm=55.0, pictures=1),
    _Layout(**_TIGHT, picture_height_mm=42.0, pictures=1),
    _Layout(**_TIGHT, beside_mm=55.0, pictures=1),
    _Layout(**_TIGHT, picture_height_mm=34.0, pictures=1),
    # Last of all, the help box's bullets give way (the words stay).
    _Layout(**_TIGHT, beside_mm=55.0, pictures=1, help_as_bullets=False),
    _Layout(**_TIGHT, picture_height_mm=34.0, pictures=1, help_as_bullets=False),
)


def _plain(t: TargetLine, number: int | None = None, run_on: bool = False) -> str:
    """A muscle in plain words, its name beside (the side is said once, above the list);
    ``number``: its number in the muscle pictures, before it when the list is ``run_on`` (a
    bulleted list prints it as the bullet).
    """
    missing = "" if t.drawn else ", not in the pictures"
    lead = f"<b>{number}</b>&nbsp;" if number is not None and run_on else ""
    return f"{lead}<b>{escape(t.plain)}</b> <font color='{SOFT}' size='11'>({escape(t.name)}{missing})</font>"


def _patient_box(patient_name: str, date_text: str, styles: dict, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    lines = []
    if patient_name.strip():
        lines.append(f"Prepared for: <b>{escape(patient_name.strip())}</b>")
    if date_text:
        lines.append(f"Date: {escape(date_text)}")
    if not lines:
        return []
    box = Table([[Paragraph(" &nbsp;&nbsp; ".join(lines), styles["box"])]], colWidths=[width], hAlign="LEFT")
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#EEF3F7")),
                             ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#C9D6E0")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 5),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return [box, Spacer(1, 8)]


def _title(content: HandoutContent, styles: dict) -> list:
    from reportlab.platypus import Paragraph

    sub = [escape(_capital(content.side_words))]
    if content.lay_name:
        sub.append(escape(content.lay_name))
    if content.clinical_name:
        sub.append(f"<i>{escape(content.clinical_name)}</i>")
    return [Paragraph(escape(content.title), styles["h1"]), Paragraph(" · ".join(sub), styles["sub"])]


_ROW_GAP_MM = 5.0
#: Between two muscle pictures standing side by side beside the words: their captions' narrow
#: columns read as two.
_PAIR_GAP_MM = 5.0
#: The overview picture's box beside the explanation.
_OVERVIEW_W_MM, _OVERVIEW_H_MM = 50.0, 75.0


#: A picture alone in a row at most this share of the width has its caption beside it; a
#: wider one, its caption under it.
_CAPTION_BESIDE = 0.6


def _row_height(pics: list[HandoutPicture], width: float, height: float) -> float:
    """The height :func:`_picture_row` prints ``pics`` at: ``height``, or lower where the
    width runs out (a picture alone may take the whole width).
    """
    from reportlab.lib.units import mm

    aspects = [p.image.size[0] / p.image.size[1] for p in pics]
    return min(height, (width - _ROW_GAP_MM * mm * (len(pics) - 1)) / sum(aspects))


def _in_row(pictures: list[HandoutPicture], layout: _Layout) -> list[HandoutPicture]:
    """The pictures ``layout`` prints in its row: the muscle pictures (one, or two seen from
    different sides) and, when ``layout`` has two pictures, the spine's; without the muscle
    pictures that stand beside the words.
    """
    if not layout.pictures:
        return []
    parts = _parts(pictures)
    row = list(parts.muscles) + ([parts.spine] if layout.pictures > 1 and parts.spine is not None else [])
    return row[len(_standing(pictures, layout)):]


def _standing(pictures: list[HandoutPicture], layout: _Layout) -> tuple[HandoutPicture, ...]:
    """The muscle pictures ``layout`` stands beside the words: the first, with the second
    beside it when that has a shape for it too (both upright: a leg from behind and its
    thigh from the front); none when ``layout`` has none there.
    """
    muscles = _parts(pictures).muscles
    if not (layout.beside_mm and layout.pictures and muscles and muscles[0].beside_aspect):
        return ()
    return muscles if layout.pair_beside and all(p.beside_aspect for p in muscles) else muscles[:1]


def _standing_sizes(pics: tuple[HandoutPicture, ...], layout: _Layout, width: float) -> list[tuple[float, float]]:
    """The size (points) each muscle picture standing beside the words prints at: ``layout``'s
    height, their widths from their shapes, side by side at most half the text's width.
    """
    from reportlab.lib.units import mm

    gaps = _PAIR_GAP_MM * mm * (len(pics) - 1)
    aspects = sum(p.beside_aspect for p in pics)
    h = min(layout.beside_mm * mm, (width / 2 - gaps) / aspects)
    return [(h * p.beside_aspect, h) for p in pics]


def _picture_row(pics: list[HandoutPicture], width: float, height: float, styles: dict):
    """Pictures side by side, each with its caption, scaled to one height (and the width)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

    gap = _ROW_GAP_MM * mm
    if len(pics) == 1:  # one picture: its caption beside it where there is room, else under it
        pic = pics[0]
        h = _row_height(pics, width, height)
        w = h * pic.image.size[0] / pic.image.size[1]
        caption = Paragraph(escape(pic.caption), styles["caption"])
        if w > width * _CAPTION_BESIDE:
            table = Table([[_picture(pic, w, h)], [caption]], colWidths=[width], hAlign="LEFT")
            table.setStyle(TableStyle([("ALIGN", (0, 0), (0, 0), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            return KeepTogether([table])
        table = Table([[_picture(pic, w, h), caption]],
                      colWidths=[w + gap, width - w - gap], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (0, 0), gap)]))
        return KeepTogether([table])
    aspects = [p.image.size[0] / p.image.size[1] for p in pics]
    h = _row_height(pics, width, height)
    cells = [[_picture(p, a * h, h), Paragraph(escape(p.caption), styles["caption"])] for p, a in zip(pics, aspects, strict=True)]
    widths = [a * h + (gap if i < len(pics) - 1 else 0) for i, a in enumerate(aspects)]
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
                              + [("RIGHTPADDING", (i, 0), (i, 0), gap) for i in range(len(pics) - 1)]))
    return KeepTogether([table])


def _side_by_side(left: list, right: list, right_w: float, width: float):
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table([[left, right]], colWidths=[width - right_w - 5 * mm, right_w + 5 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, 0), 5 * mm), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return table


def _heading(text: str, styles: dict, first) -> list:
    """A heading of the patient's pages and ``first``, the flowable after it: the heading
    moves to the next page unless ``first`` can begin under it on this one
    (:func:`~ims_atlas.export.handout_flow.heading_kept_with`).
    """
    from reportlab.platypus import Paragraph

    return heading_kept_with(Paragraph(text, styles["h2_flow"]), first)


def _patient_story(content: HandoutContent, pictures: list[HandoutPicture], clinic: ClinicHeader, patient_name: str,
                   date_text: str, styles: dict, width: float, layout: _Layout) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, TableStyle

    row = _in_row(pictures, layout)
    standing = _standing(pictures, layout)
    overview = _parts(pictures).overview if layout.overview else None
    story: list = [*_header(clinic, styles, width), *_patient_box(patient_name, date_text, styles, width),
                   *_title(content, styles)]

    explanation = Paragraph(escape(content.explanation), styles["body"])
    if overview is not None:
        side_w = _OVERVIEW_W_MM * mm
        explanation = _side_by_side([explanation], [_picture(overview, side_w, _OVERVIEW_H_MM * mm),
                                                    Paragraph(escape(overview.caption), styles["caption"])], side_w, width)
    story += _heading("What is it?", styles, explanation)

    lead = f"<b>In the muscles</b> that are tight and tender ({escape(content.side_words)})"
    # The muscle picture is labelled with numbers: the list says which muscle each one is.
    numbered = [p for p in (*standing, *row) if p.numbered]
    numbers = picture_numbers(content.local) if numbered else {}
    if numbers:
        lead += ", numbered as in the picture" + ("s" if len(numbered) > 1 else "")
    words: list = []
    if layout.list_as_bullets:
        words.append(Paragraph(lead + ":", styles["body"]))
        # Bold numbers, with room for "12" where there is one.
        item = styles["bullet"] if not numbers else styles["numbered" if len(numbers) > 9 else "numbered_short"]
        for t in content.local:
            n = numbers.get(t.muscle_id)
            words.append(Paragraph(_plain(t), item, bulletText=str(n) if n is not None else "•"))
    else:
        words.append(Paragraph(lead + ": " + "; ".join(_plain(t, numbers.get(t.muscle_id), run_on=True)
                                                       for t in content.local) + ".", styles["body"]))
    where, spine_note = spine_words(p.plain.removeprefix("Beside the spine at ") for p in content.paraspinal)
    muscles = and_list(content.paraspinal_muscles) or "muscles beside the spine"
    words.append(Paragraph(
        f"<b>Beside the spine</b> {escape(where)} ({escape(muscles)}), where the "
        f"{escape(and_list(content.segments))} nerve roots leave the spine." + (f" {escape(spine_note)}" if spine_note else ""),
        styles["body"]))
    if layout.about_ims and content.about_ims:
        words.append(Paragraph(escape(" ".join(c.text for c in content.about_ims)), styles["body"]))
    if standing:  # the muscle pictures on the right, the words running down beside them
        boxes = [picture_box(_picture(p, w, h), w, h, Paragraph(escape(p.caption), styles["caption"]))
                 for p, (w, h) in zip(standing, _standing_sizes(standing, layout, width), strict=True)]
        box = boxes[0] if len(boxes) == 1 else side_by_side(boxes, _PAIR_GAP_MM * mm)
        words = [beside(box, words, _ROW_GAP_MM * mm)]
    story += _heading("Where the needles go, and why", styles, words[0]) + words[1:]
    pictures_here = _picture_row(row, width, layout.picture_height_mm * mm, styles) if row else None
    if pictures_here is not None and layout.pictures_at == 0:
        story.append(pictures_here)

    expect = [Paragraph(escape(c.text), styles["bullet"], bulletText="•") for c in content.expect]
    story += _heading("What to expect", styles, expect[0]) + expect[1:] if expect else []
    if pictures_here is not None and layout.pictures_at == 1:
        story.append(pictures_here)
    if content.tell_us:
        if layout.list_as_bullets if layout.tell_as_bullets is None else layout.tell_as_bullets:
            tell = [Paragraph(escape(_capital(c.text)), styles["bullet"], bulletText="•") for c in content.tell_us]
        else:
            tell = [Paragraph(_capital(" <b>·</b> ".join(escape(c.text) for c in content.tell_us)) + ".", styles["body"])]
        story += _heading("Before your treatment, tell your practitioner if", styles, tell[0]) + tell[1:]

    who = escape(clinic.name) if clinic.name else "your clinic"
    contact = "; ".join(escape(line.strip()) for line in clinic.contact.splitlines() if line.strip())
    worried = (f"If you are worried, or the soreness lasts longer than three days, call <b>{who}</b>"
               + (f": {contact}" if contact else "") + ".")
    if layout.help_as_bullets:
        call = [Paragraph(escape(c.text), styles["bullet"], bulletText="•") for c in content.call_if]
        call.append(Paragraph(worried, styles["bullet"], bulletText="•"))
    else:
        call = [Paragraph(escape(c.text), styles["body"]) for c in content.call_if]
        call.append(Paragraph(worried, styles["body"]))
    # One row per line, so that the box can break across the page like the text around it.
    box = boxed_rows([[Paragraph("When to get help", styles["h2"])]] + [[p] for p in call], [width])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#B00020")),
                             ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FFF5F5")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                             ("TOPPADDING", (0, 0), (0, 0), 2), ("BOTTOMPADDING", (0, -1), (-1, -1), 6)]))
    if pictures_here is not None and layout.pictures_at == 2:
        story.append(pictures_here)
    story.append(box)
    if clinic.note.strip():
        from reportlab.pdfbase.pdfmetrics import stringWidth

        h2 = styles["h2_flow"]
        heading = f"A note from {clinic.name}" if clinic.name else ""
        if not heading or stringWidth(pdf_safe(heading, _FONTS.get()), h2.fontName, h2.fontSize) > width:
            heading = "A note from your clinic"  # a long name is in the header: the heading stays one line
        story += _heading(escape(heading), styles,
                          Paragraph(escape(clinic.note.strip()).replace("\n", "<br/>"), styles["body"]))
    if pictures_here is not None and layout.pictures_at == 3:
        story.append(pictures_here)
    story.append(Paragraph("Your practitioner has a clinician sheet with the sources of everything on these pages.",
                           styles["small"]))
    return story


def _build(story: list, title: str, subject: str, keywords: list[str], author: str, footer_left: str,
           footer_note: str, regular: str, credit: str = "") -> tuple[bytes, int]:
    """The PDF bytes and the number of pages; ``credit`` (the anatomy's) is printed small at
    the foot of every page, under the footer's two lines.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    page_w, _ = A4
    margin = MARGIN_MM * mm

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 10)
        canvas.setFillColor(colors.HexColor(SOFT))
        y = (15 if credit else 11) * mm
        page = f"Page {doc.page}"
        canvas.drawRightString(page_w - margin, y, page)
        room = page_w - 2 * margin - canvas.stringWidth(page, regular, 10) - 4 * mm
        size, left = _fit_footer(footer_left, room, lambda text, pt: canvas.stringWidth(text, regular, pt))
        canvas.setFont(regular, size)
        canvas.drawString(margin, y, left)
        canvas.setFont(regular, 10)
        canvas.drawString(margin, y - 4.5 * mm, footer_note)
        if credit:
            size = 8.0
            while size > 6 and canvas.stringWidth(credit, regular, size) > page_w - 2 * margin:
                size -= 0.5
            canvas.setFont(regular, size)
            canvas.drawString(margin, y - 8.5 * mm, credit)
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=13 * mm, bottomMargin=19 * mm,
        title=title, author=author, subject=subject, creator=f"IMS Atlas {__version__}", keywords=keywords,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue(), doc.page


def _fit_footer(text: str, room: float, width) -> tuple[float, str]:
    """The footer's left line and its size (10 pt, down to 7.5) so that it ends before the
    page number: a long clinic name is cut with an ellipsis, the app's and the catalog's
    versions after it are kept. ``width(text, pt)`` measures a text.
    """
    size = 10.0
    while size > 7.5 and width(text, size) > room:
        size -= 0.5
    if width(text, size) <= room:
        return size, text
    head, sep, tail = text.partition(" · IMS Atlas ")
    tail = sep + tail if sep else ""
    while head and width(head.rstrip() + "…" + tail, size) > room:
        head = head[:-1]
    return size, (head.rstrip() + "…" + tail) if head else tail.removeprefix(" · ")


def _fitted(story: list, meta: dict) -> tuple[bytes, int]:
    """:func:`_build` for a try at the patient's pages; a story with a part taller than a page
    (a long explanation beside the overview picture: a table row never splits) counts as one
    that does not fit, so that the next layout is tried.
    """
    from reportlab.platypus.doctemplate import LayoutError

    try:
        return _build(story, **meta)
    except LayoutError:
        return b"", MAX_PATIENT_PAGES + 1


def _footer_left(clinic: ClinicHeader, catalog_version: str) -> str:
    return " · ".join(x for x in (clinic.name, f"IMS Atlas {__version__}",
                                  f"catalog {catalog_version}" if catalog_version else "") if x)


def _credit_line(credit: str) -> str:
    """The page foot's credit line: "Anatomy: ..." (or "" for none)."""
    credit = one_line(credit).strip()
    return f"Anatomy: {credit}" if credit else ""


def _bounded(patient_name: str, clinic: ClinicHeader) -> tuple[str, ClinicHeader]:
    """The patient's name and the clinic's words cut to the limits the settings, the command line
    and the dialogs use: a 10,000-character name cannot stop the layout (a table cell cannot
    split across pages).
    """
    patient_name = cut(one_line(patient_name), MAX_PATIENT_NAME)
    clinic = ClinicHeader(cut(one_line(clinic.name), MAX_CLINIC_NAME),
                          "\n".join(cut(line, MAX_CONTACT_LINE) for line in clinic.contact.strip().splitlines()
                                    if line.strip())[: MAX_CONTACT_LINES * (MAX_CONTACT_LINE + 1)],
                          clinic.logo, cut(clinic.note, MAX_HANDOUT_NOTE))
    return patient_name, replace(clinic, contact="\n".join(clinic.contact.splitlines()[:MAX_CONTACT_LINES]))


def handout_pdf(content: HandoutContent, pictures: tuple[HandoutPicture, ...], clinic: ClinicHeader = ClinicHeader(),
                patient_name: str = "", date_text: str = "", catalog_version: str = "", credit: str = "",
                laid_out_as: tuple[HandoutPicture, ...] | None = None, left_out: list[str] | None = None) -> bytes:
    """The patient handout as PDF bytes (A4, at most :data:`MAX_PATIENT_PAGES` pages).

    Parameters
    ----------
    content
        The words (see :func:`~ims_atlas.export.handout_content.handout_content`).
    pictures
        Up to four pictures: the targets in the muscles (one picture, or two seen from
        different sides, the second marked :attr:`~HandoutPicture.more_muscles`), the targets
        beside the spine, the whole plan (beside the explanation, when there is room).
    clinic
        Name, contact details, logo and note.
    patient_name
        Printed once on the first page; never written into the PDF's metadata.
    date_text
        The date printed under the patient's name (empty: none).
    catalog_version
        Named in the footer and in the PDF's keywords.
    credit
        The anatomy's credit (:func:`ims_atlas.anatomy.credit.anatomy_credit_long`), printed
        at the foot of every page: the pictures show it.
    laid_out_as
        The pictures :func:`picture_print_sizes` laid the page out with (blanks of their
        shapes), when ``pictures`` were then rendered for the sizes it gave: the page is laid
        out as it was for them, and ``pictures`` printed in their places.
    left_out
        When given, filled with what the pages had no room for, in words for a warning (the
        clinic's note; muscles listed on the clinician sheet only).
    """
    pdf, _, missing = _laid_out(content, pictures, clinic, patient_name, date_text, catalog_version, credit,
                                laid_out_as)
    if left_out is not None:
        left_out.extend(missing)
    return pdf


def picture_print_sizes(content: HandoutContent, pictures: tuple[HandoutPicture, ...],
                        clinic: ClinicHeader = ClinicHeader(), patient_name: str = "", date_text: str = "",
                        catalog_version: str = "", credit: str = "") -> tuple[tuple[float, float] | None, ...]:
    """The size (width, height in points) each of ``pictures`` prints at in the handout
    :func:`handout_pdf` makes of the same arguments, or None for a picture it leaves out.

    The layout holds a picture in a row by its aspect, and one beside the words by its
    :attr:`~HandoutPicture.beside_aspect`, never by its pixels, so the pictures can be laid
    out as blank images first and then rendered for the size they print at (the shape of
    the size given, which beside the words is not the blank's), then printed with
    ``handout_pdf(..., laid_out_as=blanks)``.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    _, layout, _ = _laid_out(content, pictures, clinic, patient_name, date_text, catalog_version, credit)
    sizes: list[tuple[float, float] | None] = [None] * len(pictures)
    if layout is None:
        return tuple(sizes)
    width = A4[0] - 2 * MARGIN_MM * mm
    standing = _standing(list(pictures), layout)
    sizes[: len(standing)] = _standing_sizes(standing, layout, width) if standing else []
    row = _in_row(list(pictures), layout)
    if row:  # the row holds pictures in their order, after those standing beside the words
        h = _row_height(row, width, layout.picture_height_mm * mm)
        for i, p in enumerate(row, len(standing)):
            sizes[i] = (h * p.image.size[0] / p.image.size[1], h)
    parts = _parts(pictures)
    if parts.overview is not None and layout.overview:
        sizes[len(parts.muscles) + 1] = _fit_box(parts.overview.image.size, _OVERVIEW_W_MM * mm, _OVERVIEW_H_MM * mm)
    return tuple(sizes)


#: A picture that stands beside the words in a shape narrower than this (a whole leg, an
#: arm) is printed in a row only when it cannot stand: a row would print the limb a few
#: millimetres wide.
NARROW_ASPECT = 0.6


def _two_upright(pictures: list[HandoutPicture]) -> bool:
    """Whether ``pictures`` has two muscle pictures that can stand side by side beside the words."""
    return len(_standing(pictures, replace(_LAYOUTS[0], beside_mm=1.0))) > 1


def _ordered(pictures: list[HandoutPicture]) -> list[_Layout]:
    """:data:`_LAYOUTS` in the order to try them for ``pictures``: as they are, or, for a
    narrow muscle picture, every layout that stands it beside the words first (the help
    box's bullets still given up last).
    """
    first = pictures[0] if pictures else None
    two = _two_upright(pictures)
    layouts = [layout for layout in _LAYOUTS if two or not layout.for_two]
    if first is None or first.beside_aspect is None or first.beside_aspect >= NARROW_ASPECT:
        return layouts
    return sorted(layouts, key=lambda layout: (not layout.help_as_bullets, not layout.beside_mm))


def _smallest(pictures: list[HandoutPicture]) -> list[_Layout]:
    """The last layouts to try when the words run over: the muscle pictures alone, as small as
    their labels allow, the first beside the words (a second in a row) or both in a row; the
    help box's bullets given up.
    """
    from reportlab.lib.units import mm

    muscles = _parts(pictures).muscles
    need = max((max(p.min_height, _least_row_height(p)) for p in muscles), default=0.0) / mm
    first = muscles[0].min_height / mm if muscles else 0.0
    more = max((max(p.min_height, _least_row_height(p)) for p in muscles[1:]), default=0.0) / mm
    last = _LAYOUTS[-1]
    return [replace(last, pictures=1, picture_height_mm=max(34.0, more) if len(muscles) > 1 else 0.0,
                    beside_mm=max(55.0, first)),
            replace(last, pictures=1, picture_height_mm=max(34.0, need))]


def _labels_fit(pictures: list[HandoutPicture], layout: _Layout, width: float) -> bool:
    """Whether ``layout`` prints each of its pictures at least as high as its labels need."""
    from reportlab.lib.units import mm

    standing = _standing(pictures, layout)
    if layout.beside_mm and not standing:
        return False  # no picture to stand beside the words: the layouts with a row come
    if standing and any(h < p.min_height - 0.01 for p, (_, h) in zip(standing, _standing_sizes(standing, layout, width),
                                                                     strict=True)):
        return False
    row = _in_row(pictures, layout)
    if not row:
        return True
    h = _row_height(row, width, layout.picture_height_mm * mm)
    muscles = _parts(pictures).muscles
    return h >= max(p.min_height for p in row) - 0.01 and all(h >= _least_row_height(p) - 0.01 for p in row
                                                             if p in muscles)


#: A muscle picture prints at least this long (mm, its longer side): a body a patient can see.
LEAST_MUSCLES_MM = 40.0


def _least_row_height(pic: HandoutPicture) -> float:
    """The least height (points) a muscle picture prints at in a row: its longer side
    :data:`LEAST_MUSCLES_MM`.
    """
    from reportlab.lib.units import mm

    aspect = pic.image.size[0] / pic.image.size[1]
    return LEAST_MUSCLES_MM * mm / max(aspect, 1.0)


def _laid_out(content: HandoutContent, pictures: tuple[HandoutPicture, ...], clinic: ClinicHeader, patient_name: str,
              date_text: str, catalog_version: str, credit: str,
              laid_out_as: tuple[HandoutPicture, ...] | None = None
              ) -> tuple[bytes, _Layout | None, tuple[str, ...]]:
    """:func:`handout_pdf`'s PDF, the layout it used (None: the words alone, cut short) and
    what it left out (in words); the layout chosen for ``laid_out_as`` (by default
    ``pictures``), ``pictures`` printed in it.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    fonts = _fonts()
    _FONTS.set(tuple(dict.fromkeys(fonts)))
    styles = _styles(fonts)
    width = A4[0] - 2 * MARGIN_MM * mm
    patient_name, clinic = _bounded(patient_name, clinic)
    side = content.side_words
    meta = dict(
        title=f"{content.title} ({side}): information for patients",
        subject=f"IMS Atlas patient handout: {content.title}, {side}; nerve roots {', '.join(content.segments)}",
        keywords=["IMS", "dry needling", content.condition_id] + ([f"catalog {catalog_version}"] if catalog_version else []),
        author=clinic.name or "IMS Atlas",
        footer_left=_footer_left(clinic, catalog_version),
        footer_note="Information for patients. It does not replace your practitioner's advice.",
        regular=fonts[0],
        credit=_credit_line(credit),
    )
    plan = list(laid_out_as if laid_out_as is not None else pictures)

    def made(story_content: HandoutContent, story_clinic: ClinicHeader, chosen: _Layout, chosen_styles: dict,
             tried: tuple[bytes, int]) -> tuple[bytes, int]:
        """The PDF with ``pictures`` in the places ``tried`` (made with the plan's) had."""
        if laid_out_as is None:
            return tried
        story = _patient_story(story_content, list(pictures), story_clinic, patient_name, date_text, chosen_styles,
                               width, chosen)
        return _fitted(story, meta)

    pairs = _two_upright(plan)
    # (two muscle pictures beside the words, or the first there and the second in the row)
    tries = [replace(layout, pictures_at=at, pair_beside=pair) for layout in _ordered(plan)
             for pair in ((True, False) if pairs and layout.beside_mm else (True,))
             for at in ((0, 1, 2, 3) if _in_row(plan, replace(layout, pair_beside=pair)) else (0,))]
    # The first layout that fits is made again, better, where it still fits so: the list of
    # what to tell the practitioner as bullets (a checklist reads more easily than a run-on
    # paragraph), and without a widow; a widow is let stand rather than a picture shrink.
    # (Neither ever makes a page hold more, so the layouts that do not fit are tried once.)
    loose = _styles(fonts, widows=True)
    if plan:
        for layout in tries:
            if not _labels_fit(plan, layout, width):
                continue  # a picture's labels would print smaller than their print size: the words give way first
            story = _patient_story(content, plan, clinic, patient_name, date_text, loose, width, layout)
            tried = _fitted(story, meta)
            if tried[1] <= MAX_PATIENT_PAGES:
                better = [replace(layout, tell_as_bullets=True)] if not layout.list_as_bullets and content.tell_us else []
                for best in (*better, layout):
                    story = _patient_story(content, plan, clinic, patient_name, date_text, styles, width, best)
                    strict = _fitted(story, meta)
                    if strict[1] <= MAX_PATIENT_PAGES:
                        return made(content, clinic, best, styles, strict)[0], best, ()
                return made(content, clinic, layout, loose, tried)[0], layout, ()
    # Even the words and the smallest picture run over (a whole-body plan): give up the
    # clinic's note, then list fewer muscles (the clinician sheet has them all), never the
    # print size, and never the picture while a muscle is still listed.
    had_note = bool(clinic.note.strip())
    clinic = replace(clinic, note="")
    last = [t for t in _smallest(plan) if _labels_fit(plan, t, width)] if plan else []

    def attempt(keep: int, layouts: list[_Layout | None]) -> tuple[bytes, _Layout | None] | None:
        local = content.local[:keep]
        if keep < len(content.local):
            rest = len(content.local) - keep
            local += (TargetLine(f"and {rest} more muscle{'s' if rest > 1 else ''}", "listed on the clinician sheet", "", ""),)
        shorter = replace(content, local=local)
        for layout in layouts:
            chosen = layout or replace(_LAYOUTS[-1], pictures=0)
            story = _patient_story(shorter, plan if layout else [], clinic, patient_name, date_text, loose, width, chosen)
            tried = _fitted(story, meta)
            if tried[1] <= MAX_PATIENT_PAGES:
                rest = len(content.local) - keep
                missing = (("the clinic's note",) if had_note else ()) + (
                    (f"{rest} of the {len(content.local)} muscles (listed on the clinician sheet)",) if rest else ())
                return (made(shorter, clinic, chosen, loose, tried)[0] if layout else tried[0]), layout, missing
        return None

    for layouts in (last, [None]):  # with the smallest pictures first; the words alone only if none fits
        low, high, best = 0, len(content.local), None  # the most muscles that fit, by bisection
        while layouts and low <= high:
            keep = (low + high) // 2
            got = attempt(keep, layouts)
            if got is None:
                high = keep - 1
            else:
                best, low = got, keep + 1
        if best is not None:
            return best
    raise ValueError(f"the handout for {content.title} does not fit on {MAX_PATIENT_PAGES} pages")


def clinician_sheet_pdf(content: HandoutContent | None, clinic: ClinicHeader = ClinicHeader(), date_text: str = "",
                        catalog_version: str = "", assessment: dict | None = None, credit: str = "") -> bytes:
    """The clinician sheet as PDF bytes (A4, any length): the plan in clinical words with the
    nerves and roots, the safety notes, contraindications, red flags, evidence and the
    numbered references. No patient's name.

    ``assessment`` (:func:`ims_atlas.study.assessment_views.sheet_view`'s data): the
    examination findings and the ranked segments with their reasoning, printed after the red
    flags and nowhere else (not in the metadata). With ``content`` None the sheet holds the assessment
    alone. ``credit``: the anatomy's, at the foot of every page (as on the handout).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    from ims_atlas.export.assessment_sheet import assessment_story

    if content is None and assessment is None:
        raise ValueError("a clinician sheet needs a plan or an assessment")
    fonts = _fonts()
    _FONTS.set(tuple(dict.fromkeys(fonts)))
    styles = _styles(fonts)
    width = A4[0] - 2 * MARGIN_MM * mm
    _, clinic = _bounded("", clinic)
    story: list = [*_header(clinic, styles, width)]
    title = content.title if content is not None else "find the segment"
    story.append(Paragraph(f"Clinician sheet: {escape(title)}", styles["h1"]))
    sub = []
    if content is not None:
        sub = [escape(_capital(content.side_words))] + ([f"<i>{escape(content.clinical_name)}</i>"]
                                                         if content.clinical_name else [])
    if date_text:
        sub.append(escape(date_text))
    if sub:
        story.append(Paragraph(" · ".join(sub), styles["sub"]))
    if content is None:
        story += assessment_story(assessment, styles, escape)
        return _build(
            story, title="Find the segment: clinician sheet", subject="IMS Atlas clinician sheet: find the segment",
            keywords=["IMS", "dry needling", "clinician sheet"] + ([f"catalog {catalog_version}"] if catalog_version else []),
            author=clinic.name or "IMS Atlas", footer_left=_footer_left(clinic, catalog_version),
            footer_note="For the clinician: examination findings and the segments that explain them.",
            regular=fonts[0], credit=_credit_line(credit))[0]

    def section(title: str, items, bullets: bool = True) -> None:
        items = list(items)
        if not items:
            return
        story.append(Paragraph(title, styles["h2c"]))
        for c in items:
            text = _cite(c) if isinstance(c, Cited) else c
            story.append(Paragraph(text, styles["bulletc"], bulletText="•") if bullets else Paragraph(text, styles["bodyc"]))

    section("Red flags: refer, do not needle", content.red_flags)
    if assessment is not None:
        story += assessment_story(assessment, styles, escape)
    section("Contraindications, precautions and hazards", content.screening)
    section("Nerve roots", [content.roots_text], bullets=False)
    section("Local targets", [f"<b>{escape(t.name)}</b>{f' (<i>{escape(t.latin)}</i>)' if t.latin else ''}"
                              f"{f', {escape(t.side)}' if t.side else ''}: {escape(_capital(t.nerve))}"
                              for t in content.local])
    section("Paraspinal targets", [f"{escape(t.plain)}{f', {escape(t.side)}' if t.side else ''}: "
                                   f"{escape(t.name)}, {escape(t.nerve)}" for t in content.paraspinal])
    section("Safety notes for this condition", content.safety)
    section("About IMS (as the handout says it)", content.about_ims)
    section("What the patient is told to expect", content.expect)
    section("Evidence", content.evidence)
    if content.references:
        story.append(Paragraph("References", styles["h2c"]))
        for ref in content.references:
            url = f" <font color='{SOFT}'>{escape(ref.url)}</font>" if ref.url else ""
            story.append(Paragraph(f"{ref.number}.&nbsp;&nbsp;{escape(ref.citation)}{url}", styles["refc"]))
    side = content.side_words
    return _build(
        story,
        title=f"{content.title} ({side}): clinician sheet",
        subject=f"IMS Atlas clinician sheet: {content.title}, {side}; nerve roots {', '.join(content.segments)}",
        keywords=["IMS", "dry needling", "clinician sheet", content.condition_id]
        + ([f"catalog {catalog_version}"] if catalog_version else []),
        author=clinic.name or "IMS Atlas",
        footer_left=_footer_left(clinic, catalog_version),
        footer_note="For the clinician: sources and safety behind the patient handout.",
        regular=fonts[0],
        credit=_credit_line(credit),
    )[0]
