"""The loaded catalog: immutable entries with lookups and the relations derived from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ims_atlas.catalog.entries import (
    Condition,
    Muscle,
    RedFlag,
    SafetyItem,
    Segment,
    Source,
)
from ims_atlas.core.errors import Problem
from ims_atlas.core.ids import SEGMENT_NAMES, normalise_segment

_CONTRIBUTION_ORDER = {"major": 0, "minor": 1}


@dataclass(frozen=True, eq=False)
class Catalog:
    """Conditions, muscles, segments and sources, with lookups by id.

    Which muscles a segment supplies is not stored: it is derived from the muscles' roots,
    so the two can never disagree. Compared and hashed by identity, so a catalog can key a
    cache of plans.
    """

    sources: Mapping[str, Source]
    muscles: tuple[Muscle, ...]
    segments: tuple[Segment, ...]
    conditions: tuple[Condition, ...]
    schema_version: int = 1
    catalog_version: str = ""
    #: Warnings found while loading (e.g. muscles without a mesh yet); errors never get here.
    warnings: tuple[Problem, ...] = field(default=())
    #: General contraindications, precautions and hazards near muscles (``safety_guidance``).
    contraindications: tuple[SafetyItem, ...] = ()
    #: Signs that mean "refer, do not needle" (``safety_guidance``).
    red_flags: tuple[RedFlag, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "_muscles", {m.id: m for m in self.muscles})
        object.__setattr__(self, "_segments", {s.id: s for s in self.segments})
        object.__setattr__(self, "_conditions", {c.id: c for c in self.conditions})
        supplied: dict[str, list[tuple[Muscle, str]]] = {}
        for m in self.muscles:
            for root in m.roots:
                supplied.setdefault(root.segment, []).append((m, root.contribution))
        for lst in supplied.values():
            lst.sort(key=lambda mc: _CONTRIBUTION_ORDER.get(mc[1], 2))  # stable: catalog order within
        object.__setattr__(self, "_supplied", supplied)

    @classmethod
    def from_json(cls, doc: dict[str, Any], warnings: tuple[Problem, ...] = ()) -> Catalog:
        """Build from a validated document (full or user catalog)."""
        guidance = doc.get("safety_guidance") or {}
        sources = {**(doc.get("sources") or {}), **(guidance.get("sources") or {})}
        return cls(
            sources={k: Source.from_json(k, v) for k, v in sources.items()},
            muscles=tuple(Muscle.from_json(m) for m in doc.get("muscles") or ()),
            segments=tuple(Segment.from_json(s) for s in doc.get("segments") or ()),
            conditions=tuple(Condition.from_json(c) for c in doc.get("conditions") or ()),
            schema_version=int(doc.get("schema_version", 1)),
            catalog_version=str(doc.get("catalog_version") or ""),
            warnings=warnings,
            contraindications=tuple(SafetyItem.from_json(c) for c in guidance.get("contraindications") or ()),
            red_flags=tuple(RedFlag.from_json(r) for r in guidance.get("red_flags") or ()),
        )

    # -- lookups -------------------------------------------------------------------------------

    def condition(self, condition_id: str) -> Condition:
        """The condition with this id; ``KeyError`` if there is none."""
        return self._conditions[condition_id]  # type: ignore[attr-defined]

    def muscle(self, muscle_id: str) -> Muscle:
        """The muscle with this id; ``KeyError`` if there is none."""
        return self._muscles[muscle_id]  # type: ignore[attr-defined]

    def segment(self, segment: str) -> Segment:
        """The segment entry for ``"C6"`` (or ``"c 6"``); ``KeyError`` if there is none."""
        return self._segments[normalise_segment(segment) or segment]  # type: ignore[attr-defined]

    def has_condition(self, condition_id: str) -> bool:
        """True if the catalog has a condition with this id."""
        return condition_id in self._conditions  # type: ignore[attr-defined]

    def has_muscle(self, muscle_id: str) -> bool:
        """True if the catalog has a muscle with this id."""
        return muscle_id in self._muscles  # type: ignore[attr-defined]

    def source(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        return self.sources.get(source_id)

    # -- derived relations ---------------------------------------------------------------------

    def muscles_for_segment(self, segment: str, contribution: str | None = None) -> list[tuple[Muscle, str]]:
        """Muscles with a root in ``segment``, as ``(muscle, "major" | "minor")``, major first.

        Parameters
        ----------
        segment
            A segment name such as ``"C6"``.
        contribution
            Only ``"major"`` or only ``"minor"`` roots; None for both.
        """
        name = normalise_segment(segment) or segment
        found = self._supplied.get(name, [])  # type: ignore[attr-defined]
        return [mc for mc in found if contribution in (None, mc[1])]

    def paraspinal_muscles_at(self, segment: str) -> tuple[str, ...]:
        """Ids of the muscles needled beside the spine at ``segment`` (empty if it has no entry)."""
        try:
            return self.segment(segment).paraspinal_muscles
        except KeyError:
            return ()

    def myotome(self, segment: str) -> list[tuple[Muscle, str]]:
        """The muscles ``segment`` supplies away from the spine, as ``(muscle, "major" | "minor")``.

        Its own paraspinal muscles are left out: a picture names them once, as the paraspinal
        target at that level.
        """
        beside_spine = set(self.paraspinal_muscles_at(segment))
        return [mc for mc in self.muscles_for_segment(segment) if mc[0].id not in beside_spine]

    def conditions_for_muscle(self, muscle_id: str) -> list[Condition]:
        """Conditions with a local target in this muscle, in catalog order.

        Paraspinal muscles are not counted: multifidus is beside every level and would list
        every condition.
        """
        return [c for c in self.conditions if any(t.muscle == muscle_id for t in c.local_targets)]

    def conditions_for_segment(self, segment: str) -> list[Condition]:
        """Conditions whose root segments include ``segment``, in catalog order."""
        name = normalise_segment(segment) or segment
        return [c for c in self.conditions if name in c.root_segments.segments]

    def segment_ids(self) -> list[str]:
        """The catalog's segments in cranio-caudal order."""
        return sorted(self._segments, key=lambda s: SEGMENT_NAMES.index(s) if s in SEGMENT_NAMES else 99)  # type: ignore[attr-defined]

    # -- user catalogs -------------------------------------------------------------------------

    def merged_with(self, user: Catalog) -> Catalog:
        """Merge in ``user``: its conditions, muscles, sources, contraindications and red flags
        are added, or replace ours with the same id.

        Replaced entries keep their place; new ones come after the bundled ones.
        """
        return Catalog(
            sources={**self.sources, **user.sources},
            muscles=_merge(self.muscles, user.muscles),
            segments=self.segments,
            conditions=_merge(self.conditions, user.conditions),
            schema_version=self.schema_version,
            catalog_version=self.catalog_version,
            warnings=self.warnings,
            contraindications=_merge(self.contraindications, user.contraindications),
            red_flags=_merge(self.red_flags, user.red_flags),
        )


def _merge(base: tuple, extra: tuple) -> tuple:
    by_id = {e.id: e for e in extra}
    out = [by_id.pop(e.id, e) for e in base]
    out.extend(e for e in extra if e.id in by_id)
    return tuple(out)
