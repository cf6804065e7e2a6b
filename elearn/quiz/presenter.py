"""What the attempt and review pages show for each question, as plain data (no Flask)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elearn.quiz.catalog import version_spec
from elearn.quiz.choice import ChoiceQuestion
from elearn.quiz.grading import correct_answer
from elearn.quiz.models import Attempt, AttemptState
from elearn.quiz.numeric import NumericQuestion
from elearn.quiz.simulation import SimulationQuestion
from elearn.quiz.text import TextRenderer


@dataclass
class OptionView:
    index: int  # authored position: the value the form posts
    html: str
    selected: bool
    feedback_html: str = ""
    correct: bool = False


@dataclass
class QuestionView:
    id: str
    number: int
    type: str
    points: float
    text_html: str
    answer: dict[str, Any]
    options: list[OptionView] = field(default_factory=list)
    unit: str = ""
    units: tuple[str, ...] = ()
    simulation: dict[str, Any] | None = None  # instrument, fixed and student parameters
    graded: bool = False
    score: float | None = None
    state: str = ""  # correct | partially-correct | incorrect | pending, once graded
    feedback_html: list[str] = field(default_factory=list)
    general_feedback_html: str = ""
    correct_answer: str = ""
    override_comment: str = ""  # a teacher set this question's score, and said why


def question_views(attempt: Attempt, render: TextRenderer, review: bool) -> list[QuestionView]:
    """The attempt's questions in its order; feedback and grades only when the quiz allows."""
    spec = version_spec(attempt.version)
    rules = version_spec(attempt.graded_version) if attempt.graded_version else spec  # after a regrade
    finished = attempt.state == AttemptState.FINISHED
    show_feedback = finished or spec.settings.feedback == "immediate"
    views = []
    for number, response in enumerate(attempt.responses, start=1):
        question = spec.question(response.question_id)
        assert question is not None
        values = response.values
        view = QuestionView(
            id=question.id,
            number=number,
            type=question.type,
            points=question.points,
            text_html=render(question.text, values),
            answer=response.answer or {},
        )
        graded = (
            show_feedback and response.fraction is not None and (finished or bool(response.answer))
        )
        if isinstance(question, ChoiceQuestion):
            chosen = set(view.answer.get("choices", [])) | {view.answer.get("choice")}
            for index in response.extra.get("order", range(len(question.options))):
                option = question.options[index]
                view.options.append(
                    OptionView(
                        index,
                        render(option.text, values),
                        str(index) in chosen,
                        render(option.feedback, values)
                        if graded and str(index) in chosen and option.feedback
                        else "",
                        review
                        and finished
                        and spec.settings.show_correct_answers
                        and option.credit > 0,
                    )
                )
        if isinstance(question, NumericQuestion | SimulationQuestion):
            view.unit, view.units = question.units.unit, question.units.accepted
        if isinstance(question, SimulationQuestion):
            view.simulation = {
                "instrument": question.instrument,
                "fixed": {name: f(values) for name, f in question.fixed.items()},
                "student": question.student,
                "monitor": question.monitor,
                "student_run": response.extra.get("student_run"),
                "student_run_id": response.extra.get("student_run_id"),
            }
        if show_feedback and (finished or bool(response.answer)):
            view.graded, view.score = True, response.score
            overridden = response.override_score is not None and response.max_score > 0
            view.state = _state(
                response.override_score / response.max_score if overridden else response.fraction
            )
            shown = (
                {o.feedback for o in question.options}
                if isinstance(question, ChoiceQuestion)
                else set()
            )
            view.feedback_html = [render(t, values) for t in response.feedback if t not in shown]
        if finished and review:
            view.override_comment = response.override_comment or ""
            view.general_feedback_html = (
                render(question.feedback, values) if question.feedback else ""
            )
            if rules.settings.show_correct_answers:
                view.correct_answer = correct_answer(rules.question(question.id) or question, response)
        views.append(view)
    return views


def _state(fraction: float | None) -> str:
    if fraction is None:
        return "pending"
    if fraction >= 1 - 1e-9:
        return "correct"
    return "partially-correct" if fraction > 0 else "incorrect"


def answers_from_form(form: Any, question_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Form fields q-<id>-value, q-<id>-choice, q-<id>-choices, q-<id>-param-<name> by question."""
    answers: dict[str, dict[str, Any]] = {}
    for question_id in question_ids:
        prefix = f"q-{question_id}-"
        answer: dict[str, Any] = {}
        params = {}
        for key in form:
            if not key.startswith(prefix):
                continue
            field_name = key[len(prefix) :]
            if field_name == "choices":
                answer["choices"] = form.getlist(key)
            elif field_name.startswith("param-"):
                params[field_name[6:]] = form.get(key)
            elif field_name in ("value", "choice"):
                answer[field_name] = form.get(key)
        if params:
            answer["params"] = params
        if answer or f"{prefix}present" in form:
            answers[question_id] = answer
    return answers
