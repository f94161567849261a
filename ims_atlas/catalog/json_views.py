"""The JSON shapes of the catalog commands (``--json``): a public interface.

Other tools read these, so the documented keys never change name; new keys may be added.
Sources are resolved to ``{"id", "citation"[, "url"]}``; positions are metres in the mesh
frame (+Z up, -Y anterior, +X the subject's left), rounded to 4 decimals, or null.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ims_atlas.catalog.entries import Condition, Muscle, Point, Root
from ims_atlas.catalog.plan import TreatmentPlan
from ims_atlas.catalog.rules import paraspinal_level_for
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import Problem
from ims_atlas.core.ids import normalise_segment


def position(p: Point | None) -> list[float] | None:
    """``[x, y, z]`` rounded to 4 decimals (0.1 mm), or None."""
    return None if p is None else [round(float(v), 4) for v in p]


def sources(catalog: Catalog, ids: Iterable[str]) -> list[dict[str, str]]:
    """Resolved citations for source ids (an unknown id keeps its id with an empty citation)."""
    out = []
    for sid in ids:
        s = catalog.source(sid)
        entry = {"id": sid, "citation": s.citation if s else ""}
        if s is not None and s.url:
            entry["url"] = s.url
        out.append(entry)
    return out


def condition_summary(c: Condition) -> dict[str, Any]:
    """``{"id", "name", "aliases", ...}`` for a condition."""
    return {"id": c.id, "name": c.name, "aliases": list(c.aliases), "lay_name": c.lay_name, "region": c.region}


def _muscle_ref(m: Muscle) -> dict[str, str]:
    return {"id": m.id, "name": m.name, "lay_name": m.lay_name}


def _roots(roots: Iterable[Root]) -> list[dict[str, str]]:
    return [{"segment": r.segment, "contribution": r.contribution} for r in roots]


def _condition_ref(c: Condition) -> dict[str, str]:
    return {"id": c.id, "name": c.name}


def conditions_view(catalog: Catalog) -> list[dict[str, Any]]:
    """``ims-atlas conditions --json``: one summary per condition, in catalog order."""
    return [condition_summary(c) for c in catalog.conditions]


def plan_view(catalog: Catalog, plan: TreatmentPlan) -> dict[str, Any]:
    """``ims-atlas plan QUERY --json``."""
    c = plan.condition
    rs = c.root_segments
    condition = condition_summary(c) | {
        "clinical_name": c.clinical_name,
        "lay_terms": list(c.lay_terms),
        "explanation": c.explanation,
        "evidence_note": c.evidence_note,
        "widespread": c.widespread,
    }
    return {
        "condition": condition,
        "side": plan.side,
        "segments": list(plan.segments),
        "core_segments": list(plan.core_segments),
        "rationale": rs.rationale,
        "derivation": rs.derivation,
        "segment_sources": sources(catalog, rs.sources),
        "local_targets": [
            {
                "side": t.side,
                "muscle": _muscle_ref(t.muscle),
                "nerve": t.nerve,
                "roots": _roots(t.roots),
                "epicentre": {
                    "description": t.description,
                    "along": t.target.epicentre.along,
                    "approach": t.target.epicentre.approach,
                    "position": position(t.position),
                },
                "sources": sources(catalog, t.target.sources),
                "note": t.target.note,
            }
            for t in plan.local_targets
        ],
        "paraspinal_targets": [
            {
                "level": p.segment,
                "paraspinal_level": p.paraspinal_level,
                "side": p.side,
                "muscles": [{"id": m.id, "name": m.name} for m in p.muscles],
                "position": position(p.position),
            }
            for p in plan.paraspinal_targets
        ],
        "safety": [{"text": s.text, "sources": sources(catalog, s.sources)} for s in plan.safety],
        "contraindications": [
            {"id": c.id, "kind": c.kind, "title": c.title, "text": c.text, "patient_text": c.patient_text,
             "sources": sources(catalog, c.sources)}
            for c in plan.contraindications
        ],
        "red_flags": [
            {"id": r.id, "title": r.title, "signs": r.signs, "action": r.action, "patient_text": r.patient_text,
             "sources": sources(catalog, r.sources)}
            for r in plan.red_flags
        ],
        "references": [
            {"source": sources(catalog, [r.source])[0], "evidence": r.evidence} for r in plan.references
        ],
    }


def muscle_view(catalog: Catalog, muscle_id: str) -> dict[str, Any]:
    """``ims-atlas muscle QUERY --json``."""
    m = catalog.muscle(muscle_id)
    return {
        "id": m.id,
        "name": m.name,
        "aliases": list(m.aliases),
        "latin": m.latin,
        "lay_name": m.lay_name,
        "region": m.region,
        "nerve": m.nerve,
        "cranial_nerve": m.cranial_nerve,
        "roots": _roots(m.roots),
        "disagreement": m.disagreement,
        "notes": m.notes,
        "sources": sources(catalog, m.sources),
        "conditions": [_condition_ref(c) for c in catalog.conditions_for_muscle(m.id)],
    }


def segment_view(catalog: Catalog, segment: str) -> dict[str, Any]:
    """``ims-atlas segment C6 --json``."""
    name = normalise_segment(segment) or segment
    try:
        entry = catalog.segment(name)
        level, paraspinal, notes, srcs = entry.paraspinal_level, entry.paraspinal_muscles, entry.notes, entry.sources
    except KeyError:
        level, paraspinal, notes, srcs = paraspinal_level_for(name), (), None, ()
    return {
        "segment": name,
        "muscles": [{"id": m.id, "name": m.name, "contribution": contribution}
                    for m, contribution in catalog.muscles_for_segment(name)],
        "paraspinal_level": level,
        "paraspinal_muscles": [{"id": m, "name": catalog.muscle(m).name if catalog.has_muscle(m) else m} for m in paraspinal],
        "conditions": [_condition_ref(c) for c in catalog.conditions_for_segment(name)],
        "notes": notes,
        "sources": sources(catalog, srcs),
    }


def problems_view(problems: Iterable[Problem]) -> list[dict[str, str]]:
    """``ims-atlas validate --json``: one object per problem."""
    return [{"file": p.file, "path": p.path, "severity": p.severity, "message": p.message} for p in problems]
