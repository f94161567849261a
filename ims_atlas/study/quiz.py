"""Segment-centred quizzes for students, generated from the catalog (and the anatomy, if given).

Kinds of question (:data:`KINDS`):

- ``root``: a muscle lights up; which root segment supplies it (a major root is the answer)?
- ``paraspinal``: which paraspinal level pairs with a muscle (the level of one of its major roots)?
- ``nerve``: which peripheral nerve supplies a muscle?
- ``supplies``: which of these muscles does a segment (e.g. C7) supply (as a major root)?
- ``dermatome``: which dermatome is this painted skin area? Asked only when a dermatome map is
  given (see :mod:`ims_atlas.study.dermatomes`); without one it is left out and
  :func:`make_quiz` says so in :attr:`Quiz.notes`.

Every question has one right option, three wrong ones that the catalog proves wrong (a
distractor segment is not among the muscle's roots at all, not even minor), an explanation
and the sources it rests on. Nothing is sent anywhere; no account.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ims_atlas.catalog.entries import Muscle
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.ids import SEGMENT_NAMES

KINDS = ("root", "paraspinal", "nerve", "supplies", "dermatome")
OPTIONS = 4


@dataclass(frozen=True)
class Question:
    """One question: the prompt, options (one right), what to light, explanation and sources.

    ``highlight`` are catalog muscle ids to light (on ``side``); ``option_muscles`` gives,
    for a ``supplies`` question, the muscle of each option, so a click on a muscle in 3D can
    answer it; ``option_segments`` the segment of each option, so a click on a nerve root can.
    """

    kind: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    sources: tuple[str, ...]
    highlight: tuple[str, ...] = ()
    side: str = "right"
    option_muscles: tuple[str | None, ...] = ()
    option_segments: tuple[str | None, ...] = ()
    region: str | None = None  # a dermatome question's painted area: "map_id:segment"
    citations: tuple[str, ...] = ()  # sources cited in full (for data outside the catalog)

    def option_for_muscle(self, muscle_id: str) -> int | None:
        """The option a click on ``muscle_id`` means, or None."""
        return self.option_muscles.index(muscle_id) if muscle_id in self.option_muscles else None

    def option_for_segment(self, segment: str) -> int | None:
        """The option a click on the root of ``segment`` means, or None."""
        return self.option_segments.index(segment) if segment in self.option_segments else None


@dataclass
class Quiz:
    """A run of questions and the answers given; scored as it goes."""

    questions: list[Question]
    answers: list[int | None] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    @property
    def current(self) -> Question | None:
        """The question to answer next, or None when done."""
        i = len(self.answers)
        return self.questions[i] if i < len(self.questions) else None

    def answer(self, option: int) -> bool:
        """Answer the current question with an option index; returns whether it was right.

        Raises
        ------
        IndexError
            If the quiz is over or ``option`` is not one of the question's options.
        """
        q = self.current
        if q is None:
            raise IndexError("the quiz is over")
        if not 0 <= option < len(q.options):
            raise IndexError(f"option {option} is not one of 0-{len(q.options) - 1}")
        self.answers.append(option)
        return option == q.answer

    def skip(self) -> None:
        """Pass on the current question (counted as missed)."""
        if self.current is None:
            raise IndexError("the quiz is over")
        self.answers.append(None)

    @property
    def done(self) -> bool:
        """True when every question has an answer."""
        return self.current is None

    @property
    def score(self) -> int:
        """Right answers so far."""
        return sum(a == q.answer for q, a in zip(self.questions, self.answers, strict=False))

    def misses(self) -> list[tuple[Question, int | None]]:
        """The questions answered wrongly or skipped, with the answer given (None: skipped)."""
        return [(q, a) for q, a in zip(self.questions, self.answers, strict=False) if a != q.answer]


# -- generation ----------------------------------------------------------------------------------


def _seg_index(segment: str) -> int:
    return SEGMENT_NAMES.index(segment)


def _roots_text(m: Muscle) -> str:
    return ", ".join(r.segment + (" (minor)" if r.contribution == "minor" else "") for r in m.roots)


def _nerve(m: Muscle) -> str:
    """A muscle's nerve without the parenthesised detail ("Radial nerve (main trunk ...)" -> "Radial nerve")."""
    return m.nerve.split(" (")[0].strip()


def _shuffle(rng: random.Random, right: str, wrong: list[str], extra: Iterable | None = None):
    options = [right, *wrong]
    order = list(range(len(options)))
    rng.shuffle(order)
    shuffled = tuple(options[i] for i in order)
    extras = tuple(tuple(extra)[i] for i in order) if extra is not None else ()
    return shuffled, order.index(0), extras


