"""Draw the annotations onto a rendered picture with Pillow: title, labels with leader lines,
legend and the clinic's name.

The picture is planned before it is rendered (:func:`plan_regions`: where the title, the
legend, the label columns and the anatomy go, sized from the fonts), so the renderer can
frame the anatomy inside its box; :func:`compose` then draws everything on top. Text and
cards are sized from the picture's area, so slides, A4 prints and custom sizes all read well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw

from ims_atlas.export.annotations import Annotation, LegendItem, Target, role_color
from ims_atlas.export.fonts import pil_font
from ims_atlas.export.label_layout import (
    Box,
    LabelLayout,
    LabelRequest,
    columns_for,
    place_labels,
)

INK = (28, 32, 40, 255)
INK_SOFT = (70, 76, 90, 255)
CARD = (255, 255, 255, 236)
EDGE = (150, 158, 172, 255)
HALO = (255, 255, 255, 230)

#: Label sizes tried in turn until every label fits: (text scale, with the plain-words line).
FIT_STEPS = ((1.0, True), (0.88, True), (1.0, False), (0.86, False), (0.74, False))


@dataclass(frozen=True)
class Style:
    """Sizes (pixels) of text and spacing on one picture."""

    title_px: int
    subtitle_px: int
    label_px: int
    detail_px: int
    legend_px: int
    small_px: int
    margin: int
    pad: int
    gap: int
    radius: int
    line: int
    gutter: float  # width of one label column, as a fraction of the picture's width
    header: bool = True
    footer: bool = True
    details: bool = True  # a second, plain-words line under each label's name
    #: The smallest a label's text may get when labels crowd (a handout's pictures keep their
    #: labels at print size: :mod:`ims_atlas.export.handout`).
    min_label_px: int = 8


def style_for(size: tuple[int, int], header: bool = True, footer: bool = True, text_scale: float = 1.0,
              details: bool = True, gutter: float | None = None) -> Style:
    """The style for a picture of ``size``: text grows with the square root of the area
    (so an A4 print at 300 dpi gets about 13 pt labels), scaled by ``text_scale``; ``gutter``
    overrides the width of a label column (a fraction of the picture's width).
    """
    w, h = size
    u = min(max(math.sqrt(w * h / (1920 * 1080)), 0.4), 3.5) * text_scale
    px = lambda v: max(int(round(v * u)), 8)  # noqa: E731
    return Style(title_px=px(50), subtitle_px=px(29), label_px=px(27), detail_px=px(22), legend_px=px(24),
                 small_px=px(18), margin=px(18), pad=px(12), gap=px(9), radius=px(12), line=max(int(round(3 * u)), 2),
                 gutter=gutter if gutter is not None else (0.235 if w >= h else 0.285),
                 header=header, footer=footer, details=details)


@dataclass(frozen=True)
class Regions:
    """Where things go on the picture."""

    size: tuple[int, int]
    header: Box | None
    footer: Box | None
    view: Box
    left: Box
    right: Box


def _line_h(px: int) -> int:
    return int(round(px * 1.28))


def wrap(text: str, font, width: float) -> list[str]:
    """Greedy word wrap to ``width`` pixels (a word longer than a line is cut, with a hyphen)."""
    return wrap_checked(text, font, width)[0]


def wrap_checked(text: str, font, width: float) -> tuple[list[str], bool]:
    """Word wrap, and whether a word had to be cut to fit."""
    cut_any = False
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while font.getlength(line) > width and len(line) > 1:
                cut_any = True
                # A cut word says so with a hyphen ("Semimembran-" / "osus", not "Semimembranos"
                # / "us" read as two words), where there is room for one.
                cut = len(line)
                while cut > 1 and font.getlength(line[:cut] + "-") > width:
                    cut -= 1
                if cut > 1 and line[cut - 1] != " " and line[cut:cut + 1] != " ":
                    lines.append(line[:cut] + "-")
                else:
                    while cut > 1 and font.getlength(line[:cut]) > width:
                        cut -= 1
                    lines.append(line[:cut])
                line = line[cut:]
        if line:
            lines.append(line)
    return lines, cut_any


def _legend_rows(items: tuple[LegendItem, ...], style: Style, width: float) -> list[list[tuple[LegendItem, float]]]:
    """Legend items flowed into rows that fit ``width``: each with its drawn width."""
    font = pil_font(style.legend_px)
    rows: list[list[tuple[LegendItem, float]]] = [[]]
    used = 0.0
    for item in items:
        w = style.legend_px * 1.6 + style.gap + font.getlength(item.text)
        if rows[-1] and used + style.gap * 3 + w > width:
            rows.append([])
            used = 0.0
        used += (style.gap * 3 if rows[-1] else 0) + w
        rows[-1].append((item, w))
    return [r for r in rows if r]


def _wrap_parts(text: str, font, width: float) -> list[str]:
    """``text`` in lines that fit ``width``, broken between its " · " parts where it can (a
    part too long for a line is word-wrapped).
    """
    lines: list[str] = []
    for part in (text or "").split(" · "):
        joined = f"{lines[-1]} · {part}" if lines else part
        if lines and font.getlength(joined) <= width:
            lines[-1] = joined
        else:
            lines += wrap(part, font, width) if font.getlength(part) > width else [part]
    return [line for line in lines if line]


@dataclass(frozen=True)
class FooterPlan:
    """How the footer is laid out: the legend's rows (top left), the clinic's name (top right,
    beside the legend), then the small line: the note on unlabelled targets at the left and the
    app line (app, catalog and the anatomy's credit) at the right, on the note's line when both
    fit, else under it. Planned once for :func:`plan_regions` and drawn from the same plan, so
    the footer drawn is the footer the anatomy was framed above.
    """

    rows: tuple[tuple[tuple[LegendItem, float], ...], ...]
    app_lines: tuple[str, ...]
    shared: bool  # the app line's first line shares the note's line
    height: float


def footer_plan(legend: tuple[LegendItem, ...], clinic: str, app_line: str, style: Style, width: float) -> FooterPlan:
    """The footer's layout for a footer box ``width`` pixels wide (see :class:`FooterPlan`).

    The app line no longer shares the legend's width: a longer one (the anatomy's credit)
    would narrow the legend into more rows and the picture's anatomy into less height.
    """
    inner = width - 2 * style.pad
    clinic_w = pil_font(style.legend_px, True).getlength(clinic) if clinic else 0.0
    legend_w = max(inner - clinic_w - 4 * style.gap, inner * 0.4) if clinic else inner
    rows = tuple(tuple(r) for r in _legend_rows(legend, style, legend_w))
    small = pil_font(style.small_px)
    lines = tuple(_wrap_parts(app_line, small, inner))
    # The note's room is kept before it is known (the labels are placed after the plan).
    note_w = small.getlength(unlabelled_note(999))
    shared = bool(lines) and note_w + 4 * style.gap + small.getlength(lines[0]) <= inner
    small_rows = 1 + len(lines) - (1 if shared else 0)
    top = max(len(rows) * _line_h(style.legend_px), _line_h(style.legend_px) if clinic else 0)
    return FooterPlan(rows, lines, shared, 2 * style.pad + top + small_rows * _line_h(style.small_px))


def plan_regions(size: tuple[int, int], style: Style, annotation: Annotation, clinic: str = "", app_line: str = "",
                 labels: bool = True, content_aspect: float | None = None) -> Regions:
    """Where the title, the legend, the label columns and the anatomy go.

    ``content_aspect`` (width / height of what will be framed, seen from the camera) lets
    the label columns grow beside narrow content (a whole leg), up to 36% of the width each.
    """
    w, h = size
    m = style.margin
    header = footer = None
    top, bottom = m, h - m
    if style.header:
        hh = 2 * style.pad + _line_h(style.title_px) + (_line_h(style.subtitle_px) if annotation.subtitle else 0)
        header = Box(m, m, w - 2 * m, hh)
        top = header.bottom + m
    if style.footer and (annotation.legend or clinic or app_line):
        fh = footer_plan(annotation.legend, clinic, app_line, style, w - 2 * m).height
        footer = Box(m, h - m - fh, w - 2 * m, fh)
        bottom = footer.y - m
    gutter = style.gutter * w if labels and annotation.targets else 0.0
    if gutter and content_aspect is not None and content_aspect > 0:
        needed = (bottom - top) * content_aspect * 1.15
        gutter = max(gutter, min((w - 2 * m - needed) / 2 - m, 0.36 * w))
    view = Box(gutter + m, top, max(w - 2 * (gutter + m), 1.0), max(bottom - top, 1.0))
    left, right = columns_for(size, view, m)
    return Regions(size, header, footer, view, left, right)


# -- labels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelText:
    """A label's wrapped lines and its size at one text scale."""

    title: tuple[str, ...]
    detail: tuple[str, ...]
    title_px: int
    detail_px: int
    size: tuple[float, float]
    cut: bool = False  # a word was too long for the column and was cut


def measure_label(target: Target, style: Style, max_width: float, scale: float, details: bool) -> LabelText:
    """Wrap a label's text to ``max_width`` and return its lines and box size."""
    floor = max(style.min_label_px, 8)
    tpx, dpx = max(int(style.label_px * scale), floor), max(int(style.detail_px * scale), floor)
    stripe = max(style.pad // 2, 3)
    inner = max(max_width - 2 * style.pad - stripe, 10)
    title, cut = wrap_checked(target.title, pil_font(tpx, True), inner)
    detail, cut_detail = wrap_checked(target.detail, pil_font(dpx), inner) if details and target.detail else ([], False)
    width = max([pil_font(tpx, True).getlength(t) for t in title] + [pil_font(dpx).getlength(d) for d in detail] + [1])
    height = len(title) * _line_h(tpx) + len(detail) * _line_h(dpx) + 2 * style.pad * 0.8
    return LabelText(tuple(title), tuple(detail), tpx, dpx, (width + 2 * style.pad + stripe, height), cut or cut_detail)


def fit_labels(targets: tuple[Target, ...], anchors: dict[str, tuple[float, float]], regions: Regions,
               style: Style) -> tuple[LabelLayout, dict[str, LabelText]]:
    """Place the labels of ``targets`` whose points are in ``anchors`` (pixels), trying smaller
    text and then titles only until none is left out and no word is cut.
    """
    best: tuple[LabelLayout, dict[str, LabelText]] | None = None
    best_cost = 1 << 30
    shown = [t for t in targets if t.key in anchors]
    hidden = tuple(t.key for t in targets if t.key not in anchors)
    width = max(regions.left.w, regions.right.w)
    steps = [(scale, details) for scale, details in FIT_STEPS if style.details or not details]
    for rank, (scale, details) in enumerate(steps):
        texts = {t.key: measure_label(t, style, width, scale, details) for t in shown}
        requests = [LabelRequest(t.key, anchors[t.key], texts[t.key].size, t.priority) for t in shown]
        layout = place_labels(requests, regions.left, regions.right, gap=style.gap)
        # Leaving a label out is worst, then a word cut in two, then a leader line across the
        # picture (to the far column); each smaller text step costs a little too.
        cost = 1000 * len(layout.dropped) + 100 * sum(t.cut for t in texts.values()) + 2 * layout.moved + rank
        if best is None or cost < best_cost:
            best, best_cost = (layout, texts), cost
        if cost == rank:
            break
    assert best is not None
    layout, texts = best
    px = tuple(min(texts[p.key].title_px, texts[p.key].detail_px if texts[p.key].detail else 1 << 30)
               for p in layout.placed)
    return LabelLayout(layout.placed, layout.dropped + hidden, px), texts


def _rgba(rgb, alpha: int = 255) -> tuple[int, int, int, int]:
    return (int(rgb[0] * 255), int(rgb[1] * 255), int(rgb[2] * 255), alpha)


def _draw_label(draw: ImageDraw.ImageDraw, box: Box, text: LabelText, color, style: Style) -> None:
    stripe = max(style.pad // 2, 3)
    # A card in the role's colour, covered but for a stripe on its left by the white card;
    # a thin grey edge keeps it apart from a light background.
    draw.rounded_rectangle([box.x, box.y, box.right, box.bottom], radius=style.radius, fill=color)
    draw.rounded_rectangle([box.x + stripe, box.y, box.right, box.bottom], radius=style.radius, fill=CARD,
                           corners=(False, True, True, False))
    draw.rounded_rectangle([box.x, box.y, box.right, box.bottom], radius=style.radius, outline=EDGE, width=1)
    x = box.x + stripe + style.pad
    y = box.y + style.pad * 0.8
    for line in text.title:
        draw.text((x, y), line, font=pil_font(text.title_px, True), fill=INK)
        y += _line_h(text.title_px)
    for line in text.detail:
        draw.text((x, y), line, font=pil_font(text.detail_px), fill=INK_SOFT)
        y += _line_h(text.detail_px)


def _draw_leader(draw: ImageDraw.ImageDraw, start, end, color, style: Style) -> None:
    lw = style.line
    draw.line([start, end], fill=HALO, width=lw + 2 * max(lw // 2, 1))
    draw.line([start, end], fill=color, width=lw)
    r = lw * 1.6
    x, y = end
    draw.ellipse([x - r - 1, y - r - 1, x + r + 1, y + r + 1], fill=HALO)
    draw.ellipse([x - r * 0.6, y - r * 0.6, x + r * 0.6, y + r * 0.6], fill=color)


def _draw_shape(draw: ImageDraw.ImageDraw, item: LegendItem, x: float, y: float, s: float) -> float:
    """Draw a legend shape of height ``s`` at (x, y) (top-left); return its width."""
    fill = _rgba(item.color)
    outline = INK_SOFT
    if item.shape == "circle":
        draw.ellipse([x, y, x + s, y + s], fill=fill, outline=outline, width=1)
        return s
    if item.shape == "square":
        draw.rectangle([x + s * 0.08, y + s * 0.08, x + s * 0.92, y + s * 0.92], fill=fill, outline=outline, width=1)
        return s
    if item.shape == "bar":
        draw.rectangle([x + s * 0.3, y, x + s * 0.7, y + s], fill=fill, outline=outline, width=1)
        return s
    draw.rounded_rectangle([x, y + s * 0.15, x + s * 1.6, y + s * 0.85], radius=s * 0.2, fill=fill, outline=outline, width=1)
    return s * 1.6


def _draw_header(draw: ImageDraw.ImageDraw, box: Box, annotation: Annotation, style: Style) -> None:
    draw.rounded_rectangle([box.x, box.y, box.right, box.bottom], radius=style.radius, fill=CARD, outline=EDGE, width=1)
    room = box.w - 2 * style.pad
    px = style.title_px
    while px > 10 and pil_font(px, True).getlength(annotation.title) > room:
        px -= 1
    draw.text((box.x + style.pad, box.y + style.pad), annotation.title, font=pil_font(px, True), fill=INK)
    if annotation.subtitle:
        spx = style.subtitle_px
        while spx > 8 and pil_font(spx).getlength(annotation.subtitle) > room:
            spx -= 1
        draw.text((box.x + style.pad, box.y + style.pad + _line_h(style.title_px)), annotation.subtitle,
                  font=pil_font(spx), fill=INK_SOFT)


def _draw_footer(draw: ImageDraw.ImageDraw, box: Box, legend: tuple[LegendItem, ...], note: str, clinic: str,
                 app_line: str, style: Style) -> None:
    draw.rounded_rectangle([box.x, box.y, box.right, box.bottom], radius=style.radius, fill=CARD, outline=EDGE, width=1)
    plan = footer_plan(legend, clinic, app_line, style, box.w)
    font = pil_font(style.legend_px)
    y = box.y + style.pad
    for row in plan.rows:
        x = box.x + style.pad
        for item, width in row:
            shape_w = _draw_shape(draw, item, x, y + style.legend_px * 0.12, style.legend_px)
            draw.text((x + shape_w + style.gap, y), item.text, font=font, fill=INK)
            x += width + style.gap * 3
        y += _line_h(style.legend_px)
    if clinic:
        f = pil_font(style.legend_px, True)
        draw.text((box.right - style.pad - f.getlength(clinic), box.y + style.pad), clinic, font=f, fill=INK)
        y = max(y, box.y + style.pad + _line_h(style.legend_px))
    small = pil_font(style.small_px)
    if note:
        draw.text((box.x + style.pad, y), note, font=small, fill=INK_SOFT)
    if not plan.shared:
        y += _line_h(style.small_px)
    for line in plan.app_lines:
        draw.text((box.right - style.pad - small.getlength(line), y), line, font=small, fill=INK_SOFT)
        y += _line_h(style.small_px)


def compose(image: np.ndarray, regions: Regions, annotation: Annotation, anchors: dict[str, tuple[float, float]],
            style: Style, clinic: str = "", app_line: str = "", dropped: int = 0,
            fitted: tuple[LabelLayout, dict[str, LabelText]] | None = None) -> tuple[Image.Image, LabelLayout]:
    """Draw title, labels, leader lines and legend onto a rendered RGBA picture.

    Parameters
    ----------
    image
        The rendered picture, (height, width, 4) uint8 with straight alpha.
    regions
        From :func:`plan_regions` for the same size and style.
    annotation
        Title, targets and legend.
    anchors
        Pixel position of each visible target, by target key.
    style
        Text sizes.
    clinic, app_line
        The clinic's name and a small line naming the app and catalog versions.
    dropped
        Targets left out of labels drawn elsewhere (the panels of a larger picture), to count
        in the footer's note.
    fitted
        The labels as :func:`fit_labels` placed them for these targets, anchors, regions and
        style (a caller that laid them out before rendering); placed here otherwise.

    Returns
    -------
    tuple
        The RGBA picture and the label layout (with the targets that were left out).
    """
    base = Image.fromarray(np.ascontiguousarray(image), "RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if fitted is not None:
        layout, texts = fitted
    else:
        layout, texts = fit_labels(annotation.targets, anchors, regions, style) if annotation.targets \
            else (LabelLayout(()), {})
    roles = {t.key: t.role for t in annotation.targets}
    for p in layout.placed:
        _draw_leader(draw, p.leader_start, p.anchor, _rgba(role_color(roles[p.key])), style)
    for p in layout.placed:
        _draw_label(draw, p.box, texts[p.key], _rgba(role_color(roles[p.key])), style)
    if regions.header is not None:
        _draw_header(draw, regions.header, annotation, style)
    if regions.footer is not None:
        note = unlabelled_note(len(layout.dropped) + dropped)
        _draw_footer(draw, regions.footer, annotation.legend, note, clinic, app_line, style)
    return Image.alpha_composite(base, overlay), layout


def unlabelled_note(n: int) -> str:
    """The footer's word on targets left unlabelled (the picture stands alone: it names no plan)."""
    if not n:
        return ""
    return f"{n} more target{'s' if n != 1 else ''} not labelled at this size"


def without_header(style: Style) -> Style:
    """The same style with no title card (pictures inside a handout)."""
    return replace(style, header=False)
