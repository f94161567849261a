"""Quizzes: every generated question is right by the catalog, one option right, scoring and review."""

from __future__ import annotations

import pytest

from ims_atlas.catalog.load import load_catalog
from ims_atlas.core.paths import bundled_catalog_path
from ims_atlas.study.quiz import KINDS, Quiz, make_quiz, root_question, supplies_question


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(bundled_catalog_path())


@pytest.fixture(scope="module")
def quiz_questions(catalog):
    return make_quiz(catalog, count=200, seed=7).questions


def _levels(catalog):
    return {s: catalog.segment(s).paraspinal_level for s in catalog.segment_ids()}


def test_every_kind_is_asked_and_dermatome_is_noted_without_a_map(catalog):
    quiz = make_quiz(catalog, count=20, seed=1)
    assert {q.kind for q in quiz.questions} == set(KINDS) - {"dermatome"}
    assert any("dermatome" in n for n in quiz.notes)
    assert len(quiz.questions) == 20
    assert len({q.prompt + (q.region or "") for q in quiz.questions}) == 20


def test_seed_reproduces_the_quiz(catalog):
    a = make_quiz(catalog, count=10, seed=3)
    b = make_quiz(catalog, count=10, seed=3)
    assert [(q.prompt, q.options) for q in a.questions] == [(q.prompt, q.options) for q in b.questions]


def test_exactly_one_option_is_right_by_the_catalog(catalog, quiz_questions):
    """Checked against the catalog independently of how the options were made."""
    levels = _levels(catalog)
    by_name = {m.name: m for m in catalog.muscles}
    for q in quiz_questions:
        assert len(q.options) == 4 and len(set(q.options)) == 4, q
        assert q.sources and all(catalog.source(s) for s in q.sources), q
        assert q.explanation
        if q.kind in ("root", "paraspinal", "nerve"):
            m = catalog.muscle(q.highlight[0])
        if q.kind == "root":
            right = [o for o in q.options if o in m.root_segments("major")]
            assert right == [q.options[q.answer]], q
            assert not any(o in m.root_segments() for i, o in enumerate(q.options) if i != q.answer), q
        elif q.kind == "paraspinal":
            own = {levels[s] for s in m.root_segments() if s in levels}
            assert q.options[q.answer] in {levels[s] for s in m.root_segments("major") if s in levels}
            assert not any(o in own for i, o in enumerate(q.options) if i != q.answer), q
        elif q.kind == "nerve":
            assert m.nerve.startswith(q.options[q.answer])
            assert all(not m.nerve.lower().startswith(o.lower()) for i, o in enumerate(q.options) if i != q.answer)
        elif q.kind == "supplies":
            segment = q.prompt.split(" does ")[1].split(" supply")[0]
            chosen = [by_name[o] for o in q.options]
            assert [segment in c.root_segments("major") for c in chosen].count(True) == 1
            assert segment in chosen[q.answer].root_segments("major")
            assert all(segment not in c.root_segments() for i, c in enumerate(chosen) if i != q.answer)


def test_scoring_and_review_of_misses(catalog):
    quiz = make_quiz(catalog, count=5, seed=11)
    q0 = quiz.current
    assert quiz.answer(q0.answer) is True
    wrong = (quiz.current.answer + 1) % 4
    q1 = quiz.current
    assert quiz.answer(wrong) is False
    quiz.skip()
    q2 = quiz.questions[2]
    quiz.answer(quiz.current.answer)
    quiz.answer(quiz.current.answer)
    assert quiz.done and quiz.current is None
    assert quiz.score == 3
    assert quiz.misses() == [(q1, wrong), (q2, None)]
    with pytest.raises(IndexError, match="over"):
        quiz.answer(0)


def test_an_option_out_of_range_is_refused(catalog):
    quiz = make_quiz(catalog, count=1, seed=2)
    with pytest.raises(IndexError, match="not one of"):
        quiz.answer(4)
    assert quiz.answers == []


def test_click_answers(catalog):
    import random

    q = supplies_question(catalog, "C7", random.Random(5))
    right = q.option_muscles[q.answer]
    assert q.option_for_muscle(right) == q.answer
    assert q.option_for_muscle("no_such_muscle") is None
    r = root_question(catalog, catalog.muscle("deltoid"), random.Random(5))
    assert r.options[r.answer] in ("C5", "C6")
    assert r.option_for_segment(r.options[r.answer]) == r.answer


def test_only_drawn_muscles_light_up(catalog):
    drawn = {"deltoid", "supraspinatus", "triceps_brachii", "tibialis_anterior", "gastrocnemius",
             "extensor_digitorum", "biceps_brachii", "gluteus_medius"}
    quiz = make_quiz(catalog, count=12, seed=4, kinds=("root", "nerve", "supplies"), drawn=drawn.__contains__)
    for q in quiz.questions:
        assert set(q.highlight) <= drawn, q


def test_an_empty_kind_list_gives_an_empty_quiz(catalog):
    assert make_quiz(catalog, kinds=()).questions == []
    assert Quiz([]).done


def test_dermatome_questions_ask_for_the_painted_segment(catalog):
    from ims_atlas.study.dermatomes import bundled_maps, load_painted_skin
    from ims_atlas.study.quiz import dermatome_question_maker

    skin, maps = load_painted_skin(), bundled_maps()
    quiz = make_quiz(catalog, count=8, seed=9, kinds=("dermatome",),
                     dermatome_question=dermatome_question_maker(skin, maps))
    assert len(quiz.questions) == 8 and not quiz.notes
    for q in quiz.questions:
        map_id, segment = q.region.split(":")
        assert q.options[q.answer] == segment
        assert skin.vertex_mask(map_id, segment).any()
        assert len(set(q.options)) == 4 and q.citations
