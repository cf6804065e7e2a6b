"""Short text answers: wildcards, regular expressions, case and spacing."""

from elearn.quiz.grading import QuestionVariant
from elearn.quiz.question_types import question_type

QUIZ = """
title: Words
questions:
  - id: particle
    type: text
    text: Which particle did Chadwick discover in 1932?
    answers:
      - pattern: neutron
        feedback: Yes.
      - pattern: "*neutron*"
        credit: 80%
      - regex: "neutrons?|n"
        credit: 50%
      - pattern: proton
        credit: 0
        feedback: Rutherford found the proton.
"""


def grade(spec, value):
    question = spec.questions[0]
    return question_type("text").grade(question, QuestionVariant({}), {"value": value})


def test_patterns_best_credit_wins(parse_quiz) -> None:
    spec = parse_quiz(QUIZ)
    assert grade(spec, "  Neutron ").fraction == 1.0
    assert grade(spec, "the neutron").fraction == 0.8
    assert grade(spec, "n").fraction == 0.5
    assert grade(spec, "proton").feedback == ("Rutherford found the proton.",)
    assert grade(spec, "electron").fraction == 0.0
    assert grade(spec, "").fraction == 0.0


def test_case_sensitive_and_inner_spaces(parse_quiz) -> None:
    spec = parse_quiz("""
        title: Words
        questions:
          - id: symbol
            type: text
            text: The symbol of the scattering vector?
            case_sensitive: true
            answers: ["Q", "Q vector"]
        """)
    assert grade(spec, "Q").fraction == 1.0
    assert grade(spec, "q").fraction == 0.0
    assert grade(spec, "Q    vector").fraction == 1.0


def test_bad_regex_is_reported(quiz_problems) -> None:
    problems = quiz_problems("""
        title: Words
        questions:
          - id: bad
            type: text
            text: x
            answers:
              - regex: "neutron("
        """)
    assert any(p.startswith("8: regex:") for p in problems)
