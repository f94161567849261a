"""The examination findings and the segments that explain them, as the clinician sheet prints them.

The findings are the patient's: they go into the clinician sheet the user saves and nowhere
else (not the handout, not the PDF's metadata, not the export job's files). The input is
:func:`ims_atlas.study.assessment_views.sheet_view`'s plain data, so a window can hand it to
an export worker as JSON.
"""

from __future__ import annotations

from typing import Any

#: The section's heading on the clinician sheet.
HEADING = "Examination findings and the segments that explain them"


def assessment_story(view: dict[str, Any], styles: dict, escape) -> list:
    """ReportLab flowables for the section: the findings, the ranked segments with their
    reasoning, the notes, how the score is made and the caveat.

    ``escape`` makes a text safe for the sheet's fonts and for a ReportLab paragraph.
    """
    from reportlab.platypus import Paragraph

    story: list = [Paragraph(escape(HEADING), styles["h2c"])]
    findings = view.get("findings") or []
    story.append(Paragraph("<b>Findings:</b> " + (escape("; ".join(findings)) if findings else "none marked"),
                           styles["bodyc"]))
    segments = view.get("segments") or []
    if not segments:
        story.append(Paragraph("No segment explains these findings.", styles["bodyc"]))
    for i, s in enumerate(segments, 1):
        level = f", paraspinal level {escape(s['paraspinal_level'])}" if s.get("paraspinal_level") else ""
        sides = f", {escape(' and '.join(s['sides']))}" if s.get("sides") else ""
        story.append(Paragraph(f"<b>{i}. {escape(s['segment'])}</b> score {s['score']:g}{level}{sides}",
                               styles["bodyc"]))
        for r in s.get("reasoning", []):
            mark = f"+{r['weight']:g}" if r["weight"] else "0"
            story.append(Paragraph(f"{escape(r['why'])} ({mark})", styles["bulletc"],
                                   bulletText="+" if r["weight"] else "–"))
    if view.get("more"):
        story.append(Paragraph(f"{view['more']} more segment(s) explain some findings with lower scores.",
                               styles["bodyc"]))
    for note in view.get("notes", []):
        story.append(Paragraph(f"<i>{escape(note)}</i>", styles["bodyc"]))
    small = " ".join(escape(view[k]) for k in ("method", "caveat") if view.get(k))
    if small:
        story.append(Paragraph(small, styles["refc"]))
    return story
