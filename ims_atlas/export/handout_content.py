"""The words of a patient handout, from a treatment plan: pure, no layout.

Plain words first with the anatomical (Latin) names beside them; every sourced statement
carries reference numbers, numbered in order of first citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ims_atlas.catalog.entries import Muscle, Source
from ims_atlas.catalog.plan import TreatmentPlan
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.export.annotations import SIDE_WORDS
from ims_atlas.export.patient_text import ABOUT_IMS, EXTRA_SOURCES, WHAT_TO_EXPECT, Statement


@dataclass(frozen=True)
class TargetLine:
    """One target in plain words: ``plain`` (lay name) and ``name`` (anatomical), with nerve."""

    plain: str
    name: str
    latin: str
    nerve: str
    side: str = ""
    #: False when the anatomy has no 3D model of the muscle: the pictures cannot show it.
    drawn: bool = True
    #: The catalog's id of the muscle (for a local target), which the picture's key numbers.
    muscle_id: str = ""


@dataclass(frozen=True)
class Cited:
    """A paragraph and the numbers of its references."""

    text: str
    refs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A numbered reference."""

    number: int
    citation: str
    url: str = ""


@dataclass(frozen=True)
class HandoutContent:
    """Everything a handout says, in order."""

    condition_id: str
    title: str
    side: str
    side_words: str
    lay_name: str
    clinical_name: str
    explanation: str
    segments: tuple[str, ...]
    core_segments: tuple[str, ...]
    roots_text: Cited
    local: tuple[TargetLine, ...]
    paraspinal: tuple[TargetLine, ...]
    about_ims: tuple[Cited, ...]
    expect: tuple[Cited, ...]
    safety: tuple[Cited, ...]
    evidence: tuple[Cited, ...]
    references: tuple[Reference, ...] = field(default=())
    #: For the patient: what to tell the practitioner before treatment (the contraindications'
    #: plain words) and when to call for help (the red flags' plain words).
    tell_us: tuple[Cited, ...] = ()
    #: The muscles needled beside the spine, by name, each once (lower case).
    paraspinal_muscles: tuple[str, ...] = ()
    call_if: tuple[Cited, ...] = ()
    #: For the clinician sheet: contraindications, precautions and hazards; red flags.
    screening: tuple[Cited, ...] = ()
    red_flags: tuple[Cited, ...] = ()


def _capital(text: str) -> str:
    text = (text or "").strip()
    return text[:1].upper() + text[1:]


def roots_words(muscle: Muscle) -> str:
    """``"C6, C7"``; a minor root in brackets; ``"cranial nerve"`` if it has no spinal root."""
    parts = [r.segment if r.contribution == "major" else f"({r.segment})" for r in muscle.roots]
    return ", ".join(parts) or "cranial nerve"


def plain_nerve(nerve: str) -> str:
    """A nerve's name without the anatomist's asides in brackets (kept in the catalog)."""
    return re.sub(r"\s*\([^()]*\)", "", nerve or "").strip() or (nerve or "")


def picture_numbers(local: tuple[TargetLine, ...]) -> dict[str, int]:
    """The number each drawn muscle of ``local`` has in the handout's key (1, 2, ... in the
    order the handout lists them), by muscle id: the muscle pictures are labelled with these
    numbers, the list of muscles in the words is numbered with them. A muscle the pictures
    cannot show has none.
    """
    drawn = [t.muscle_id for t in local if t.drawn and t.muscle_id]
    return {mid: i for i, mid in enumerate(dict.fromkeys(drawn), start=1)}


def and_list(items) -> str:
    """``["C5", "C6", "C7"]`` -> ``"C5, C6 and C7"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def spine_words(levels) -> tuple[str, str]:
    """Where beside the spine, in a patient's words, and a sentence for the words a patient may
    not know: ``["L5-S1", "the S1 foramen"]`` -> ``("at L5-S1, and over the S1 opening",
    "The S1 opening is in the sacrum, the bone at the base of the spine.")``.

    A level is a paraspinal level as the handout's lines name it ("C5-C6", "occiput-C1",
    "the S1 foramen").
    """
    levels = [level.removeprefix("the ") for level in levels]
    joints = [level for level in levels if not level.endswith(" foramen")]
    foramina = [level.removesuffix(" foramen") for level in levels if level.endswith(" foramen")]
    parts = [f"at {and_list(joints)}"] if joints else []
    notes = []
    if foramina:
        many = len(foramina) > 1
        parts.append(f"over the {and_list(foramina)} opening{'s' if many else ''}")
        notes.append(f"The {and_list(foramina)} opening{'s are' if many else ' is'} in the sacrum, the bone at the "
                     "base of the spine.")
    if any(level.lower().startswith("occiput") for level in joints):
        notes.append("Occiput-C1 is where the skull meets the top of the spine.")
    return ", and ".join(parts), " ".join(notes)


class _Citations:
    """Numbers sources in order of first citation."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self.numbers: dict[str, int] = {}
        self.sources: list[Source | str] = []

    def source(self, source_id: str) -> Source | None:
        return self._catalog.source(source_id) or EXTRA_SOURCES.get(source_id)

    def cite(self, text: str, source_ids) -> Cited:
        refs = []
        for sid in source_ids:
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
                self.sources.append(self.source(sid) or sid)
            refs.append(self.numbers[sid])
        return Cited(text, tuple(dict.fromkeys(refs)))

    def statement(self, s: Statement) -> Cited:
        return self.cite(s.text, s.sources)

    def references(self) -> tuple[Reference, ...]:
        out = []
        for number, src in enumerate(self.sources, 1):
            if isinstance(src, Source):
                out.append(Reference(number, src.citation, src.url or ""))
            else:
                out.append(Reference(number, f"[{src}] (source not found in the catalog)"))
        return tuple(out)


