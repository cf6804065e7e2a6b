"""Numeric answers: tolerances, equivalent units, partial answers, randomised references."""

import pytest

from elearn.quiz.grading import QuestionVariant
from elearn.quiz.numeric import NumericQuestion
from elearn.quiz.question_types import question_type
from elearn.quiz.randomise import draw_values

WAVELENGTH = """
title: Numbers
questions:
  - id: wavelength
    type: numeric
    text: A neutron flies at {{ v }} m/s. Its wavelength?
    parameters:
      v: {min: 500, max: 4000, step: 10}
    answer: 3956 / v
    unit: AA
    tolerance: 1%
    partial:
      - answer: 2 * 3956 / v
        credit: 30%
        feedback: You doubled it.
"""


def grade(question, response, values):
    return question_type(question.type).grade(question, QuestionVariant(values), response)


@pytest.fixture
def question(parse_quiz) -> NumericQuestion:
    return parse_quiz(WAVELENGTH).questions[0]


def test_relative_tolerance_edges(question) -> None:
    values = {"v": 2000.0}  # 1.978 AA
    assert grade(question, {"value": "1.978"}, values).fraction == 1.0
    assert grade(question, {"value": f"{1.978 * 1.0099}"}, values).fraction == 1.0
    assert grade(question, {"value": f"{1.978 * 1.0101}"}, values).fraction == 0.0


def test_equivalent_units_are_accepted(question) -> None:
    values = {"v": 2000.0}
    assert grade(question, {"value": "0.1978 nm"}, values).fraction == 1.0
    assert grade(question, {"value": "1.978 Å"}, values).fraction == 1.0
    assert grade(question, {"value": "1.978e-10 m"}, values).fraction == 1.0
    wrong_dimension = grade(question, {"value": "1.978 meV"}, values)
    assert wrong_dimension.fraction == 0.0
    assert "not a unit of this quantity" in wrong_dimension.feedback[0]


def test_partial_answer_with_feedback(question) -> None:
    result = grade(question, {"value": "3.956"}, {"v": 2000.0})
    assert result.fraction == pytest.approx(0.3)
    assert result.feedback == ("You doubled it.",)


def test_unreadable_and_empty_answers(question) -> None:
    assert grade(question, {"value": ""}, {"v": 2000.0}).feedback == ("No answer was given.",)
    assert "Could not read" in grade(question, {"value": "about two"}, {"v": 2000.0}).feedback[0]


def test_absolute_tolerance_and_energy_equivalents(parse_quiz) -> None:
    question = parse_quiz(
        """
        title: Energy
        questions:
          - id: energy
            type: numeric
            text: Energy of a 1.8 AA neutron?
            answer: 81.81 / 1.8^2
            unit: meV
            energy_equivalents: true
            units: [meV, THz, K]
            tolerance: 0.5 meV
        """.replace("1.8^2", "pow(1.8, 2)")
    ).questions[0]
    assert grade(question, {"value": "25.25"}, {}).fraction == 1.0
    assert grade(question, {"value": "25.70 meV"}, {}).fraction == 1.0
    assert grade(question, {"value": "25.80 meV"}, {}).fraction == 0.0
    assert grade(question, {"value": f"{25.25 / 4.135667696} THz"}, {}).fraction == 1.0
    assert grade(question, {"value": f"{25.25 * 11.6045} K"}, {}).fraction == 1.0
    refused = grade(question, {"value": "2.525 eV"}, {})  # an energy, but not in the list
    assert refused.fraction == 0.0 and "one of: meV, THz, K" in refused.feedback[0]


def test_randomised_values_are_stable_and_differ_between_seeds(question) -> None:
    first = draw_values(question.parameters, seed=1234, question_id="wavelength")
    assert first == draw_values(question.parameters, seed=1234, question_id="wavelength")
    assert 500 <= first["v"] <= 4000 and first["v"] % 10 == 0
    draws = {draw_values(question.parameters, seed, "wavelength")["v"] for seed in range(30)}
    assert len(draws) > 10


def test_each_student_is_graded_against_their_own_values(question) -> None:
    mine, theirs = {"v": 1000.0}, {"v": 3000.0}
    my_answer = {"value": f"{3956 / 1000}"}
    assert grade(question, my_answer, mine).fraction == 1.0
    assert grade(question, my_answer, theirs).fraction == 0.0


def test_formula_and_unit_mistakes_are_reported_with_lines(quiz_problems) -> None:
    problems = quiz_problems("""
        title: Bad
        questions:
          - id: bad
            type: numeric
            text: "{{ w }} and {{ v:.2q }}"
            parameters:
              v: {min: 5, max: 1}
              u: {min: 0, max: 0}
            answer: 3956 / vv
            unit: furlong
            tolerance: lots
          - id: div
            type: numeric
            text: x
            parameters:
              u: {min: 0, max: 0}
            answer: 1 / u
        """)
    assert "8: parameter v: min and max must be numbers with min <= max" in problems
    assert "6: text: {{ w }}: no parameter 'w'" in problems
    assert "11: unit: unknown unit 'furlong'" in problems
    assert "10: answer: unknown name(s) vv in '3956 / vv'" in problems
    assert any(p.startswith("12: tolerance:") for p in problems)
    assert any(p.startswith("18: answer: 1 / u: is not finite") for p in problems)
