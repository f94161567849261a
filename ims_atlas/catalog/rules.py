"""Catalog rules beyond the schema: unique ids, known references, segment coverage and levels.

Works on the raw parsed document and tolerates any shape (the schema reports wrong types;
these rules skip what they cannot read), so one pass reports every problem at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ims_atlas.catalog.source_rules import check_duplicates, check_sources
from ims_atlas.core.errors import Problem
from ims_atlas.core.ids import CATALOG_SEGMENTS, SEGMENT_NAMES, foramen_between
from ims_atlas.core.json_schema import format_path, short

if TYPE_CHECKING:
    from ims_atlas.catalog.site_catalog import Catalog

_KINDS = {"muscles": "muscle", "segments": "segment", "conditions": "condition"}

#: How a condition whose segments miss a major root of its own local targets (with no
#: ``left_out`` reason) is reported; see docs/catalog-format.md.
ROOT_COVERAGE_SEVERITY = "error"
#: How a source on the deny list is reported.
SOURCE_SEVERITY = "error"
#: How a source of the bundled catalog without authors (or institution), title and year is
#: reported (a user catalog's own notes are only warned about).
SOURCE_FIELDS_SEVERITY = "error"


def paraspinal_level_for(segment: str) -> str:
    """Where a segment's root leaves the spine, as the catalog writes it.

    ``"C1"`` -> ``"occiput-C1"``, ``"C6"`` -> ``"C5-C6"``, ``"C8"`` -> ``"C7-T1"``,
    ``"L5"`` -> ``"L5-S1"``, ``"S1"`` -> ``"S1 foramen"`` (see :func:`core.ids.foramen_between`).
    """
    upper, lower = foramen_between(segment)
    if upper == "S":
        return f"{segment} foramen"
    return f"{upper}-{'S1' if lower == 'S' else lower}"


def _entries(doc: dict, key: str) -> Iterator[tuple[int, dict]]:
    items = doc.get(key)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _strings(value: object) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        for j, s in enumerate(value):
            if isinstance(s, str):
                yield j, s


def _hint(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _runs(segments: list[str]) -> str:
    """``["C8", "T1", "T2", "L5"]`` -> ``"C8-T2, L5"`` (segments in cranio-caudal order)."""
    runs: list[list[str]] = []
    for seg in segments:
        if runs and SEGMENT_NAMES.index(seg) == SEGMENT_NAMES.index(runs[-1][-1]) + 1:
            runs[-1].append(seg)
        else:
            runs.append([seg])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


class _Checker:
    """One pass over one document, collecting problems."""

    def __init__(self, doc: dict, file: str, user: bool, base: Catalog | None) -> None:
        self.doc = doc
        self.file = file
        self.user = user
        self.problems: list[Problem] = []
        src = doc.get("sources")
        self.sources = set(src) if isinstance(src, dict) else set()
        guidance = doc.get("safety_guidance")
        self.guidance = guidance if isinstance(guidance, dict) else {}
        extra = self.guidance.get("sources")
        self.guidance_sources = set(extra) if isinstance(extra, dict) else set()
        self.sources |= self.guidance_sources
        self.condition_ids = {c["id"] for _, c in _entries(doc, "conditions") if isinstance(c.get("id"), str)}
        self.muscle_ids = {m["id"] for _, m in _entries(doc, "muscles") if isinstance(m.get("id"), str)}
        #: muscle id -> its major root segments (the ones a condition's segments must cover)
        self.major_roots: dict[str, list[str]] = {}
        if base is not None:
            self.sources |= set(base.sources)
            self.muscle_ids |= {m.id for m in base.muscles}
            self.condition_ids |= {c.id for c in base.conditions}
            self.major_roots.update({m.id: list(m.root_segments("major")) for m in base.muscles})
        for _, m in _entries(doc, "muscles"):
            if isinstance(m.get("id"), str):
                self.major_roots[m["id"]] = [r["segment"] for _, r in _entries(m, "roots")
                                             if r.get("contribution") == "major" and isinstance(r.get("segment"), str)]
        self.cited: set[str] = set()

    def add(self, parts: list, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, format_path(parts), message, severity))

    def source_ref(self, parts: list, source: str) -> None:
        self.cited.add(source)
        if source not in self.sources:
            self.add(parts, f"unknown source {short(source)!r}{_hint(source, self.sources)}; add it to $.sources or fix the id")

    def source_refs(self, parts: list, value: object) -> None:
        for j, s in _strings(value):
            self.source_ref([*parts, j], s)

    def muscle_ref(self, parts: list, muscle: str) -> None:
        if muscle not in self.muscle_ids:
            self.add(parts, f"unknown muscle {short(muscle)!r}{_hint(muscle, self.muscle_ids)}; add it to $.muscles or fix the id")

    def unique_ids(self, key: str) -> None:
        first: dict[str, int] = {}
        for i, item in _entries(self.doc, key):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in first:
                self.add([key, i, "id"], f"duplicate {_KINDS[key]} id {short(ident)!r} (first at {format_path([key, first[ident]])})")
            else:
                first[ident] = i

    def check_muscles(self) -> None:
        self.unique_ids("muscles")
        for i, m in _entries(self.doc, "muscles"):
            seen: set[str] = set()
            for j, root in _entries(m, "roots"):
                seg = root.get("segment")
                if isinstance(seg, str) and seg in SEGMENT_NAMES:
                    if seg in seen:
                        self.add(["muscles", i, "roots", j, "segment"], f"root {seg} is listed twice")
                    seen.add(seg)
            self.source_refs(["muscles", i, "sources"], m.get("sources"))

    def check_segments(self) -> None:
        if self.user:
            if isinstance(self.doc.get("segments"), list) and self.doc["segments"]:
                self.add(["segments"], "a user catalog cannot change segments; these entries are ignored", "warning")
            return
        self.unique_ids("segments")
        present = set()
        for i, s in _entries(self.doc, "segments"):
            seg = s.get("id")
            if not isinstance(seg, str) or seg not in SEGMENT_NAMES:
                continue  # the schema reports it
            present.add(seg)
            if seg not in CATALOG_SEGMENTS:
                self.add(["segments", i, "id"], f"segment {seg} is outside the catalog's range C1-S2")
            level = s.get("paraspinal_level")
            expected = paraspinal_level_for(seg)
            if isinstance(level, str) and level != expected:
                self.add(["segments", i, "paraspinal_level"],
                         f"{short(level)!r} is not where the {seg} root leaves the spine; expected {expected!r}")
            for j, mid in _strings(s.get("paraspinal_muscles")):
                self.muscle_ref(["segments", i, "paraspinal_muscles", j], mid)
            self.source_refs(["segments", i, "sources"], s.get("sources"))
        if isinstance(self.doc.get("segments"), list):
            missing = [seg for seg in CATALOG_SEGMENTS if seg not in present]
            if missing:
                self.add(["segments"], f"missing segment entries: {', '.join(missing)} (every segment C1-S2 needs exactly one)")

    def check_conditions(self) -> None:
        self.unique_ids("conditions")
        for i, c in _entries(self.doc, "conditions"):
            here = ["conditions", i]
            for j, t in _entries(c, "local_targets"):
                if isinstance(t.get("muscle"), str):
                    self.muscle_ref([*here, "local_targets", j, "muscle"], t["muscle"])
                self.source_refs([*here, "local_targets", j, "sources"], t.get("sources"))
            rs = c.get("root_segments")
            if isinstance(rs, dict):
                self.condition_segments([*here, "root_segments"], rs)
                self.source_refs([*here, "root_segments", "sources"], rs.get("sources"))
                self.root_coverage([*here, "root_segments"], rs, c)
            for j, note in _entries(c, "safety"):
                self.source_refs([*here, "safety", j, "sources"], note.get("sources"))
            for j, ref in _entries(c, "references"):
                if isinstance(ref.get("source"), str):
                    self.source_ref([*here, "references", j, "source"], ref["source"])

    def condition_segments(self, parts: list, rs: dict) -> None:
        order: list[int] = []
        listed: set[str] = set()
        for j, seg in _strings(rs.get("segments")):
            if seg not in SEGMENT_NAMES:
                continue  # the schema reports it
            if seg not in CATALOG_SEGMENTS:
                self.add([*parts, "segments", j], f"segment {seg} is outside the catalog's range C1-S2")
            if seg in listed:
                self.add([*parts, "segments", j], f"segment {seg} is listed twice")
            listed.add(seg)
            order.append(SEGMENT_NAMES.index(seg))
        if order != sorted(order):
            self.add([*parts, "segments"], "segments must be in cranio-caudal order (C1 first)")
        for j, seg in _strings(rs.get("core")):
            if seg in SEGMENT_NAMES and seg not in listed:
                self.add([*parts, "core", j], f"core segment {seg} is not one of the condition's segments")

    def root_coverage(self, parts: list, rs: dict, condition: dict) -> None:
        """The segments cover every major root (within C1-S2) of the condition's local targets,
        unless ``left_out`` says why that root is not treated, with a source.
        """
        listed = {seg for _, seg in _strings(rs.get("segments"))}
        targets = [t["muscle"] for _, t in _entries(condition, "local_targets") if isinstance(t.get("muscle"), str)]
        excused: list[tuple[set[str], set[str] | None]] = []
        for j, entry in _entries(rs, "left_out"):
            here = [*parts, "left_out", j]
            segs = {seg for _, seg in _strings(entry.get("segments"))}
            muscles = None
            if isinstance(entry.get("muscles"), list):
                muscles = {m for _, m in _strings(entry["muscles"])}
                for k, mid in _strings(entry["muscles"]):
                    if mid not in targets:
                        self.add([*here, "muscles", k], f"{short(mid)!r} is not one of this condition's local targets")
            for k, seg in _strings(entry.get("segments")):
                if seg not in SEGMENT_NAMES:
                    continue  # the schema reports a name that is no segment (never quoted whole here)
                if seg in listed:
                    self.add([*here, "segments", k], f"segment {seg} is left out here but listed in the segments")
                elif not any(seg in self.major_roots.get(m, ()) for m in (muscles if muscles is not None else targets)):
                    self.add([*here, "segments", k], f"no local target {'named here ' if muscles else ''}has a major "
                             f"{seg} root: nothing to leave out", "warning")
            self.source_refs([*here, "sources"], entry.get("sources"))
            excused.append((segs, muscles))
        missing: dict[str, list[str]] = {}
        for mid in dict.fromkeys(targets):
            for seg in self.major_roots.get(mid, ()):
                if seg in listed or seg not in CATALOG_SEGMENTS:
                    continue  # roots below S2 cannot be a condition's segment
                if any(seg in segs and (muscles is None or mid in muscles) for segs, muscles in excused):
                    continue
                missing.setdefault(seg, []).append(mid)
        if missing:
            by_muscle: dict[str, list[str]] = {}
            for seg in sorted(missing, key=SEGMENT_NAMES.index):
                for mid in missing[seg]:
                    by_muscle.setdefault(mid, []).append(seg)
            grouped: dict[str, list[str]] = {}
            for mid, segs in by_muscle.items():
                grouped.setdefault(_runs(segs), []).append(mid)
            detail = "; ".join(f"{runs} ({', '.join(mids)})" for runs, mids in grouped.items())
            self.add([*parts, "segments"], f"the segments leave out major roots of the local targets: {detail}; "
                     "add them, or say why in root_segments.left_out (with a source)", ROOT_COVERAGE_SEVERITY)

    def check_safety_guidance(self) -> None:
        """Contraindications and red flags: unique ids, known sources, conditions and muscles."""
        top = self.doc.get("sources")
        for key in sorted(self.guidance_sources & (set(top) if isinstance(top, dict) else set())):
            self.add(["safety_guidance", "sources", key], f"source id {short(key)!r} is also in $.sources; ids must be unique")
        for key in ("contraindications", "red_flags"):
            first: dict[str, int] = {}
            for i, entry in _entries(self.guidance, key):
                here = ["safety_guidance", key, i]
                ident = entry.get("id")
                if isinstance(ident, str):
                    if ident in first:
                        self.add([*here, "id"], f"duplicate id {short(ident)!r} (first at {format_path(['safety_guidance', key, first[ident]])})")
                    else:
                        first[ident] = i
                self.source_refs([*here, "sources"], entry.get("sources"))
                applies = entry.get("applies_to")
                if not isinstance(applies, dict):
                    continue
                # An unknown id is a warning here: the item applies to fewer plans, nothing breaks
                # (a muscle or condition may be added later, e.g. by a user catalog).
                for j, cid in _strings(applies.get("conditions")):
                    if cid not in self.condition_ids:
                        self.add([*here, "applies_to", "conditions", j],
                                 f"unknown condition {short(cid)!r}{_hint(cid, self.condition_ids)}: "
                                 "the item applies to no plan through it", "warning")
                for j, mid in _strings(applies.get("muscles")):
                    if mid not in self.muscle_ids:
                        self.add([*here, "applies_to", "muscles", j],
                                 f"unknown muscle {short(mid)!r}{_hint(mid, self.muscle_ids)}: "
                                 "the item applies to no plan through it", "warning")

    def check_unused_sources(self) -> None:
        if self.user:
            return
        for where, table in ((["sources"], self.doc.get("sources")), (["safety_guidance", "sources"], self.guidance.get("sources"))):
            if not isinstance(table, dict):
                continue
            for key in table:
                if key not in self.cited:
                    self.add([*where, key], f"source {short(key)!r} is never cited", "warning")


def rule_problems(doc: object, file: str, *, user: bool = False, base: Catalog | None = None,
                  cited_elsewhere: frozenset[str] = frozenset()) -> list[Problem]:
    """Every rule violation in a parsed catalog document.

    Parameters
    ----------
    doc
        The parsed JSON document (any shape).
    file
        The file name to report.
    user
        A user catalog: segments are not required (and are ignored), sources are not
        reported as unused.
    base
        The catalog a user catalog is merged over: its muscle and source ids count as known.
    cited_elsewhere
        Source ids cited outside the document (the study's data files cite catalog sources):
        they are not reported as never cited.
    """
    if not isinstance(doc, dict):
        return []  # the schema reports "must be an object"
    check = _Checker(doc, file, user, base)
    check.cited |= set(cited_elsewhere)
    check.check_muscles()
    check.check_segments()
    check.check_conditions()
    check.check_safety_guidance()
    check.check_unused_sources()
    # A user catalog (a clinic's own) may cite its own notes: missing authors, title or year is
    # only a warning there; a denied web site never is.
    check_sources(doc.get("sources"), check.add, severity=SOURCE_SEVERITY,
                  fields_severity="warning" if user else SOURCE_FIELDS_SEVERITY)
    # The safety section is new (issue 17) and must be right from the start: always errors.
    check_sources(check.guidance.get("sources"), check.add, where=("safety_guidance", "sources"),
                  fields_severity="warning" if user else "error")
    # One publication, one id (across both source tables).
    check_duplicates(((("sources",), doc.get("sources")), (("safety_guidance", "sources"), check.guidance.get("sources"))),
                     check.add, severity="warning" if user else SOURCE_SEVERITY)
    return check.problems
