"""Single and multiple choice: per-option feedback, partial credit and penalties."""

from elearn.quiz.grading import QuestionVariant
from elearn.quiz.question_types import question_type

SINGLE = """
title: Choice
questions:
  - id: charge
    type: single
    text: The neutron's charge is
    options:
      - text: zero
        correct: true
        feedback: Right, it is neutral.
      - text: +e
        feedback: That is the proton.
      - text: nearly zero
        credit: 25%
"""

MULTIPLE = """
title: Choice
questions:
  - id: probes
    type: multiple
    text: Which are true of thermal neutrons?
    options:
      - {text: "wavelength about 1.8 AA", correct: true}
      - {text: "energy about 25 meV", correct: true}
      - {text: "they carry charge", feedback: "No, neutrons are neutral."}
      - {text: "speed about 3 m/s"}
"""


def grade(spec, response):
    question = spec.questions[0]
    return question_type(question.type).grade(question, QuestionVariant({}), response)


def test_single_choice_credit_and_feedback(parse_quiz) -> None:
    spec = parse_quiz(SINGLE)
    assert grade(spec, {"choice": "0"}).fraction == 1.0
    assert grade(spec, {"choice": "0"}).feedback == ("Right, it is neutral.",)
    assert grade(spec, {"choice": "1"}).fraction == 0.0
    assert grade(spec, {"choice": "1"}).feedback == ("That is the proton.",)
    assert grade(spec, {"choice": "2"}).fraction == 0.25
    assert grade(spec, {}).fraction == 0.0
    assert grade(spec, {"choice": "7"}).fraction == 0.0  # not an option


def test_multiple_choice_partial_credit_and_penalties(parse_quiz) -> None:
    spec = parse_quiz(MULTIPLE)
    assert grade(spec, {"choices": ["0", "1"]}).fraction == 1.0
    assert grade(spec, {"choices": ["0"]}).fraction == 0.5
    assert grade(spec, {"choices": ["0", "1", "2"]}).fraction == 0.5
    assert grade(spec, {"choices": ["0", "2", "3"]}).fraction == 0.0  # clamped, never negative
    assert grade(spec, {"choices": ["0", "1", "2", "3"]}).fraction == 0.0  # ticking all scores 0
    assert grade(spec, {"choices": ["0", "0"]}).fraction == 0.5  # a repeated value counts once
    assert grade(spec, {"choices": ["2"]}).feedback == ("No, neutrons are neutral.",)


def test_shuffled_order_is_stable_per_seed(parse_quiz) -> None:
    question = parse_quiz(MULTIPLE).questions[0]
    assert question.order(42) == question.order(42)
    assert sorted(question.order(42)) == [0, 1, 2, 3]
    assert len({tuple(question.order(seed)) for seed in range(20)}) > 1


def test_authoring_mistakes_are_reported_with_lines(quiz_problems) -> None:
    problems = quiz_problems("""
        title: Bad
        questions:
          - id: none-correct
            type: single
            text: Pick
            options:
              - text: a
              - text: b
          - id: too-much
            type: multiple
            text: Pick
            options:
              - {text: a, credit: 80%}
              - {text: b, credit: 80%}
          - id: lonely
            type: single
            text: Pick
            options:
              - {text: a, correct: yes please}
        """)
    assert "7: single choice: one option must be correct (100%)" in problems
    assert "13: multiple choice: positive credits add up to 160%, not 100%" in problems
    assert "20: correct: expected true or false" in problems
    assert "19: options: a choice question needs at least two" in problems