def _near_segments(rng: random.Random, exclude: set[str], around: str, k: int) -> list[str]:
    """``k`` catalog segments not in ``exclude``, preferring those near ``around`` (harder)."""
    from ims_atlas.core.ids import CATALOG_SEGMENTS

    pool = [s for s in CATALOG_SEGMENTS if s not in exclude]
    pool.sort(key=lambda s: (abs(_seg_index(s) - _seg_index(around)), rng.random()))
    near = pool[: k + 3]
    rng.shuffle(near)
    return near[:k]


def _muscle_explanation(m: Muscle, catalog: Catalog) -> str:
    text = f"{m.name}: {m.nerve}; roots {_roots_text(m)}."
    if m.disagreement:
        text += f" Sources disagree: {m.disagreement}"
    return text


def root_question(catalog: Catalog, m: Muscle, rng: random.Random, side: str = "right") -> Question | None:
    """A muscle lights up: which root supplies it?"""
    majors = m.root_segments("major")
    if not majors:
        return None
    right = rng.choice(majors)
    wrong = _near_segments(rng, set(m.root_segments()), right, OPTIONS - 1)
    if len(wrong) < OPTIONS - 1:
        return None
    options, answer, segs = _shuffle(rng, right, wrong, [right, *wrong])
    return Question("root", f"This muscle is lit up ({m.name}). Which root segment supplies it?", options, answer,
                    _muscle_explanation(m, catalog), m.sources, (m.id,), side, option_segments=segs)


def paraspinal_question(catalog: Catalog, m: Muscle, rng: random.Random, side: str = "right") -> Question | None:
    """Which paraspinal level pairs with a muscle (Gunn: needle beside the spine at its root's level)?"""
    levels: dict[str, str] = {}
    for seg in catalog.segment_ids():
        levels[seg] = catalog.segment(seg).paraspinal_level
    majors = [s for s in m.root_segments("major") if s in levels]
    if not majors:
        return None
    seg = rng.choice(majors)
    right = levels[seg]
    own = {levels[s] for s in m.root_segments() if s in levels}
    wrong_segs = [s for s in _near_segments(rng, set(m.root_segments()), seg, 12) if levels.get(s) not in own]
    wrong = list(dict.fromkeys(levels[s] for s in wrong_segs))[: OPTIONS - 1]
    if len(wrong) < OPTIONS - 1:
        return None
    options, answer, _ = _shuffle(rng, right, wrong)
    entry = catalog.segment(seg)
    why = (f"{m.name} is supplied by {_roots_text(m)}. In Gunn's segmental approach the paraspinal muscles are "
           f"needled at the level of the root: the {seg} root is needled at {right}.")
    return Question("paraspinal", f"Which paraspinal level pairs with {m.name}?", options,
                    answer, why, tuple(dict.fromkeys(m.sources + entry.sources)), (m.id,), side)


def nerve_question(catalog: Catalog, m: Muscle, rng: random.Random, side: str = "right") -> Question | None:
    """Which peripheral nerve supplies a muscle?"""
    right = _nerve(m)
    others = sorted({_nerve(o) for o in catalog.muscles if o.roots} - {right}, key=str.lower)
    rng.shuffle(others)
    # Distractors must not be the same nerve under another name ("Axillary nerve" vs "axillary nerve").
    wrong = [o for o in others if o.lower() not in right.lower() and right.lower() not in o.lower()][: OPTIONS - 1]
    if len(wrong) < OPTIONS - 1:
        return None
    options, answer, _ = _shuffle(rng, right, wrong)
    return Question("nerve", f"Which peripheral nerve supplies {m.name}?", options, answer,
                    _muscle_explanation(m, catalog), m.sources, (m.id,), side)


def supplies_question(catalog: Catalog, segment: str, rng: random.Random, side: str = "right",
                      drawn: Callable[[str], bool] | None = None) -> Question | None:
    """Which of these muscles does ``segment`` supply (as a major root)?"""
    drawn = drawn or (lambda _m: True)
    supplied = [m for m, c in catalog.muscles_for_segment(segment, "major") if len(m.roots) < 12 and drawn(m.id)]
    if not supplied:
        return None
    right = rng.choice(supplied)
    not_supplied = [m for m in catalog.muscles
                    if m.roots and segment not in m.root_segments() and drawn(m.id)]
    rng.shuffle(not_supplied)
    wrong = not_supplied[: OPTIONS - 1]
    if len(wrong) < OPTIONS - 1:
        return None
    muscles = [right, *wrong]
    options, answer, ids = _shuffle(rng, right.name, [w.name for w in wrong], [m.id for m in muscles])
    why = f"{segment} is a major root of {right.name} ({right.nerve}; roots {_roots_text(right)}). " + "; ".join(
        f"{w.name}: roots {_roots_text(w)}" for w in wrong) + "."
    return Question("supplies", f"Which of these muscles does {segment} supply? (Click it in 3D or choose.)",
                    options, answer, why, tuple(dict.fromkeys(right.sources + sum((w.sources for w in wrong), ()))),
                    tuple(ids), side, option_muscles=tuple(ids))


