"""A student's attempts: start, autosave, finish (once), deadlines, and the grade event.

Answers are saved to the database as they are typed (autosave), so a closed browser or a
restarted server loses nothing; an attempt past its deadline is finished with what was saved
the next time anyone looks at it. Finishing twice changes nothing and announces nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.grades import ActivityRef, GradeEvent, publish_grade
from elearn.quiz.catalog import current_version, version_spec
from elearn.quiz.choice import ChoiceQuestion
from elearn.quiz.content import QuizSettings, QuizSpec
from elearn.quiz.grading import grade_response, quiz_grade
from elearn.quiz.models import Attempt, AttemptState, Quiz, Response
from elearn.quiz.randomise import SHARED_DRAW, attempt_seed, draw_seed, draw_values

GRACE = timedelta(seconds=30)  # answers posted this long after the deadline still count
MAX_ANSWER_CHARS = 2000


class QuizError(Exception):
    """An action the quiz's rules forbid (no attempts left, attempt closed); safe to show."""


def lock_attempt(session: Session, attempt_id: int) -> Attempt | None:
    """Begin a write transaction holding the attempt's row, then read it.

    Writing first matters on SQLite: a transaction that began by reading cannot become a
    writer once another connection has committed ("database is locked" at once, whatever the
    busy timeout); on PostgreSQL it is a row lock that orders concurrent saves and finishes.
    """
    if session.in_transaction():
        session.commit()
    session.execute(update(Attempt).where(Attempt.id == attempt_id).values(number=Attempt.number))
    attempt = session.get(Attempt, attempt_id)
    if attempt is not None:
        session.refresh(attempt)
    return attempt


def lock_student(session: Session, user_id: int) -> None:
    """Begin a write transaction holding the student's row (see ``lock_attempt``), so that two
    tabs starting an attempt at once are ordered."""
    from elearn.auth.models import User

    if session.in_transaction():
        session.commit()
    session.execute(update(User).where(User.id == user_id).values(id=User.id))


def attempts_of(session: Session, quiz: Quiz, user_id: int) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user_id)
            .order_by(Attempt.number)
        )
    )


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def window_problem(settings: QuizSettings, now: datetime) -> str | None:
    """Why a student may not start an attempt at ``now`` (before opens, from closes on), or None."""
    if settings.opens and now < settings.opens:
        return f"This quiz opens on {utc_text(settings.opens)}."
    if settings.closes and now >= settings.closes:
        return f"This quiz closed on {utc_text(settings.closes)}."
    return None


def start_attempt(
    session: Session, quiz: Quiz, user_id: int, now: datetime, staff: bool = False
) -> Attempt:
    """The student's open attempt, or a new one if the quiz allows another (caller commits).

    Students start only between ``opens`` and ``closes`` and their attempt ends at ``closes`` at
    the latest; ``staff`` (teachers, admins trying the quiz) may start at any time.
    """
    previous = attempts_of(session, quiz, user_id)
    open_attempt = next((a for a in previous if a.state == AttemptState.IN_PROGRESS), None)
    if open_attempt is not None:
        if not close_if_overdue(session, open_attempt, now):
            return open_attempt
    version = current_version(session, quiz)
    spec = version_spec(version)
    closed = None if staff else window_problem(spec.settings, now)
    if closed:
        raise QuizError(closed)
    if spec.settings.max_attempts and len(previous) >= spec.settings.max_attempts:
        raise QuizError(f"You have used all {spec.settings.max_attempts} attempts at this quiz.")
    number = len(previous) + 1
    seed = attempt_seed(f"{quiz.course.slug}/{quiz.slug}", user_id, number)
    limit = spec.settings.time_limit_s
    deadline = now + timedelta(seconds=limit) if limit else None
    closes = None if staff else spec.settings.closes
    if closes is not None:
        deadline = min(deadline or closes, closes)
    attempt = Attempt(
        quiz_id=quiz.id,
        version_id=version.id,
        user_id=user_id,
        number=number,
        seed=seed,
        started_at=now,
        deadline=deadline,
        max_score=spec.max_score,
        state=AttemptState.IN_PROGRESS,
    )
    attempt.responses = _draw_responses(spec, seed, f"{quiz.course.slug}/{quiz.slug}")
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:  # the same student started in another tab at the same moment
        return next(a for a in attempts_of(session, quiz, user_id) if a.number == number)
    return attempt


def _draw_responses(spec: QuizSpec, seed: int, quiz_key: str) -> list[Response]:
    """The attempt's questions with their values; order and option shuffles stay per attempt,
    values come from the variant's seed when the quiz has a pool."""
    values_seed = draw_seed(quiz_key, seed, spec.settings.variants)
    shared = draw_values(spec.shared, values_seed, SHARED_DRAW)
    order = list(range(len(spec.questions)))
    if spec.settings.shuffle_questions:
        import random

        random.Random(seed).shuffle(order)
    responses = []
    for position, index in enumerate(order, start=1):
        question = spec.questions[index]
        extra: dict[str, Any] = {}
        if isinstance(question, ChoiceQuestion):
            extra["order"] = question.order(seed)
        responses.append(
            Response(
                question_id=question.id,
                position=position,
                values=draw_values(question.parameters, values_seed, question.id, shared),
                extra=extra,
                answer={},
                max_score=question.points,
                feedback=[],
            )
        )
    return responses


def is_open(attempt: Attempt, now: datetime) -> bool:
    return attempt.state == AttemptState.IN_PROGRESS and (
        attempt.deadline is None or now <= attempt.deadline + GRACE
    )


