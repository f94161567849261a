"""Spinal segments, sides and structure ids shared by every layer."""

from __future__ import annotations

import enum
import re
from functools import total_ordering

#: Segments in cranio-caudal order. The catalog covers C1-S2; the rest exist so that
#: an out-of-range value is a clear "not covered" rather than an unknown word.
_REGIONS: tuple[tuple[str, int], ...] = (("C", 8), ("T", 12), ("L", 5), ("S", 5))
SEGMENT_NAMES: tuple[str, ...] = tuple(f"{r}{i}" for r, n in _REGIONS for i in range(1, n + 1))
#: The segments the catalog must cover (C1-S2).
CATALOG_SEGMENTS: tuple[str, ...] = SEGMENT_NAMES[: SEGMENT_NAMES.index("S2") + 1]

#: Vertebral levels from the top: C1-C7, T1-T12, L1-L5, then the sacrum as one bone.
VERTEBRA_NAMES: tuple[str, ...] = (
    tuple(f"C{i}" for i in range(1, 8))
    + tuple(f"T{i}" for i in range(1, 13))
    + tuple(f"L{i}" for i in range(1, 6))
    + ("S",)
)

_SEGMENT_RE = re.compile(r"^\s*([CcTtLlSs])\s*-?\s*(\d{1,2})\s*$")


@total_ordering
class SpinalSegment:
    """A spinal nerve segment such as ``C6`` or ``S1``, ordered from C1 downwards."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        norm = normalise_segment(name)
        if norm is None:
            raise ValueError(f"not a spinal segment: {name!r} (expected C1-C8, T1-T12, L1-L5, S1-S5)")
        self.name = norm

    @property
    def index(self) -> int:
        """Position from the top (C1 is 0)."""
        return SEGMENT_NAMES.index(self.name)

    @property
    def region(self) -> str:
        """``C``, ``T``, ``L`` or ``S``."""
        return self.name[0]

    @property
    def number(self) -> int:
        """The number within the region (6 for C6)."""
        return int(self.name[1:])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpinalSegment) and other.name == self.name

    def __lt__(self, other: SpinalSegment) -> bool:
        return self.index < other.index

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"SpinalSegment({self.name!r})"

    def __str__(self) -> str:
        return self.name


def normalise_segment(text: str) -> str | None:
    """Return the canonical segment name (``"c 6"`` -> ``"C6"``), or None if it is not one."""
    if not isinstance(text, str):
        return None
    m = _SEGMENT_RE.match(text)
    if not m:
        return None
    name = f"{m.group(1).upper()}{int(m.group(2))}"
    return name if name in SEGMENT_NAMES else None


def segment_range(first: str, last: str) -> list[str]:
    """Segments from ``first`` to ``last`` inclusive, in order."""
    a, b = SpinalSegment(first).index, SpinalSegment(last).index
    if a > b:
        a, b = b, a
    return list(SEGMENT_NAMES[a : b + 1])


def foramen_between(segment: str) -> tuple[str, str]:
    """The two bones a spinal nerve leaves between, upper first.

    C1 leaves between the skull (``"occiput"``) and C1; C2-C7 above the vertebra of the same
    number; C8 between C7 and T1; thoracic and lumbar nerves below theirs; sacral nerves
    through the sacral foramina (``("S", "S")``).
    """
    s = SpinalSegment(segment)
    if s.region == "C":
        if s.number == 1:
            return ("occiput", "C1")
        if s.number == 8:
            return ("C7", "T1")
        return (f"C{s.number - 1}", f"C{s.number}")
    if s.region == "T":
        return (f"T{s.number}", f"T{s.number + 1}" if s.number < 12 else "L1")
    if s.region == "L":
        return (f"L{s.number}", f"L{s.number + 1}" if s.number < 5 else "S")
    return ("S", "S")


#: The side a condition's plan is for when none is given: the same for ``plan``, ``export``, the
#: window's ``--condition`` and the window itself (a segment is shown on both sides).
DEFAULT_SIDE = "right"


class Side(str, enum.Enum):  # noqa: UP042 (str() of a StrEnum differs; kept as it is)
    """Which side of the body a plan or structure is on."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"

    @classmethod
    def parse(cls, text: str) -> Side:
        """Accept ``left``/``l``/``right``/``r``/``both``/``b`` in any case."""
        t = (text or "").strip().lower()
        for side in cls:
            if t in (side.value, side.value[0]):
                return side
        raise ValueError(f"side must be left, right or both, not {text!r}")

    def sides(self) -> tuple[str, ...]:
        """The concrete sides covered: ``("right",)`` or ``("left", "right")``."""
        return ("left", "right") if self is Side.BOTH else (self.value,)


#: x of the body's mid-sagittal plane in the mesh frame (metres, +X the subject's left).
MIDLINE_X = -0.025


def mirror_x(x: float, midline_x: float = MIDLINE_X) -> float:
    """Mirror an x coordinate across the mid-sagittal plane (right <-> left)."""
    return 2.0 * midline_x - x
