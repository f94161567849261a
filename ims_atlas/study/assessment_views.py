"""The assessment as JSON (the ``assess --json`` shape), plain text and what the clinician sheet prints."""

from __future__ import annotations

from typing import Any

from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.study.assessment import Assessment

#: Said under the findings wherever they are printed.
CAVEAT = "A ranking of hypotheses to examine, not a diagnosis."
#: How the score is made, in one sentence (the panel, the sheet).
METHOD = ("Each marked muscle counts for its roots (major 1, minor 0.5, +0.5 where a published root table "
          "names it an indicator muscle of the segment); each sign counts 1 for the segment it was found at.")


def assessment_view(assessment: Assessment) -> dict[str, Any]:
    """``{"segments": [{"segment", "score", "explains", "unexplained", ...}, ...]}``, best first.

    Besides the four named keys each segment carries ``paraspinal_level``, ``sides`` and
    ``reasoning`` (one entry per finding: weight, why, sources); ``notes`` says what no
    segment can explain.
    """
    return {
        "segments": [
            {
                "segment": s.segment,
                "score": s.score,
                "explains": list(s.explains),
                "unexplained": list(s.unexplained),
                "paraspinal_level": s.paraspinal_level,
                "sides": list(s.sides),
                "reasoning": [{"finding": r.finding, "weight": r.weight, "why": r.why, "sources": list(r.sources)}
                              for r in s.reasons],
            }
            for s in assessment.segments
        ],
        "findings": assessment.findings.labels(),
        "notes": list(assessment.notes),
    }


def assessment_text(view: dict[str, Any]) -> str:
    """The ranking in plain text, as the command line prints it without ``--json``."""
    if not view["segments"]:
        return "No segment explains these findings."
    lines = [f"Findings: {', '.join(view['findings'])}", ""]
    for i, s in enumerate(view["segments"], 1):
        level = f", paraspinal level {s['paraspinal_level']}" if s.get("paraspinal_level") else ""
        lines.append(f"{i}. {s['segment']}  score {s['score']:g}{level}")
        for r in s["reasoning"]:
            mark = "+" if r["weight"] > 0 else "-"
            lines.append(f"   {mark} {r['finding']}: {r['why']}" + (f" (+{r['weight']:g})" if r["weight"] else ""))
    for note in view.get("notes", []):
        lines.append(f"Note: {note}")
    lines.append("")
    lines.append(CAVEAT)
    return "\n".join(lines)


def finding_words(assessment: Assessment, catalog: Catalog) -> list[str]:
    """Each finding in words: ``"Supraspinatus, right: tender, taut band"``, then the signs."""
    from ims_atlas.study.signs import bundled_signs

    out = []
    for m in assessment.findings.muscles:
        flags = ", ".join(f for f, on in (("tender", m.tender), ("taut band", m.banded)) if on)
        out.append(f"{catalog.muscle(m.muscle).name}, {m.side or 'side not given'}" + (f": {flags}" if flags else ""))
    signs = bundled_signs()
    for s in assessment.findings.signs:
        sign = signs.find(s.sign)
        out.append(f"{sign.name if sign else s.sign} at {s.segment}" + (f", {s.side}" if s.side else ""))
    return out


def sheet_view(assessment: Assessment, catalog: Catalog, top: int = 3) -> dict[str, Any]:
    """What the clinician sheet prints of an assessment (plain JSON data): the findings in
    words, the ``top`` best segments (and any tied with the last) with their reasoning, the
    notes, how the score is made and the caveat.
    """
    view = assessment_view(assessment)
    best = {s.segment for s in assessment.best(top)}
    return {
        "findings": finding_words(assessment, catalog),
        "segments": [s for s in view["segments"] if s["segment"] in best],
        "more": max(0, len(view["segments"]) - len(best)),
        "notes": view["notes"],
        "method": METHOD,
        "caveat": CAVEAT,
    }