def save_answers(
    session: Session, attempt: Attempt, answers: dict[str, dict[str, Any]], now: datetime
) -> int:
    """Store the given answers (question id -> form fields); returns how many were saved.

    With immediate feedback each saved answer is graded at once. QuizError when closed.
    """
    if not is_open(attempt, now):
        raise QuizError("This attempt is closed; answers can no longer be changed.")
    spec = grading_spec(attempt)
    saved = 0
    for response in attempt.responses:
        if response.question_id not in answers:
            continue
        answer = _clean(answers[response.question_id])
        if answer != response.answer:
            response.answer = answer
            response.saved_at = now
            saved += 1
            if spec.settings.feedback == "immediate":
                grade_response(spec, response)
    return saved


def _clean(answer: dict[str, Any]) -> dict[str, Any]:
    """Only short text values and lists of them: nothing else reaches the database."""
    clean: dict[str, Any] = {}
    for key, value in answer.items():
        if key == "params" and isinstance(value, dict):
            clean[key] = {str(k)[:50]: str(v)[:50] for k, v in list(value.items())[:20]}
        elif isinstance(value, list):
            clean[str(key)[:50]] = [str(v)[:MAX_ANSWER_CHARS] for v in value[:50]]
        elif value is not None:
            clean[str(key)[:50]] = str(value)[:MAX_ANSWER_CHARS]
    return clean


def finish_attempt(
    session: Session,
    attempt: Attempt,
    now: datetime,
    answers: dict[str, dict[str, Any]] | None = None,
) -> bool:
    """Save the last answers (if in time), grade everything, close; False if already closed."""
    if attempt.state == AttemptState.FINISHED:
        return False
    if answers and is_open(attempt, now):
        save_answers(session, attempt, answers, now)
    end = (
        attempt.deadline if attempt.deadline is not None and now > attempt.deadline + GRACE else now
    )
    claim = (
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.FINISHED, finished_at=end)
        .execution_options(synchronize_session=False)
    )
    claimed = cast(CursorResult[Any], session.execute(claim)).rowcount
    if claimed != 1:  # finished meanwhile by a concurrent request
        session.refresh(attempt)
        return False
    attempt.state, attempt.finished_at = AttemptState.FINISHED, end
    spec = grading_spec(attempt)
    for response in attempt.responses:
        grade_response(spec, response)
    attempt.score = round(sum(r.score or 0.0 for r in attempt.responses), 6)
    return True


def regrade_pending(session: Session, attempt: Attempt) -> bool:
    """Grade the finished attempt's pending answers (simulation references that were not ready)
    and update its score; True if anything changed (then commit and ``announce_grade``)."""
    if attempt.state != AttemptState.FINISHED:
        return False
    spec = grading_spec(attempt)
    pending = [r for r in attempt.responses if r.fraction is None]
    for response in pending:
        grade_response(spec, response)
    if not any(r.fraction is not None for r in pending):
        return False
    attempt.score = round(sum(r.score or 0.0 for r in attempt.responses), 6)
    return True


def close_if_overdue(session: Session, attempt: Attempt, now: datetime) -> bool:
    """Finish an attempt whose time ran out (answers as last saved); True if it was closed."""
    if attempt.state == AttemptState.IN_PROGRESS and not is_open(attempt, now):
        return finish_attempt(session, attempt, now)
    return False


def close_overdue_attempts(session: Session, now: datetime) -> list[Attempt]:
    """Finish every attempt past its deadline (for a periodic job); the caller commits and
    then announces each with ``announce_grade``."""
    overdue = session.scalars(
        select(Attempt).where(
            Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline < now - GRACE
        )
    )
    return [attempt for attempt in overdue if close_if_overdue(session, attempt, now)]


def grade_event(session: Session, attempt: Attempt) -> GradeEvent | None:
    """The student's quiz grade after the grading method, caused by ``attempt``."""
    spec = grading_spec(attempt)
    finished = [
        a
        for a in attempts_of(session, attempt.quiz, attempt.user_id)
        if a.state == AttemptState.FINISHED
    ]
    score = quiz_grade([a.score or 0.0 for a in finished], spec.settings.grading)
    if score is None:
        return None
    return GradeEvent(
        user_id=attempt.user_id,
        activity=ActivityRef("quiz", f"{attempt.quiz.course.slug}/{attempt.quiz.slug}"),
        score=score,
        maximum=attempt.quiz.max_score,
        graded_at=attempt.finished_at or attempt.started_at,
        attempt_id=attempt.public_id,
    )


def submit_attempt(
    session: Session,
    attempt: Attempt,
    now: datetime,
    answers: dict[str, dict[str, Any]] | None = None,
) -> bool:
    """Finish, commit, then publish the grade once; a second submission does nothing."""
    if not finish_attempt(session, attempt, now, answers):
        return False
    session.commit()
    announce_grade(session, attempt)
    return True


def announce_grade(session: Session, attempt: Attempt) -> None:
    event = grade_event(session, attempt)
    if event is not None:
        publish_grade(event)


def spec_of(attempt: Attempt) -> QuizSpec:
    """The quiz as the student saw it (texts, options, order)."""
    return version_spec(attempt.version)


def grading_spec(attempt: Attempt) -> QuizSpec:
    """The rules the attempt is graded with: its own version's, or a newer one's after a regrade."""
    return version_spec(attempt.graded_version or attempt.version)
