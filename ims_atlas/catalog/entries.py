"""The catalog's entries as frozen dataclasses: sources, muscles, segments, conditions, and the
safety guidance (contraindications, hazards and red flags).

Built only from a document that passed validation (see :mod:`ims_atlas.catalog.validate`),
so the ``from_json`` constructors trust the shape and do not check it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from ims_atlas.core.ids import DEFAULT_SIDE

Point = tuple[float, float, float]


@dataclass(frozen=True)
class Source:
    """A citation, referenced by id from every other entry."""

    id: str
    citation: str
    url: str | None = None
    notes: str | None = None
    authors: tuple[str, ...] = ()
    institution: str | None = None
    title: str | None = None
    year: int | None = None

    @classmethod
    def from_json(cls, source_id: str, d: dict[str, Any]) -> Source:
        """Build from the ``sources`` value for ``source_id``."""
        return cls(source_id, d["citation"], d.get("url"), d.get("notes"), tuple(d.get("authors") or ()),
                   d.get("institution"), d.get("title"), d.get("year") if d.get("year") is not None else d.get("accessed"))


class Root(NamedTuple):
    """One nerve root of a muscle: ``("C6", "major")``."""

    segment: str
    contribution: str  # "major" | "minor"


@dataclass(frozen=True)
class Muscle:
    """A muscle: names, nerve, nerve roots and where those facts come from."""

    id: str
    name: str
    lay_name: str
    aliases: tuple[str, ...]
    region: str
    nerve: str
    roots: tuple[Root, ...]
    sources: tuple[str, ...]
    latin: str | None = None
    cranial_nerve: str | None = None
    disagreement: str | None = None
    notes: str | None = None
    #: The surface of the limb its group lies under ("anterior": the anterior crural muscles
    #: of Gray's 1918), which a picture shows it from unless an epicentre's approach says
    #: otherwise; None: the views follow the anatomy alone.
    surface: str | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Muscle:
        """Build from one ``muscles[]`` object."""
        return cls(
            id=d["id"],
            name=d["name"],
            lay_name=d["lay_name"],
            aliases=tuple(d["aliases"]),
            region=d["region"],
            nerve=d["nerve"],
            roots=tuple(Root(r["segment"], r["contribution"]) for r in d["roots"]),
            sources=tuple(d["sources"]),
            latin=d.get("latin"),
            cranial_nerve=d.get("cranial_nerve"),
            disagreement=d.get("disagreement"),
            notes=d.get("notes"),
            surface=d.get("surface"),
        )

    def root_segments(self, contribution: str | None = None) -> tuple[str, ...]:
        """The segments of its roots, optionally only ``"major"`` or ``"minor"`` ones."""
        return tuple(r.segment for r in self.roots if contribution in (None, r.contribution))


@dataclass(frozen=True)
class Segment:
    """A spinal segment's entry: where its root leaves and the muscles needled there."""

    id: str
    paraspinal_level: str
    paraspinal_muscles: tuple[str, ...]
    sources: tuple[str, ...]
    notes: str | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Segment:
        """Build from one ``segments[]`` object."""
        return cls(d["id"], d["paraspinal_level"], tuple(d["paraspinal_muscles"]), tuple(d["sources"]), d.get("notes"))


@dataclass(frozen=True)
class Epicentre:
    """Where in the muscle to needle: words, and (once placed) a right-side point in metres."""

    description: str
    along: float | None = None
    position: Point | None = None
    #: The side of the body the needle goes in from ("lateral": the target's side's outer side),
    #: which its picture shows it from; None: the views follow the anatomy alone.
    approach: str | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Epicentre:
        """Build from a local target's ``epicentre`` object."""
        pos = d.get("position")
        return cls(
            d["description"],
            float(d["along"]) if d.get("along") is not None else None,
            (float(pos[0]), float(pos[1]), float(pos[2])) if pos is not None else None,
            str(d["approach"]) if d.get("approach") is not None else None,
        )


@dataclass(frozen=True)
class LocalTarget:
    """A needling site in a muscle near the painful area."""

    muscle: str
    epicentre: Epicentre
    sources: tuple[str, ...]
    note: str | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LocalTarget:
        """Build from one ``local_targets[]`` object."""
        return cls(d["muscle"], Epicentre.from_json(d["epicentre"]), tuple(d["sources"]), d.get("note"))


