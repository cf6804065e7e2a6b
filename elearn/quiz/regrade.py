"""Regrading finished attempts with a corrected quiz version, and teachers' score overrides.

A correction is a re-import that makes a new QuizVersion. ``plan_regrade`` computes, without
writing anything, what every finished attempt would score under the newest version's grading
rules; ``apply_regrade`` does the same on the real rows, records a ScoreChange per changed
question and attempt, and the caller commits and then publishes the new grades
(``publish_changed``). Rules (docs/authoring-quizzes.md, "Corrections and regrading"):
questions are matched by id; a question the new version no longer has keeps its grade; a
question added later is not part of older attempts; an attempt keeps the texts it was shown
(its own version) and is graded with the new rules from then on (``graded_version``).
A teacher's override is kept through a regrade unless the teacher asks to clear overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import User
from elearn.grades import publish_grade
from elearn.quiz.attempts import grade_event, grading_spec
from elearn.quiz.catalog import current_version, version_spec
from elearn.quiz.content import QuizSpec
from elearn.quiz.grading import grade_response, reference_key
from elearn.quiz.models import Attempt, AttemptState, Quiz, QuizVersion, Response, ScoreChange
from elearn.quiz.simulation import SimulationQuestion

REFERENCE_KEYS = ("reference", "reference_parameters", "reference_key", "reference_problem")
MAX_COMMENT = 2000


class OverrideError(ValueError):
    """An override the rules refuse (score out of range, no comment); the message is for the user."""


@dataclass
class QuestionChange:
    question_id: str
    old: float | None
    new: float | None
    maximum: float
    note: str = ""  # why it did not change, or that a reference run is pending

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class AttemptChange:
    attempt_id: int
    user_id: int
    student: str
    number: int
    version: int  # the version the attempt was started on
    old: float | None
    new: float | None
    questions: list[QuestionChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old != self.new or any(q.changed for q in self.questions)


@dataclass
class RegradePlan:
    version: int  # the version whose rules apply
    attempts: list[AttemptChange]

    @property
    def changed(self) -> list[AttemptChange]:
        return [a for a in self.attempts if a.changed]


def plan_regrade(session: Session, quiz: Quiz, clear_overrides: bool = False) -> RegradePlan:
    """Every finished attempt's old and new scores under the newest version; writes nothing."""
    return _regrade(session, quiz, clear_overrides, write=False)


def apply_regrade(session: Session, quiz: Quiz, by_user_id: int, now: datetime,
                  clear_overrides: bool = False) -> RegradePlan:  # fmt: skip
    """Regrade in the session's transaction with history; commit, then ``publish_changed``."""
    return _regrade(session, quiz, clear_overrides, write=True, by_user_id=by_user_id, now=now)


def _regrade(session: Session, quiz: Quiz, clear_overrides: bool, write: bool,
             by_user_id: int | None = None, now: datetime | None = None) -> RegradePlan:  # fmt: skip
    version = current_version(session, quiz)
    spec = version_spec(version)
    attempts = session.scalars(
        select(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.FINISHED)
        .order_by(Attempt.user_id, Attempt.number)
    ).all()
    names = {user_id: name for user_id, name in session.execute(
        select(User.id, User.name).where(User.id.in_({a.user_id for a in attempts})))}  # fmt: skip
    plan = RegradePlan(version.number, [])
    for attempt in attempts:
        change = AttemptChange(attempt.id, attempt.user_id, names.get(attempt.user_id, "?"),
                               attempt.number, attempt.version.number, attempt.score, None)  # fmt: skip
        total = 0.0
        for response in attempt.responses:
            old = response.score
            target = response if write else _copy(response)
            question = _regrade_response(spec, target, clear_overrides, run_references=write)
            note = ""
            if question is None:
                note = f"not in version {version.number}: kept as graded"
            elif target.override_score is not None:
                note = "teacher's score kept"
            elif target.fraction is None:
                note = "waits for a reference simulation"
            change.questions.append(
                QuestionChange(response.question_id, old, target.score, target.max_score, note)
            )
            total += target.score or 0.0
        change.new = round(total, 6)
        plan.attempts.append(change)
        if write:
            _record(session, attempt, version, change, by_user_id, now)
    return plan


