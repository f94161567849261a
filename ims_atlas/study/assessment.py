"""Find the segment: rank the root segments that explain a patient's examination findings.

Gunn's model is segmental: tender, shortened muscles and signs of neuropathy point to the
root that supplies them. Each marked muscle is evidence for each of its roots, weighted by
the catalog's contribution (major :data:`MAJOR_WEIGHT`, minor :data:`MINOR_WEIGHT`), with
:data:`INDICATOR_BONUS` added where a published root table names the muscle an indicator
(key) muscle of that segment. A sign recorded at a segment (e.g. trophoedema in the C6
dermatome) is evidence for that segment (:data:`SIGN_WEIGHT`). A segment's score is the sum
over the findings it explains; the reasoning says, finding by finding, why.

This ranks hypotheses for a clinician to examine; it is not a diagnosis. Nothing here is
stored: the findings live in the caller until the user saves them to a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.ids import SEGMENT_NAMES, normalise_segment
from ims_atlas.study.indicators import Indicator, indicator_sources, load_indicators
from ims_atlas.study.signs import SignList, bundled_signs

MAJOR_WEIGHT = 1.0
MINOR_WEIGHT = 0.5
INDICATOR_BONUS = 0.5
SIGN_WEIGHT = 1.0
SIDES = ("left", "right")


@dataclass(frozen=True)
class MuscleFinding:
    """A muscle found tender and/or banded, on a side (None: side not given)."""

    muscle: str
    side: str | None = None
    tender: bool = True
    banded: bool = False

    @property
    def label(self) -> str:
        """``"supraspinatus:right"``: the name the command line takes, and the key in ``explains``."""
        return f"{self.muscle}:{self.side}" if self.side else self.muscle


@dataclass(frozen=True)
class SignFinding:
    """One of Gunn's signs found at a segment, on a side (None: side not given)."""

    sign: str
    segment: str
    side: str | None = None

    @property
    def label(self) -> str:
        """``"trophoedema:C6"`` (``":left"`` appended when a side is given)."""
        return f"{self.sign}:{self.segment}" + (f":{self.side}" if self.side else "")


@dataclass(frozen=True)
class Findings:
    """What the examination found."""

    muscles: tuple[MuscleFinding, ...] = ()
    signs: tuple[SignFinding, ...] = ()

    def labels(self) -> list[str]:
        """Every finding's label, muscles first."""
        return [m.label for m in self.muscles] + [s.label for s in self.signs]

    def is_empty(self) -> bool:
        """True when nothing is marked."""
        return not self.muscles and not self.signs


@dataclass(frozen=True)
class Reason:
    """Why a segment explains (weight > 0) or does not explain (weight 0) one finding."""

    finding: str
    weight: float
    why: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SegmentScore:
    """One candidate segment with its score and reasoning."""

    segment: str
    score: float
    explains: tuple[str, ...]
    unexplained: tuple[str, ...]
    reasons: tuple[Reason, ...]
    sides: tuple[str, ...]
    paraspinal_level: str | None = None


@dataclass(frozen=True)
class Assessment:
    """The ranked segments (best first) and the findings they were ranked on."""

    findings: Findings
    segments: tuple[SegmentScore, ...]
    notes: tuple[str, ...] = field(default=())

    def best(self, n: int = 2) -> tuple[SegmentScore, ...]:
        """The top ``n`` segments, and any tied with the last of them."""
        if not self.segments:
            return ()
        cut = self.segments[: n]
        last = cut[-1].score
        return cut + tuple(s for s in self.segments[n:] if s.score == last)


class FindingError(ValueError):
    """A finding that names no muscle, sign, segment or side; the message says which and why."""


def parse_side(text: str, where: str) -> str | None:
    """``"left"``/``"right"`` (any case, ``l``/``r``) or None for ``""``; :class:`FindingError` otherwise."""
    t = text.strip().lower()
    if not t:
        return None
    for side in SIDES:
        if t in (side, side[0]):
            return side
    raise FindingError(f"{where}: side {text!r} is not 'left' or 'right'")


def parse_sign(text: str, signs: SignList | None = None) -> SignFinding:
    """``"trophoedema:C6"`` or ``"peau d'orange:C6:left"`` -> :class:`SignFinding`."""
    signs = signs or bundled_signs()
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].strip():
        raise FindingError(f"sign {text!r}: write NAME:SEGMENT (e.g. trophoedema:C6), optionally :left or :right")
    sign = signs.find(parts[0])
    if sign is None:
        known = ", ".join(s.id for s in signs.signs)
        raise FindingError(f"sign {text!r}: {parts[0]!r} is not one of Gunn's signs ({known})")
    segment = normalise_segment(parts[1])
    if segment is None:
        raise FindingError(f"sign {text!r}: {parts[1]!r} is not a segment (C1-C8, T1-T12, L1-L5, S1-S5)")
    side = parse_side(parts[2], f"sign {text!r}") if len(parts) == 3 else None
    return SignFinding(sign.id, segment, side)


