"""Simulation questions: validation against the instrument file, grading with statistical errors."""

from pathlib import Path

import pytest

from elearn.quiz.grading import QuestionVariant, grade_response, record_student_run
from elearn.quiz.models import Response
from elearn.quiz.question_types import question_type
from elearn.quiz.sim_runner import DirectSimulationRunner, set_simulation_runner
from elearn.quiz.simulation import SimulationQuestion

SIMULATIONS = Path(__file__).parents[2] / "simulations"

POWDER = """
title: Powder
questions:
  - id: bragg
    type: simulation
    text: Run the diffractometer with $\\lambda = {{ lam }}$ AA. Where is the Si (111) peak?
    parameters:
      lam: {min: 2.0, max: 3.0, step: 0.1}
    instrument: Powder_diffractometer
    set: {lambda: lam}
    student:
      r_sample: {min: 0.002, max: 0.006, default: 0.004}
    ncount: 20000
    monitor: banana
    quantity: peak_position
    unit: deg
    tolerance: {absolute: 0.3, sigmas: 2}
"""


def grade(question, response, extra):
    return question_type("simulation").grade(
        question, QuestionVariant({"lam": 2.5}, extra), response
    )


@pytest.fixture
def question(parse_quiz) -> SimulationQuestion:
    return parse_quiz(POWDER).questions[0]


def test_parsed_from_the_instrument(question) -> None:
    assert question.instrument == "Powder_diffractometer.instr"
    assert question.instrument_parameters({"lam": 2.5}, {}) == {"lambda": 2.5, "r_sample": 0.004}
    assert (
        question.instrument_parameters({"lam": 2.5}, {"r_sample": "9"})["r_sample"] == 0.006
    )  # clamped


def test_unknown_instrument_parameter_or_monitor_fails_at_import(quiz_problems) -> None:
    problems = quiz_problems("""
        title: Bad
        questions:
          - id: one
            type: simulation
            text: x
            instrument: Powder_diffractometer
            set: {lambda: 2.5, wavelength: 3}
            student:
              thickness: {min: 1, max: 2}
            monitor: detector
            quantity: peak_position
          - id: two
            type: simulation
            text: x
            instrument: No_such_instrument
            monitor: banana
            quantity: tallest_peak
        """)
    assert any(
        p.startswith("8: set: Powder_diffractometer has no parameter 'wavelength'")
        for p in problems
    )
    assert "10: student: Powder_diffractometer has no parameter 'thickness'" in problems
    assert any(
        p.startswith("11: monitor: Powder_diffractometer has no monitor 'detector'")
        for p in problems
    )
    assert "16: instrument: no instrument file 'No_such_instrument' in simulations/" in problems
    assert any(p.startswith("18: quantity: expected one of") for p in problems)


def test_tolerance_includes_the_statistical_error(question) -> None:
    reference = {"value": 47.0, "error": 0.5}
    # allowance: 0.3 + 2 * 0.5 = 1.3 deg
    assert grade(question, {"value": "48.2"}, {"reference": reference}).fraction == 1.0
    assert grade(question, {"value": "48.4"}, {"reference": reference}).fraction == 0.0
    # the student's own noisy run widens it: 0.3 + 2 * hypot(0.5, 1.0) = 2.54 deg
    noisy = {"reference": reference, "student_run": {"value": 48, "error": 1.0}}
    assert grade(question, {"value": "49.5"}, noisy).fraction == 1.0
    assert grade(question, {"value": "0.8203 rad"}, {"reference": reference}).fraction == 1.0


def test_pending_without_a_reference(question) -> None:
    result = grade(question, {"value": "47"}, {})
    assert result.fraction is None
    assert "reference simulation" in result.feedback[0]


def test_graded_against_a_real_reference_run(parse_quiz) -> None:
    """The embedded engine runs the reference (a fraction of a second at this ncount)."""
    spec = parse_quiz(POWDER)
    set_simulation_runner(DirectSimulationRunner(SIMULATIONS))
    try:
        response = Response(
            question_id="bragg",
            values={"lam": 2.5},
            extra={},
            answer={"value": "46.9 deg"},
            max_score=1.0,
            feedback=[],
        )
        grade_response(spec, response)
    finally:
        set_simulation_runner(None)
    reference = response.extra["reference"]
    assert reference["value"] == pytest.approx(46.99, abs=0.6)  # 2 asin(lambda / 2d)
    assert reference["error"] > 0
    assert response.fraction == 1.0


def test_the_students_own_run_is_kept_and_widens_the_tolerance(parse_quiz) -> None:
    spec = parse_quiz(POWDER)
    question = spec.questions[0]
    runner = DirectSimulationRunner(SIMULATIONS)
    parameters = question.instrument_parameters({"lam": 2.5}, {})
    monitors = runner.run(question.instrument, parameters, 5000, 99)
    response = Response(
        question_id="bragg", values={"lam": 2.5}, extra={}, answer={}, max_score=1.0
    )
    record_student_run(question, response, parameters, monitors, "run-42")
    own = response.extra["student_run"]
    assert own["run_id"] == "run-42" and own["parameters"] == parameters
    assert own["value"] == pytest.approx(46.99, abs=1.0)
    reference = {"value": 47.0, "error": 0.0}
    widened = 0.3 + 2 * own["error"] - 0.01
    answer = {"value": f"{47.0 + widened} deg"}
    assert grade(question, answer, {"reference": reference, "student_run": own}).fraction == 1.0
    assert grade(question, answer, {"reference": reference}).fraction == 0.0
