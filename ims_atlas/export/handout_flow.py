"""ReportLab flowables the patient handout's layout needs: a heading kept with the start of
what follows it, a picture standing beside the words it illustrates, and a boxed list that
never leaves its heading alone at the foot of a page.

ReportLab is imported only when one of these is made (the classes are built on first use).
"""

from __future__ import annotations

import functools


def heading_kept_with(heading, first) -> list:
    """``heading`` then ``first``, with a conditional page break before them: the heading
    moves to the next page unless ``first`` (the paragraph, list item or picture after it)
    can begin under it on this page, as ReportLab would lay ``first`` out there (a paragraph
    that keeps two lines together, a picture that does not split).

    (ReportLab's ``keepWithNext`` moves the whole of the next flowable, so a long explanation
    would leave the first page empty; a break for a fixed height strands the heading when the
    next paragraph cannot be split to that height.)
    """
    room = _classes()["KeepWithNext"](heading, first)
    room._SPACETRANSFER = True  # the space after the paragraph above still merges with the heading's
    return [room, heading, first]


def picture_box(image, width: float, height: float, caption):
    """A picture ``width`` x ``height`` points (``image``, a flowable, fitted in at the top and
    centred) with ``caption`` (a paragraph) under it: its size does not depend on the
    picture's pixels, so a page laid out with a blank of any shape lays out the same.
    """
    return _classes()["PictureBox"](image, width, height, caption)


def side_by_side(boxes: list, gap: float):
    """Flowables of a fixed size (:func:`picture_box` boxes) side by side, ``gap`` apart, their
    tops level: one box to stand :func:`beside` the words.
    """
    return _classes()["BoxRow"](boxes, gap)


def beside(box, words: list, gap: float):
    """``box`` (:func:`picture_box`, :func:`side_by_side`) on the right with ``words`` (flowables) running down its
    left, the rest of them under it at the full width; moved whole to the next page when the
    box does not fit on this one.
    """
    from reportlab.platypus.flowables import ImageAndFlowables

    return ImageAndFlowables(box, words, imageLeftPadding=gap, imageRightPadding=0, imageBottomPadding=4,
                             imageSide="right")


def boxed_rows(rows, col_widths):
    """A one-column table of ``rows`` (its first the heading) that can break across pages but
    never leaves the heading alone at a page's foot.
    """
    return _classes()["HeadedTable"](rows, colWidths=col_widths, hAlign="LEFT", repeatRows=0)


@functools.cache
def _classes() -> dict:
    from reportlab.platypus import CondPageBreak, Flowable, Table

    class KeepWithNext(CondPageBreak):
        def __init__(self, heading, first):
            super().__init__(0)
            self.heading, self.first = heading, first

        def __repr__(self):
            return f"KeepWithNext({self.heading!r})"

        def wrap(self, availWidth, availHeight):
            _, h = self.heading.wrap(availWidth, availHeight)
            rest = availHeight - h - self.heading.getSpaceBefore() - self.heading.getSpaceAfter()
            rest -= self.first.getSpaceBefore()
            canv, first = self.canv, self.first
            fits = rest > 0 and (first.wrapOn(canv, availWidth, rest)[1] <= rest or bool(first.splitOn(canv, availWidth, rest)))
            self.height = 0 if fits else availHeight + 1
            return super().wrap(availWidth, availHeight)

    class Unscaled(Flowable):
        """A flowable ImageAndFlowables never scales down (it asks its picture for these)."""

        def _restrictSize(self, availWidth, availHeight):
            return self.wrap(availWidth, availHeight)

        def _unRestrictSize(self):
            pass

    class PictureBox(Unscaled):
        def __init__(self, image, width, height, caption):
            super().__init__()
            self.image, self.box_w, self.box_h, self.caption = image, width, height, caption
            self._cap_h = 0.0

        def wrap(self, availWidth, availHeight):
            self.image.wrap(self.box_w, self.box_h)
            self._cap_h = self.caption.wrap(self.box_w, availHeight)[1] + self.caption.getSpaceBefore()
            self.width, self.height = self.box_w, self.box_h + self._cap_h
            return self.width, self.height

        def draw(self):
            w, h = self.image.drawWidth, self.image.drawHeight
            self.image.drawOn(self.canv, (self.box_w - w) / 2, self._cap_h + self.box_h - h)
            self.caption.drawOn(self.canv, 0, 0)

    class BoxRow(Unscaled):
        def __init__(self, boxes, gap):
            super().__init__()
            self.boxes, self.gap, self._sizes = list(boxes), gap, []

        def wrap(self, availWidth, availHeight):
            self._sizes = [b.wrap(availWidth, availHeight) for b in self.boxes]
            self.width = sum(w for w, _ in self._sizes) + self.gap * (len(self._sizes) - 1)
            self.height = max(h for _, h in self._sizes)
            return self.width, self.height

        def draw(self):
            x = 0.0
            for box, (w, h) in zip(self.boxes, self._sizes, strict=True):
                box.drawOn(self.canv, x, self.height - h)
                x += w + self.gap

    class HeadedTable(Table):
        def split(self, availWidth, availHeight):
            parts = super().split(availWidth, availHeight)
            if parts and len(parts) > 1 and parts[0]._nrows < 2:
                return []
            return parts

    return {"KeepWithNext": KeepWithNext, "PictureBox": PictureBox, "BoxRow": BoxRow, "HeadedTable": HeadedTable}