def _regrade_response(spec: QuizSpec, response: Response, clear_overrides: bool,
                      run_references: bool) -> object | None:  # fmt: skip
    """Grade one response with ``spec``'s rules (in place); the question, or None if removed."""
    question = spec.question(response.question_id)
    if question is None:
        return None
    if clear_overrides:
        response.override_score = response.override_comment = None
    if isinstance(question, SimulationQuestion) and "reference" in response.extra:
        parameters = question.instrument_parameters(
            response.values, (response.answer or {}).get("params", {})
        )
        stored = response.extra.get("reference_key")
        same = (
            stored == reference_key(question, parameters)
            if stored
            else response.extra.get("reference_parameters") == parameters
        )
        if not same:  # the measurement changed: a new reference run (queued when applied)
            response.extra = {k: v for k, v in response.extra.items() if k not in REFERENCE_KEYS}
    grade_response(spec, response, run_references=run_references)
    return question


def _copy(response: Response) -> Response:
    """A detached copy (never added to the session), so a preview cannot write."""
    return Response(
        question_id=response.question_id, position=response.position, values=dict(response.values),
        extra=dict(response.extra), answer=dict(response.answer or {}), fraction=response.fraction,
        score=response.score, max_score=response.max_score, feedback=list(response.feedback or []),
        override_score=response.override_score, override_comment=response.override_comment,
    )  # fmt: skip


def _record(session: Session, attempt: Attempt, version: QuizVersion, change: AttemptChange,
            by_user_id: int | None, now: datetime | None) -> None:  # fmt: skip
    """The regrade's history rows and the attempt's new total, version and maximum."""
    for question in change.questions:
        if question.old != question.new:
            session.add(ScoreChange(attempt_id=attempt.id, question_id=question.question_id,
                                    kind="regrade", version_id=version.id, by_user_id=by_user_id,
                                    at=now, old_score=question.old, new_score=question.new))  # fmt: skip
    if change.old != change.new:
        session.add(ScoreChange(attempt_id=attempt.id, question_id=None, kind="regrade",
                                version_id=version.id, by_user_id=by_user_id, at=now,
                                old_score=change.old, new_score=change.new))  # fmt: skip
    attempt.score = change.new
    attempt.max_score = round(sum(r.max_score for r in attempt.responses), 6)
    if version.id != attempt.version_id:
        attempt.graded_version_id = version.id


def set_override(session: Session, response: Response, score: float | None, comment: str,
                 by_user_id: int, now: datetime) -> None:  # fmt: skip
    """Set (a number) or clear (None) a teacher's score for one question of a finished
    attempt, with a mandatory comment; history kept. Commit, then ``publish_changed``."""
    attempt = response.attempt
    comment = comment.strip()
    if attempt.state != AttemptState.FINISHED:
        raise OverrideError("Only a finished attempt's scores can be set.")
    if not comment:
        raise OverrideError("Say why: a comment is required (the student sees it).")
    if len(comment) > MAX_COMMENT:
        raise OverrideError(f"The comment is longer than {MAX_COMMENT} characters.")
    if score is not None and not 0 <= score <= response.max_score:
        raise OverrideError(f"The score must be between 0 and {response.max_score:g}.")
    old = response.score
    response.override_score = score
    response.override_comment = comment if score is not None else None
    if score is None:
        grade_response(grading_spec(attempt), response)
    else:
        response.score = score
    attempt.score = round(sum(r.score or 0.0 for r in attempt.responses), 6)
    session.add(ScoreChange(
        attempt_id=attempt.id, question_id=response.question_id,
        kind="override" if score is not None else "clear-override",
        version_id=attempt.graded_version_id or attempt.version_id, by_user_id=by_user_id, at=now,
        old_score=old, new_score=response.score, comment=comment,
    ))  # fmt: skip


def history(session: Session, attempt_ids: list[int]) -> list[ScoreChange]:
    return list(session.scalars(
        select(ScoreChange).where(ScoreChange.attempt_id.in_(attempt_ids)).order_by(ScoreChange.id)
    ))  # fmt: skip


def publish_changed(session: Session, attempts: list[Attempt], now: datetime) -> int:
    """Publish each student's grade again (after the grading method); call after the commit.

    A new attempt id per publication: the LTI outbox sends one score per id, and this is newer."""
    latest = {attempt.user_id: attempt for attempt in attempts}
    for attempt in latest.values():
        event = grade_event(session, attempt)
        if event is not None:
            cause = f"{event.attempt_id}/regraded-{now:%Y%m%dT%H%M%S.%f}"
            publish_grade(replace(event, graded_at=now, attempt_id=cause))
    return len(latest)
