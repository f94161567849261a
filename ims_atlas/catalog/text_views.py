"""Plain-text versions of the JSON views, for reading in a terminal.

Built from the dictionaries of :mod:`~ims_atlas.catalog.json_views`, so the text and the JSON
always say the same thing.
"""

from __future__ import annotations

import textwrap
from typing import Any

_WIDTH = 92


def _wrap(text: str | None, indent: str = "  ") -> list[str]:
    if not text:
        return []
    hang = indent + ("  " if text.startswith("- ") else "")  # bullet text lines up after "- "
    return textwrap.wrap(text, _WIDTH, initial_indent=indent, subsequent_indent=hang)


def _roots(roots: list[dict[str, str]]) -> str:
    return ", ".join(f"{r['segment']}{'' if r['contribution'] == 'major' else ' (minor)'}" for r in roots) or "none"


def conditions_text(view: list[dict[str, Any]]) -> str:
    """One line per condition: id, name, aliases."""
    width = max((len(c["id"]) for c in view), default=0)
    lines = [f"{c['id']:<{width}}  {c['name']}" + (f"  ({', '.join(c['aliases'])})" if c["aliases"] else "") for c in view]
    return "\n".join(lines + [f"{len(view)} conditions"])


class _Citations:
    """Sources numbered in the order the text first cites them, listed at its end."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.listed: list[dict[str, str]] = []

    def mark(self, sources: list[dict[str, str]]) -> str:
        for s in sources:
            if s["id"] not in self.numbers:
                self.numbers[s["id"]] = len(self.numbers) + 1
                self.listed.append(s)
        return "[" + ", ".join(str(self.numbers[s["id"]]) for s in sources) + "]" if sources else ""

    def lines(self) -> list[str]:
        if not self.listed:
            return []
        out = ["", "Sources:"]
        for n, s in enumerate(self.listed, start=1):
            out += _wrap(f"{n}. {s['citation'] or s['id']}", "  ")
        return out


def plan_text(view: dict[str, Any], side: str | None = None) -> str:
    """A readable treatment plan: words for a reader, sources as numbered citations.

    The positions and the source ids are in the JSON (``--json``). ``side`` replaces the words
    for the plan's side (to say that it is the default).
    """
    cite = _Citations()
    c = view["condition"]
    title = c["name"] + (f" ({c['clinical_name']})" if c.get("clinical_name") else "")
    side = side or f"{view['side']} side{'s' if view['side'] == 'both' else ''}"
    out = [f"{title}: {side}", f"  In plain words: {c['lay_name']}"]
    out += _wrap(c.get("explanation"))
    core = f" (core {', '.join(view['core_segments'])})" if view.get("core_segments") else ""
    out += ["", f"Root segments: {', '.join(view['segments'])}{core}, {view['derivation']}"]
    out += _wrap(view.get("rationale"))
    out += ["", "Local targets:"]
    for t in view["local_targets"]:
        m = t["muscle"]
        out.append(f"  {t['side']:<5}  {m['name']}: {t['nerve']} ({_roots(t['roots'])})")
        marks = cite.mark(t["sources"])
        out += _wrap(t["epicentre"]["description"] + (f" {marks}" if marks else ""), " " * 9)
        out += _wrap(t.get("note") and f"Note: {t['note']}", " " * 9)
    if view.get("not_drawn"):
        names = ", ".join(m["name"] for m in view["not_drawn"])
        out += _wrap(f"Not shown in the pictures: {names} ({view['not_drawn'][0]['reason'].split(':')[0]}).")
    out += ["", "Paraspinal targets:"]
    for p in view["paraspinal_targets"]:
        muscles = ", ".join(m["name"] for m in p["muscles"]) or "-"
        out.append(f"  {p['level']:<3} {p['paraspinal_level']:<11} {p['side']:<5}  {muscles}")
    if view["safety"]:
        out += ["", "Safety:"]
        for s in view["safety"]:
            marks = cite.mark(s["sources"])
            out += _wrap(f"- {s['text']}" + (f" {marks}" if marks else ""))
    if view.get("red_flags"):
        out += ["", "Red flags (refer, do not needle):"]
        for r in view["red_flags"]:
            marks = cite.mark(r["sources"])
            out += _wrap(f"- {r['title']}: {r['signs']} {r['action']}" + (f" {marks}" if marks else ""))
    if view.get("contraindications"):
        out += ["", "Contraindications, precautions and hazards:"]
        for c in view["contraindications"]:
            marks = cite.mark(c["sources"])
            out += _wrap(f"- {c['title']} ({c['kind']}): {c['text']}" + (f" {marks}" if marks else ""))
    if view["references"]:
        out += ["", "References:"]
        for r in view["references"]:
            out += _wrap(f"- {r['source']['citation'] or r['source']['id']}")
            out += _wrap(r["evidence"], "    ")
    if c.get("evidence_note"):
        out += ["", "Evidence:"] + _wrap(c["evidence_note"])
    return "\n".join(out + cite.lines())


def muscle_text(view: dict[str, Any]) -> str:
    """A readable muscle entry."""
    out = [f"{view['name']} ({view['id']})"]
    if view["aliases"]:
        out.append(f"  Also: {', '.join(view['aliases'])}")
    out.append(f"  In plain words: {view['lay_name']}")
    out.append(f"  Nerve: {view['nerve']}" + (f"; cranial nerve {view['cranial_nerve']}" if view.get("cranial_nerve") else ""))
    out.append(f"  Roots: {_roots(view['roots'])}")
    out += _wrap(view.get("disagreement") and f"Sources disagree: {view['disagreement']}")
    out.append(f"  Conditions: {', '.join(c['name'] for c in view['conditions']) or 'none in the catalog'}")
    out.append("  Sources:")
    out += [line for s in view["sources"] for line in _wrap(f"- {s['citation'] or s['id']}", "    ")]
    return "\n".join(out)


def segment_text(view: dict[str, Any]) -> str:
    """A readable segment entry."""
    out = [f"Segment {view['segment']}: the root leaves at {view['paraspinal_level']}"]
    para = ", ".join(m["name"] for m in view["paraspinal_muscles"]) or "-"
    out.append(f"  Paraspinal muscles needled there: {para}")
    out.append("  Muscles it supplies:")
    for m in view["muscles"]:
        out.append(f"    {m['name']}" + ("" if m["contribution"] == "major" else " (minor)"))
    if not view["muscles"]:
        out.append("    none in the catalog")
    out.append(f"  Conditions: {', '.join(c['name'] for c in view['conditions']) or 'none in the catalog'}")
    out += _wrap(view.get("notes"))
    out += _dermatome_lines(view)
    return "\n".join(out)


def _dermatome_lines(view: dict[str, Any]) -> list[str]:
    """The dermatome's painted area in each map, and the published maps not painted (with why)."""
    lines = []
    for d in view.get("dermatome") or ():
        area = d.get("area_cm2")
        where = d.get("note") or (f"{area['left']:.0f} cm² left, {area['right']:.0f} cm² right" if area else "no area")
        lines.append(f"  Dermatome, {d['map']}: {where}")
    for d in view.get("dermatome_not_painted") or ():
        lines.append(f"  Dermatome, {d['map']}: not painted")
        lines += _wrap(d["why"], indent="    ")
    return lines
