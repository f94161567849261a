"""Lay out a patient handout as an A4 PDF with ReportLab: large print (body 13 pt), the
clinic's header, the pictures, the targets in plain words with the Latin beside, what to
expect, safety and references.

The patient's name, when given, is printed once near the top of the first page and goes
nowhere else: not into the PDF's metadata, not into any log.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from PIL import Image

from ims_atlas import __version__
from ims_atlas.export.fonts import font_file
from ims_atlas.export.handout_content import Cited, HandoutContent, TargetLine

BODY_PT = 13.0
INK = "#1C2028"
ACCENT = "#1B2A3A"
SOFT = "#555B66"


@dataclass(frozen=True)
class HandoutPicture:
    """A picture for the handout, with its heading and caption."""

    image: Image.Image
    caption: str


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


def _styles(fonts: tuple[str, str, str]) -> dict:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold, italic = fonts
    base = ParagraphStyle("body", fontName=regular, fontSize=BODY_PT, leading=BODY_PT * 1.38, textColor=INK,
                          spaceAfter=6)
    return {
        "body": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=16, bulletIndent=2, spaceAfter=5),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=25, leading=30, spaceAfter=2, textColor=INK),
        "sub": ParagraphStyle("sub", parent=base, fontSize=15, leading=20, textColor=SOFT, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=17, leading=22, spaceBefore=12, spaceAfter=5,
                             textColor=ACCENT, keepWithNext=1),
        "clinic": ParagraphStyle("clinic", parent=base, fontName=bold, fontSize=19, leading=23, spaceAfter=2),
        "contact": ParagraphStyle("contact", parent=base, fontSize=12, leading=15, textColor=SOFT, spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=base, fontName=italic, fontSize=12, leading=16, textColor=SOFT,
                                  spaceBefore=3, spaceAfter=8),
        "ref": ParagraphStyle("ref", parent=base, fontSize=12, leading=15.5, leftIndent=22, firstLineIndent=-22,
                              spaceAfter=4),
        "box": ParagraphStyle("box", parent=base, spaceAfter=0),
    }


def _cite(c: Cited) -> str:
    text = escape(c.text)
    if c.refs:
        text += f" <font color='{SOFT}'>[{', '.join(map(str, c.refs))}]</font>"
    return text


def _target(t: TargetLine) -> str:
    latin = f" (<i>{escape(t.latin)}</i>)" if t.latin and t.latin.lower() != t.name.lower() else ""
    side = f", {escape(t.side)}" if t.side else ""
    return (f"<b>{escape(t.plain)}</b>{side} — {escape(t.name)}{latin}<br/>"
            f"<font color='{SOFT}'>{escape(_capital(t.nerve))}</font>")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _picture(pic: HandoutPicture, width: float, max_height: float):
    from reportlab.platypus import Image as RLImage

    buf = io.BytesIO()
    pic.image.convert("RGB").save(buf, "JPEG", quality=90, optimize=True)
    buf.seek(0)
    w, h = pic.image.size
    draw_w = width
    draw_h = draw_w * h / w
    if draw_h > max_height:
        draw_h = max_height
        draw_w = draw_h * w / h
    return RLImage(buf, width=draw_w, height=draw_h)


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
    if clinic.contact:
        lines = "<br/>".join(escape(line) for line in clinic.contact.strip().splitlines() if line.strip())
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


def handout_pdf(content: HandoutContent, pictures: tuple[HandoutPicture, ...], clinic: ClinicHeader = ClinicHeader(),
                patient_name: str = "", date_text: str = "", catalog_version: str = "") -> bytes:
    """The handout as PDF bytes (A4).

    Parameters
    ----------
    content
        The words (see :func:`~ims_atlas.export.handout_content.handout_content`).
    pictures
        Two or three pictures: the first after the targets in the muscles, the next after
        the targets beside the spine, a third (if any) after the explanation.
    clinic
        Name, contact details, logo and note.
    patient_name
        Printed once on the first page; never written into the PDF's metadata.
    date_text
        The date printed under the patient's name (empty: none).
    catalog_version
        Named in the footer and in the PDF's keywords.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts = _fonts()
    styles = _styles(fonts)
    page_w, page_h = A4
    margin = 18 * mm
    width = page_w - 2 * margin
    max_pic_h = 160 * mm
    story: list = []
    story += _header(clinic, styles, width)
    if patient_name.strip() or date_text:
        lines = []
        if patient_name.strip():
            lines.append(f"Prepared for: <b>{escape(patient_name.strip())}</b>")
        if date_text:
            lines.append(f"Date: {escape(date_text)}")
        box = Table([[Paragraph("<br/>".join(lines), styles["box"])]], colWidths=[width], hAlign="LEFT")
        box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#EEF3F7")),
                                 ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#C9D6E0")),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        story += [box, Spacer(1, 10)]
    story.append(Paragraph(escape(content.title), styles["h1"]))
    sub = [escape(_capital(content.side_words))]
    if content.lay_name:
        sub.append(escape(content.lay_name))
    if content.clinical_name:
        sub.append(f"<i>{escape(content.clinical_name)}</i>")
    story.append(Paragraph(" · ".join(sub), styles["sub"]))
    story.append(Paragraph("What is it?", styles["h2"]))
    pics = list(pictures)
    explanation = Paragraph(escape(content.explanation), styles["body"])
    if len(pics) > 2:
        # The whole-plan picture stands beside the explanation.
        overview = pics.pop(2)
        side_w = 64 * mm
        beside = Table([[explanation, [_picture(overview, side_w, max_pic_h), Paragraph(escape(overview.caption), styles["caption"])]]],
                       colWidths=[width - side_w - 6 * mm, side_w + 6 * mm], hAlign="LEFT")
        beside.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
        story.append(beside)
    else:
        story.append(explanation)
    story.append(Paragraph("Where the needles go: in the muscles", styles["h2"]))
    for t in content.local:
        story.append(Paragraph(_target(t), styles["bullet"], bulletText="•"))
    if pics:
        pic = pics.pop(0)
        story.append(KeepTogether([_picture(pic, width, max_pic_h), Paragraph(escape(pic.caption), styles["caption"])]))
    story.append(Paragraph("Where the needles go: beside the spine", styles["h2"]))
    for t in content.paraspinal:
        story.append(Paragraph(_target(t), styles["bullet"], bulletText="•"))
    if pics:
        pic = pics.pop(0)
        story.append(KeepTogether([_picture(pic, width, max_pic_h), Paragraph(escape(pic.caption), styles["caption"])]))
    story.append(Paragraph("The nerves and nerve roots", styles["h2"]))
    story.append(Paragraph(_cite(content.roots_text), styles["body"]))
    story.append(Paragraph("What is IMS?", styles["h2"]))
    story.append(Paragraph(" ".join(_cite(c) for c in content.about_ims), styles["body"]))
    story.append(Paragraph("What to expect", styles["h2"]))
    for c in content.expect:
        story.append(Paragraph(_cite(c), styles["bullet"], bulletText="•"))
    if clinic.note.strip():
        story.append(Paragraph(f"A note from {escape(clinic.name) or 'your clinic'}", styles["h2"]))
        story.append(Paragraph(escape(clinic.note.strip()).replace("\n", "<br/>"), styles["body"]))
    if content.safety:
        story.append(Paragraph("Safety: what your practitioner takes care of", styles["h2"]))
        for c in content.safety:
            story.append(Paragraph(_cite(c), styles["bullet"], bulletText="•"))
    if content.evidence:
        story.append(Paragraph("How strong is the evidence?", styles["h2"]))
        story.append(Paragraph(_cite(content.evidence[0]), styles["body"]))
        for c in content.evidence[1:]:
            story.append(Paragraph(_cite(c), styles["bullet"], bulletText="•"))
    story.append(Paragraph("References", styles["h2"]))
    for ref in content.references:
        url = f" <font color='{SOFT}'>{escape(ref.url)}</font>" if ref.url else ""
        story.append(Paragraph(f"{ref.number}.&nbsp;&nbsp;{escape(ref.citation)}{url}", styles["ref"]))

    footer_left = " · ".join(x for x in (clinic.name, f"IMS Atlas {__version__}",
                                         f"catalog {catalog_version}" if catalog_version else "") if x)
    regular = fonts[0]

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 10)
        canvas.setFillColor(colors.HexColor(SOFT))
        y = 11 * mm
        canvas.drawString(margin, y, footer_left)
        canvas.drawRightString(page_w - margin, y, f"Page {doc.page}")
        canvas.drawString(margin, y - 4.5 * mm, "Information for patients. It does not replace your practitioner's advice.")
        canvas.restoreState()

    buf = io.BytesIO()
    side = content.side_words
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=16 * mm, bottomMargin=22 * mm,
        title=f"{content.title} ({side}): information for patients",
        author=clinic.name or "IMS Atlas",
        subject=f"IMS Atlas patient handout: {content.title}, {side}; nerve roots {', '.join(content.segments)}",
        creator=f"IMS Atlas {__version__}",
        keywords=["IMS", "dry needling", content.condition_id] + ([f"catalog {catalog_version}"] if catalog_version else []),
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
