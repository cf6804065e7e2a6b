"""Grading a response with its question type, and a student's quiz grade after the method.

Simulation questions get their reference from the installed SimulationRunner (a cached run
with the question's parameters); without one they stay pending (fraction None, scored 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elearn.quiz.content import QuizSpec
from elearn.quiz.models import Response
from elearn.quiz.question_types import question_type
from elearn.quiz.sim_quantities import QuantityError
from elearn.quiz.sim_runner import measure, simulation_runner
from elearn.quiz.simulation import SimulationQuestion
from elearn.quiz.spec import Grade, Question

REFERENCE_SEED = 20261125  # one seed for every reference run, so runs are shared via the cache
REFERENCE_RAYS_FACTOR = 10  # reference runs use 10x the question's ncount


@dataclass
class QuestionVariant:
    values: dict[str, float]
    extra: dict[str, Any] = field(default_factory=dict)


def grade_response(spec: QuizSpec, response: Response, run_references: bool = True) -> Grade:
    """Grade ``response`` in place: fraction, score and feedback; a teacher's override stays the
    score. A question the grading version no longer has keeps its grade (see regrade.py).
    ``run_references`` False: a missing simulation reference stays pending (nothing is queued)."""
    question = spec.question(response.question_id)
    if question is None:
        return Grade(response.fraction, tuple(response.feedback or ()))
    kind = question_type(question.type)
    assert kind is not None
    if (
        isinstance(question, SimulationQuestion)
        and run_references
        and "reference" not in response.extra
    ):
        _add_reference(question, response)
    grade = kind.grade(
        question, QuestionVariant(response.values, response.extra), response.answer or {}
    )
    response.fraction = grade.fraction
    response.max_score = question.points
    response.score = None if grade.fraction is None else round(grade.fraction * question.points, 6)
    if response.override_score is not None:
        response.score = response.override_score
    response.feedback = [text for text in grade.feedback if text]
    return grade


def reference_key(question: SimulationQuestion, parameters: dict[str, float]) -> str:
    """What a stored reference measurement depends on: a regrade re-measures when it changes."""
    return repr((question.instrument, sorted(parameters.items()), question.ncount, question.monitor,
                 question.quantity, question.reduce, question.axis.text if question.axis else None,
                 question.smooth, question.x_power))  # fmt: skip


def correct_answer(question: Question, response: Response) -> str:
    kind = question_type(question.type)
    assert kind is not None
    return kind.correct_answer(question, QuestionVariant(response.values, response.extra))


def _add_reference(question: SimulationQuestion, response: Response) -> None:
    runner = simulation_runner()
    if runner is None:
        return
    parameters = question.instrument_parameters(
        response.values, (response.answer or {}).get("params", {})
    )
    monitors = runner.run(
        question.instrument, parameters, question.ncount * REFERENCE_RAYS_FACTOR, REFERENCE_SEED
    )
    if monitors is None:  # queued or running: graded later by regrade_pending
        return
    try:
        measured = measure(
            monitors[question.monitor],
            question.quantity,
            question.reduce,
            question.axis_function(parameters),
            question.smooth,
            question.x_power,
        )
    except QuantityError as error:
        response.extra = {**response.extra, "reference_problem": str(error)}
        return
    response.extra = {
        **response.extra,
        "reference": {"value": measured.value, "error": measured.error},
        "reference_parameters": parameters,
        "reference_key": reference_key(question, parameters),
    }


def record_student_run(
    question: SimulationQuestion,
    response: Response,
    parameters: dict[str, float],
    monitors: dict[str, Any],
    run_id: str,
) -> None:
    """Remember the student's own run (shown beside the answer in the review); its statistical
    error widens the tolerance."""
    try:
        measured = measure(
            monitors[question.monitor],
            question.quantity,
            question.reduce,
            question.axis_function(parameters),
            question.smooth,
            question.x_power,
        )
        result: dict[str, Any] = {"value": measured.value, "error": measured.error}
    except QuantityError as error:
        result = {"problem": str(error)}
    response.extra = {
        **response.extra,
        "student_run": {**result, "run_id": run_id, "parameters": parameters},
    }


def quiz_grade(scores: list[float], method: str) -> float | None:
    """The grade of finished attempts' scores (in attempt order) after the grading method."""
    if not scores:
        return None
    if method == "last":
        return scores[-1]
    if method == "average":
        return sum(scores) / len(scores)
    return max(scores)