@dataclass(frozen=True)
class RootSegments:
    """The nerve-root segments behind a condition, and why."""

    segments: tuple[str, ...]
    rationale: str
    derivation: str  # "read" | "derived"
    sources: tuple[str, ...]
    core: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RootSegments:
        """Build from a condition's ``root_segments`` object."""
        return cls(tuple(d["segments"]), d["rationale"], d["derivation"], tuple(d["sources"]), tuple(d.get("core") or ()))


@dataclass(frozen=True)
class SafetyNote:
    """A needling hazard in plain words, with its sources."""

    text: str
    sources: tuple[str, ...]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SafetyNote:
        """Build from one ``safety[]`` object."""
        return cls(d["text"], tuple(d["sources"]))


@dataclass(frozen=True)
class Reference:
    """A source and what it shows for this condition."""

    source: str
    evidence: str

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Reference:
        """Build from one ``references[]`` object."""
        return cls(d["source"], d["evidence"])


@dataclass(frozen=True)
class Condition:
    """A clinical condition: names for clinicians and patients, targets, roots, safety."""

    id: str
    name: str
    aliases: tuple[str, ...]
    lay_name: str
    lay_terms: tuple[str, ...]
    region: str
    explanation: str
    local_targets: tuple[LocalTarget, ...]
    root_segments: RootSegments
    safety: tuple[SafetyNote, ...]
    references: tuple[Reference, ...]
    clinical_name: str | None = None
    evidence_note: str | None = None
    widespread: bool = False  # pain on both sides, above and below the waist (fibromyalgia)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Condition:
        """Build from one ``conditions[]`` object."""
        return cls(
            id=d["id"],
            name=d["name"],
            aliases=tuple(d["aliases"]),
            lay_name=d["lay_name"],
            lay_terms=tuple(d["lay_terms"]),
            region=d["region"],
            explanation=d["explanation"],
            local_targets=tuple(LocalTarget.from_json(t) for t in d["local_targets"]),
            root_segments=RootSegments.from_json(d["root_segments"]),
            safety=tuple(SafetyNote.from_json(s) for s in d["safety"]),
            references=tuple(Reference.from_json(r) for r in d["references"]),
            clinical_name=d.get("clinical_name"),
            evidence_note=d.get("evidence_note"),
            widespread=bool(d.get("widespread", False)),
        )

    @property
    def segments(self) -> tuple[str, ...]:
        """The condition's root segments, cranial first."""
        return self.root_segments.segments

    @property
    def default_side(self) -> str:
        """The side its plan is for when none is asked for: both for widespread pain, else
        :data:`~ims_atlas.core.ids.DEFAULT_SIDE`.
        """
        return "both" if self.widespread else DEFAULT_SIDE


@dataclass(frozen=True)
class AppliesTo:
    """Which plans a safety item applies to: all, or those naming one of these conditions,
    muscles (local or paraspinal targets) or root segments.
    """

    all: bool = False
    conditions: tuple[str, ...] = ()
    muscles: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AppliesTo:
        """Build from an ``applies_to`` object."""
        return cls(bool(d.get("all")), tuple(d.get("conditions") or ()), tuple(d.get("muscles") or ()),
                   tuple(d.get("segments") or ()))

    def matches(self, condition_id: str, muscle_ids: set[str] | frozenset[str], segments: tuple[str, ...]) -> bool:
        """True if a plan for this condition, with these target muscles and segments, is meant."""
        return (self.all or condition_id in self.conditions or not muscle_ids.isdisjoint(self.muscles)
                or any(s in self.segments for s in segments))


@dataclass(frozen=True)
class SafetyItem:
    """A contraindication, precaution or hazard near a muscle, in clinical and plain words."""

    id: str
    kind: str  # "contraindication" | "precaution" | "hazard"
    title: str
    text: str
    patient_text: str
    applies_to: AppliesTo
    sources: tuple[str, ...]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SafetyItem:
        """Build from one ``safety_guidance.contraindications[]`` object."""
        return cls(d["id"], d["kind"], d["title"], d["text"], d.get("patient_text") or "",
                   AppliesTo.from_json(d["applies_to"]), tuple(d["sources"]))


@dataclass(frozen=True)
class RedFlag:
    """Signs that mean: refer, do not needle."""

    id: str
    title: str
    signs: str
    action: str
    patient_text: str
    applies_to: AppliesTo
    sources: tuple[str, ...]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RedFlag:
        """Build from one ``safety_guidance.red_flags[]`` object."""
        return cls(d["id"], d["title"], d["signs"], d["action"], d["patient_text"],
                   AppliesTo.from_json(d["applies_to"]), tuple(d["sources"]))