def handout_content(plan: TreatmentPlan, catalog: Catalog, undrawn: frozenset[str] = frozenset()) -> HandoutContent:
    """The handout's words for a treatment plan; ``undrawn`` muscle ids (no 3D model yet) are
    said to be missing from the pictures, never silently left out of them.
    """
    c = plan.condition
    cites = _Citations(catalog)
    show_side = plan.side == "both"
    local: list[TargetLine] = []
    seen: set[str] = set()
    for t in plan.local_targets:
        if t.muscle.id in seen:
            continue  # one line per muscle; on both sides it says so
        seen.add(t.muscle.id)
        m = t.muscle
        local.append(TargetLine(_capital(m.lay_name) or m.name, m.name, m.latin or "",
                                f"{plain_nerve(m.nerve)}; nerve roots {roots_words(m)}"
                                + ("; not shown in the pictures (no 3D model of it yet)" if m.id in undrawn else ""),
                                "both sides" if show_side else "", m.id not in undrawn, m.id))
    paraspinal: list[TargetLine] = []
    for p in plan.paraspinal_targets:
        if show_side and p.side != "left" and any(q.segment == p.segment and q.side == "left" for q in plan.paraspinal_targets):
            continue  # one line per level, "both sides"
        names = and_list([m.name.lower() for m in p.muscles]) or "the paraspinal muscles"
        latins = "; ".join(m.latin for m in p.muscles if m.latin)
        level = p.paraspinal_level if not p.paraspinal_level.endswith("foramen") else f"the {p.paraspinal_level}"
        paraspinal.append(TargetLine(f"Beside the spine at {level}", _capital(names), latins,
                                     f"for the {p.segment} nerve root", "both sides" if show_side else ""))
    rs = c.root_segments
    core = f" (mainly {and_list(plan.core_segments)})" if plan.core_segments else ""
    # Cited in the order the clinician sheet prints them (the handout prints no numbers), so
    # that the sheet's references are numbered in order of first citation.
    red_flags = tuple(cites.cite(f"{r.title}: {r.signs} {r.action}", r.sources) for r in plan.red_flags)
    screening = tuple(cites.cite(f"{s.title} ({s.kind}): {s.text}", s.sources) for s in plan.contraindications)
    tell_us = tuple(cites.cite(s.patient_text, s.sources) for s in plan.contraindications
                    if s.kind != "hazard" and s.patient_text.strip())
    call_if = tuple(cites.cite(r.patient_text, r.sources) for r in plan.red_flags if r.patient_text.strip())
    roots_text = cites.cite(
        f"The nerve roots involved are {and_list(plan.segments)}{core}. {rs.rationale}", rs.sources)
    safety = tuple(cites.cite(n.text, n.sources) for n in plan.safety)
    about = tuple(cites.statement(s) for s in ABOUT_IMS)
    expect = tuple(cites.statement(s) for s in WHAT_TO_EXPECT)
    evidence = []
    if c.evidence_note:
        evidence.append(Cited(c.evidence_note))
    for ref in plan.references:
        evidence.append(cites.cite(ref.evidence, (ref.source,)))
    return HandoutContent(
        condition_id=c.id,
        title=c.name,
        side=plan.side,
        side_words=SIDE_WORDS.get(plan.side, plan.side),
        lay_name=c.lay_name,
        clinical_name=c.clinical_name or "",
        explanation=c.explanation,
        segments=plan.segments,
        core_segments=plan.core_segments,
        roots_text=roots_text,
        local=tuple(local),
        paraspinal=tuple(paraspinal),
        about_ims=about,
        expect=expect,
        safety=safety,
        evidence=tuple(evidence),
        references=cites.references(),
        tell_us=tell_us,
        paraspinal_muscles=tuple(dict.fromkeys(m.name.lower() for p in plan.paraspinal_targets for m in p.muscles)),
        call_if=call_if,
        screening=screening,
        red_flags=red_flags,
    )