def _muscle_reason(catalog: Catalog, indicators: tuple[Indicator, ...], finding: MuscleFinding,
                   segment: str) -> Reason:
    muscle = catalog.muscle(finding.muscle)
    root = next((r for r in muscle.roots if r.segment == segment), None)
    if root is None:
        roots = ", ".join(r.segment + (" (minor)" if r.contribution == "minor" else "") for r in muscle.roots)
        why = (f"{segment} does not supply {muscle.name} (roots {roots})" if roots
               else f"{muscle.name} has no spinal root in the catalog ({muscle.nerve})")
        return Reason(finding.label, 0.0, why, muscle.sources)
    weight = MAJOR_WEIGHT if root.contribution == "major" else MINOR_WEIGHT
    why = f"{segment} is a {root.contribution} root of {muscle.name} ({muscle.nerve})"
    key = indicator_sources(indicators, muscle.id, segment)
    if key:
        weight += INDICATOR_BONUS
        why += f"; an indicator muscle of {segment} in {' and '.join(i.source_name or i.source for i in key)}"
    return Reason(finding.label, weight, why, tuple(dict.fromkeys(muscle.sources + tuple(i.source for i in key))))


def _sign_reason(signs: SignList, finding: SignFinding, segment: str) -> Reason:
    sign = signs.find(finding.sign)
    name = sign.name if sign is not None else finding.sign
    sources = sign.sources if sign is not None else ()
    if finding.segment == segment:
        return Reason(finding.label, SIGN_WEIGHT, f"{name} found at {segment}", sources)
    return Reason(finding.label, 0.0, f"{name} was found at {finding.segment}, not {segment}", sources)


def check_findings(catalog: Catalog, findings: Findings) -> None:
    """Raise :class:`FindingError` for a muscle the catalog does not have or a bad side."""
    for m in findings.muscles:
        if not catalog.has_muscle(m.muscle):
            raise FindingError(f"muscle {m.label!r}: the catalog has no muscle {m.muscle!r}")
        if m.side is not None and m.side not in SIDES:
            raise FindingError(f"muscle {m.label!r}: side {m.side!r} is not 'left' or 'right'")


def assess(catalog: Catalog, findings: Findings, signs: SignList | None = None,
           indicators: tuple[Indicator, ...] | None = None) -> Assessment:
    """Rank the segments that explain ``findings``, best first.

    Only segments that explain at least one finding are listed. Ties are broken by the
    number of findings explained, then cranio-caudal order.

    Raises
    ------
    FindingError
        If a muscle finding names a muscle the catalog does not have.
    """
    signs = signs or bundled_signs()
    indicators = load_indicators(catalog.sources) if indicators is None else indicators
    check_findings(catalog, findings)
    candidates: list[str] = []
    for m in findings.muscles:
        candidates += catalog.muscle(m.muscle).root_segments()
    candidates += [s.segment for s in findings.signs]
    candidates = sorted(set(candidates), key=lambda s: SEGMENT_NAMES.index(s) if s in SEGMENT_NAMES else 99)
    notes = []
    for m in dict.fromkeys(f.muscle for f in findings.muscles):
        muscle = catalog.muscle(m)
        if not muscle.roots:
            notes.append(f"{muscle.name} has no spinal root ({muscle.nerve}): no segment explains it")
        elif len(muscle.roots) >= 12:
            notes.append(f"{muscle.name} is supplied segment by segment ({len(muscle.roots)} levels): "
                         "it counts for every level and tells them apart only with other findings")
    scores: list[SegmentScore] = []
    for seg in candidates:
        reasons = [_muscle_reason(catalog, indicators, m, seg) for m in findings.muscles]
        reasons += [_sign_reason(signs, s, seg) for s in findings.signs]
        explains = tuple(r.finding for r in reasons if r.weight > 0)
        if not explains:
            continue
        unexplained = tuple(r.finding for r in reasons if r.weight == 0)
        sides = _sides(findings, explains)
        try:
            level = catalog.segment(seg).paraspinal_level
        except KeyError:
            level = None
        scores.append(SegmentScore(seg, round(sum(r.weight for r in reasons), 3), explains, unexplained,
                                   tuple(reasons), sides, level))
    scores.sort(key=lambda s: (-s.score, -len(s.explains), SEGMENT_NAMES.index(s.segment)))
    return Assessment(findings, tuple(scores), tuple(notes))


def _sides(findings: Findings, explains: tuple[str, ...]) -> tuple[str, ...]:
    """The sides of the explained findings; both when none of them gives a side."""
    found = {f.side for f in (*findings.muscles, *findings.signs) if f.label in explains and f.side}
    return tuple(s for s in SIDES if s in found) or SIDES
