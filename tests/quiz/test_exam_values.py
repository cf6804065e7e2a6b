"""Linked random values (a quiz's ``random:`` block) and variant pools, on the real database."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from elearn.courses.importer import import_course
from elearn.quiz.attempts import start_attempt
from elearn.quiz.catalog import find_quiz
from elearn.quiz.randomise import draw_seed

EXAM = Path(__file__).parent / "data" / "exam_quizzes" / "exam.yaml"
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def exam_course(session, quiz_course_folder):
    shutil.copy(EXAM, quiz_course_folder / "quizzes")
    import_course(session, quiz_course_folder)
    session.commit()
    return find_quiz(session, "mini", "exam")


def values(attempt, question_id):
    return next(r for r in attempt.responses if r.question_id == question_id).values


def test_shared_values_are_identical_across_questions_and_stable(session, exam_course, make_user):
    student = make_user()
    attempt = start_attempt(session, exam_course, student.id, T0)
    session.commit()
    peak, wave = values(attempt, "peak"), values(attempt, "wavenumber")
    assert peak["lam"] == wave["lam"] and 2.0 <= peak["lam"] <= 3.0
    assert wave["k"] == pytest.approx(2 * 3.141592653589793 / wave["lam"])
    assert "scale" in wave and "scale" not in peak
    again = start_attempt(session, exam_course, student.id, T0)  # the open attempt, reloaded
    assert again.id == attempt.id and values(again, "peak") == peak


def test_variant_pool_bounds_the_value_sets(session, exam_course, make_user):
    attempts = [start_attempt(session, exam_course, make_user().id, T0) for _ in range(12)]
    session.commit()
    lams = {values(a, "peak")["lam"] for a in attempts}
    assert 1 < len(lams) <= 3  # 12 students, 3 variants
    for attempt in attempts:  # an attempt's values are its variant's: seed % 3
        same = [a for a in attempts if a.seed % 3 == attempt.seed % 3]
        assert {values(a, "peak")["lam"] for a in same} == {values(attempt, "peak")["lam"]}
    assert draw_seed("mini/exam", 7, 0) == 7 and draw_seed("mini/exam", 7, 3) == draw_seed("mini/exam", 10, 3)


SIM = """
    title: t
    {settings}
    random:
      lam: {lam}
    questions:
      - id: peak
        type: simulation
        text: Peak?
        instrument: Powder_diffractometer
        set: {{lambda: lam}}
        monitor: banana
        quantity: peak_position
        unit: deg
"""


def test_simulation_with_continuous_draws_needs_a_pool(quiz_problems, parse_quiz):
    problems = quiz_problems(SIM.format(settings="", lam="{min: 2, max: 3}"))
    assert len(problems) == 1 and problems[0].startswith("7: question peak: its instrument parameters")
    assert "variants: N" in problems[0] and "continuous range" in problems[0]
    assert parse_quiz(SIM.format(settings="variants: 20", lam="{min: 2, max: 3}"))
    assert parse_quiz(SIM.format(settings="", lam="{min: 2, max: 3, step: 0.1}"))  # 11 values
    many = quiz_problems(SIM.format(settings="", lam="{min: 2, max: 3, step: 0.001}"))
    assert "1001 combinations" in many[0]
    assert quiz_problems(SIM.format(settings="variants: 501", lam="2"))[0].startswith("3: variants:")


def test_import_errors_name_the_line(quiz_problems):
    text = """
        title: t
        random:
          a: "b * 2"
          b: {min: 1, max: 2}
          c: "c + 1"
          d: "nope * 2"
        questions:
          - id: q
            type: numeric
            text: "{{ a }} {{ e }}"
            parameters:
              b: 3
            answer: b
    """
    problems = quiz_problems(text)
    assert "4: parameter a: uses b defined at or below it" in problems[0]
    assert problems[1].startswith("6: parameter c: uses c defined at or below it")
    assert problems[2] == "7: parameter d: unknown name(s) nope in 'nope * 2'"
    assert problems[3].startswith("13: parameter b: shadows the quiz's random value 'b' (line 5)")
    assert problems[4:] == ["11: text: {{ a }}: no parameter 'a'", "11: text: {{ e }}: no parameter 'e'"]
