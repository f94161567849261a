"""The assessment as JSON (the ``assess --json`` shape), plain text and clinician-sheet lines."""

from __future__ import annotations

from typing import Any

from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.study.assessment import Assessment


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
    lines.append("A ranking of hypotheses to examine, not a diagnosis.")
    return "\n".join(lines)


def sheet_lines(assessment: Assessment, catalog: Catalog, top: int = 3) -> list[str]:
    """Findings and reasoning for the clinician sheet: short lines, best segments first."""
    out = []
    muscles = [f"{catalog.muscle(m.muscle).name}" + (f" ({m.side})" if m.side else "")
               + (" tender" if m.tender else "") + (" banded" if m.banded else "")
               for m in assessment.findings.muscles]
    if muscles:
        out.append("Muscles: " + "; ".join(muscles))
    if assessment.findings.signs:
        out.append("Signs: " + "; ".join(s.label for s in assessment.findings.signs))
    for s in assessment.segments[:top]:
        level = f" (paraspinal {s.paraspinal_level})" if s.paraspinal_level else ""
        line = f"{s.segment}{level}: score {s.score:g}; explains {', '.join(s.explains)}"
        if s.unexplained:
            line += f"; not {', '.join(s.unexplained)}"
        out.append(line)
    out += [f"Note: {n}" for n in assessment.notes]
    return out
