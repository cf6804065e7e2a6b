"""Attempts on the real database: randomisation per student, autosave, deadlines, grading once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from elearn.quiz.attempts import (
    QuizError,
    close_overdue_attempts,
    save_answers,
    start_attempt,
    submit_attempt,
)
from elearn.quiz.catalog import find_quiz
from elearn.quiz.models import Attempt, AttemptState

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def response(attempt, question_id):
    return next(r for r in attempt.responses if r.question_id == question_id)


def test_two_students_get_different_values_each_graded_against_their_own(
    session, quiz_course, make_user
) -> None:
    quiz = find_quiz(session, "mini", "waves")
    students = [make_user() for _ in range(2)]
    attempts = [start_attempt(session, quiz, s.id, T0) for s in students]
    speeds = [response(a, "wavelength").values["v"] for a in attempts]
    assert speeds[0] != speeds[1]
    for attempt, speed in zip(attempts, speeds, strict=True):
        answers = {"wavelength": {"value": f"{3956 / speed:.4f} AA"}, "charge": {"choice": "0"}}
        submit_attempt(session, attempt, T0 + timedelta(minutes=5), answers)
    assert [a.score for a in attempts] == [3.0, 3.0]
    # the first student's answer is wrong for the second student's values
    third = start_attempt(session, quiz, students[1].id, T0)
    submit_attempt(session, third, T0, {"wavelength": {"value": f"{3956 / speeds[0]:.4f}"}})
    assert response(third, "wavelength").fraction == 0.0


def test_reload_shows_the_same_values(session, quiz_course, make_user) -> None:
    quiz = find_quiz(session, "mini", "waves")
    student = make_user()
    first = start_attempt(session, quiz, student.id, T0)
    session.commit()
    again = start_attempt(session, quiz, student.id, T0 + timedelta(minutes=1))
    assert again.id == first.id
    assert response(again, "wavelength").values == response(first, "wavelength").values


def test_autosaved_answers_survive_and_submitting_twice_counts_once(
    session, sessions, quiz_course, make_user, events
) -> None:
    quiz = find_quiz(session, "mini", "waves")
    student = make_user()
    attempt = start_attempt(session, quiz, student.id, T0)
    speed = response(attempt, "wavelength").values["v"]
    save_answers(
        session, attempt, {"wavelength": {"value": f"{3956 / speed}"}}, T0 + timedelta(minutes=1)
    )
    session.commit()
    with sessions() as fresh:  # as if the server restarted: a new session reads the saved answer
        reloaded = fresh.get(Attempt, attempt.id)
        assert response(reloaded, "wavelength").answer == {"value": f"{3956 / speed}"}
        assert submit_attempt(
            fresh, reloaded, T0 + timedelta(minutes=2), {"charge": {"choice": "1"}}
        )
        assert not submit_attempt(
            fresh, reloaded, T0 + timedelta(minutes=3), {"charge": {"choice": "0"}}
        )
        assert reloaded.score == 2.0
    assert len(events) == 1
    event = events[0]
    assert (event.user_id, event.activity.key, event.score, event.maximum) == (
        student.id,
        "mini/waves",
        2.0,
        3.0,
    )
    assert event.attempt_id == f"quiz-attempt-{attempt.id}"


def test_maximum_attempts_and_grading_method(session, quiz_course, make_user, events) -> None:
    quiz = find_quiz(session, "mini", "waves")  # 2 attempts, highest
    student = make_user()
    first = start_attempt(session, quiz, student.id, T0)
    submit_attempt(session, first, T0, {"charge": {"choice": "0"}})
    second = start_attempt(session, quiz, student.id, T0)
    submit_attempt(session, second, T0, {"charge": {"choice": "1"}})
    assert [e.score for e in events] == [1.0, 1.0]  # highest of (1, 0)
    with pytest.raises(QuizError):
        start_attempt(session, quiz, student.id, T0)


def test_average_grading_and_immediate_feedback(session, quiz_course, make_user, events) -> None:
    quiz = find_quiz(session, "mini", "timed")  # unlimited, average, immediate
    student = make_user()
    first = start_attempt(session, quiz, student.id, T0)
    save_answers(session, first, {"particle": {"value": "Neutron"}}, T0)
    assert response(first, "particle").fraction == 1.0  # graded when saved
    submit_attempt(session, first, T0)
    second = start_attempt(session, quiz, student.id, T0)
    submit_attempt(session, second, T0, {"facts": {"choices": ["0"]}})
    assert [e.score for e in events] == [1.0, 0.75]  # average of 1 and 0.5


def test_time_limit_closes_the_attempt_with_the_saved_answers(
    session, quiz_course, make_user, events
) -> None:
    quiz = find_quiz(session, "mini", "timed")  # 10 minutes
    student = make_user()
    attempt = start_attempt(session, quiz, student.id, T0)
    assert attempt.deadline == T0 + timedelta(minutes=10)
    save_answers(session, attempt, {"particle": {"value": "neutron"}}, T0 + timedelta(minutes=9))
    with pytest.raises(QuizError):
        save_answers(
            session, attempt, {"particle": {"value": "proton"}}, T0 + timedelta(minutes=11)
        )
    closed = close_overdue_attempts(session, T0 + timedelta(minutes=12))
    assert closed == [attempt]
    assert attempt.state == AttemptState.FINISHED
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == 1.0
    assert close_overdue_attempts(session, T0 + timedelta(minutes=13)) == []


def test_late_submission_keeps_what_was_saved_in_time(session, quiz_course, make_user) -> None:
    quiz = find_quiz(session, "mini", "timed")
    attempt = start_attempt(session, quiz, make_user().id, T0)
    save_answers(session, attempt, {"particle": {"value": "neutron"}}, T0)
    submit_attempt(session, attempt, T0 + timedelta(hours=1), {"particle": {"value": "proton"}})
    assert response(attempt, "particle").answer == {"value": "neutron"}
    assert session.scalar(select(Attempt.score).where(Attempt.id == attempt.id)) == 1.0


def test_the_periodic_job_closes_overdue_attempts(
    app, session, quiz_course, make_user, events
) -> None:
    from elearn.quiz.tasks import close_overdue_quiz_attempts

    quiz = find_quiz(session, "mini", "timed")
    attempt = start_attempt(session, quiz, make_user().id, T0)  # T0 is long past
    save_answers(session, attempt, {"particle": {"value": "neutron"}}, T0)
    session.commit()
    assert close_overdue_quiz_attempts.call_local() == 1
    session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.score == 1.0
    assert len(events) == 1