def make_quiz(catalog: Catalog, count: int = 10, seed: int | None = None, kinds: Iterable[str] = KINDS,
              drawn: Callable[[str], bool] | None = None, dermatome_question=None) -> Quiz:
    """A quiz of ``count`` questions mixing ``kinds`` (round robin), reproducible with ``seed``.

    ``drawn(muscle_id)`` says whether a muscle can be lit in 3D (default: all can); muscles
    that cannot are not asked about in questions that light them. ``dermatome_question`` is a
    callable ``(rng) -> Question | None`` (from :mod:`ims_atlas.study.dermatomes`); without it
    the ``dermatome`` kind is left out and noted.
    """
    rng = random.Random(seed)
    kinds = [k for k in kinds if k in KINDS]
    notes: list[str] = []
    if "dermatome" in kinds and dermatome_question is None:
        kinds.remove("dermatome")
        notes.append("No dermatome map is loaded: dermatome questions are left out.")
    if not kinds:
        return Quiz([], notes=tuple(notes))
    drawn = drawn or (lambda _m: True)
    muscles = [m for m in catalog.muscles if m.root_segments("major") and len(m.roots) < 12 and drawn(m.id)]
    segments = [s for s in catalog.segment_ids() if catalog.muscles_for_segment(s, "major")]
    makers: dict[str, Callable[[], Question | None]] = {
        "root": lambda: root_question(catalog, rng.choice(muscles), rng) if muscles else None,
        "paraspinal": lambda: paraspinal_question(catalog, rng.choice(muscles), rng) if muscles else None,
        "nerve": lambda: nerve_question(catalog, rng.choice(muscles), rng) if muscles else None,
        "supplies": lambda: supplies_question(catalog, rng.choice(segments), rng, drawn=drawn) if segments else None,
        "dermatome": lambda: dermatome_question(rng) if dermatome_question else None,
    }
    questions: list[Question] = []
    seen: set[str] = set()
    attempts = 0
    while len(questions) < count and attempts < count * 20:
        kind = kinds[attempts % len(kinds)]
        attempts += 1
        q = makers[kind]()
        key = "" if q is None else q.prompt + (q.region or "")
        if q is None or key in seen:
            continue
        seen.add(key)
        questions.append(q)
    if len(questions) < count:
        notes.append(f"Only {len(questions)} different questions could be made from the catalog.")
    return Quiz(questions, notes=tuple(notes))


def dermatome_question_maker(skin, maps, map_id: str | None = None) -> Callable[[random.Random], Question | None]:
    """``rng -> Question``: a painted dermatome on the skin; which segment is it?

    ``skin`` is a :class:`~ims_atlas.study.dermatomes.PaintedSkin`, ``maps`` the map definitions;
    the first map is used unless ``map_id`` is given. Wrong options are other painted segments
    near it (harder than far ones).
    """
    m = maps.get(map_id) if map_id else maps.maps[0]
    painted = [s for s in maps.segments if s in m.anchors and s in skin.segments
               and sum(skin.areas_cm2(m.id, s).values()) > 0]

    def make(rng: random.Random) -> Question | None:
        if len(painted) < OPTIONS:
            return None
        right = rng.choice(painted)
        i = painted.index(right)
        pool = [s for s in painted if s != right]
        pool.sort(key=lambda s: (abs(painted.index(s) - i), rng.random()))
        wrong = pool[: OPTIONS + 1]
        rng.shuffle(wrong)
        options, answer, _ = _shuffle(rng, right, wrong[: OPTIONS - 1])
        area = skin.areas_cm2(m.id, right)
        why = (f"The painted area is the {right} dermatome in the {m.name} map "
               f"({area['left']:.0f} cm² left, {area['right']:.0f} cm² right on this skin). {m.description}")
        cites = tuple(maps.sources[s]["citation"] for s in m.sources)
        return Question("dermatome", "Which dermatome is painted on the skin?", options, answer, why,
                        (), region=f"{m.id}:{right}", citations=cites)

    return make
