"""Durable grade passback: a platform that is down, 5xx, a restart in between, stale scores,
idempotence per attempt, giving up visibly, and the teachers' retry button."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from elearn import create_app
from elearn.activities import Activity
from elearn.auth.models import Role, User
from elearn.db.types import utcnow
from elearn.grades import GradeEvent, publish_grade
from elearn.lti import outbox
from elearn.lti.jobs import drain_passbacks
from elearn.lti.links import GradeEndpoint, record_grade_target
from elearn.lti.models import Passback, PassbackStatus, Platform

from .conftest import QUIZ
from .fake_platform import FakePlatform


@pytest.fixture
def student(
    lti_app: Flask,
    session: Session,
    make_user,
    platform: Platform,
    fake_platform,
    graded_quiz: Activity,
) -> User:
    """A student whose quiz grade goes to the fake Moodle's line item (as a launch records it)."""
    user = make_user(Role.STUDENT)
    endpoint = GradeEndpoint(fake_platform.lineitem(), "42", platform_id=platform.id)
    record_grade_target(session, user.id, graded_quiz, endpoint)
    session.commit()
    return user


def grade(user: User, score: float, at: datetime, attempt: str) -> None:
    publish_grade(GradeEvent(user.id, QUIZ, score, 10.0, at, attempt))


def rows(session: Session) -> list[Passback]:
    session.expire_all()
    return list(session.scalars(select(Passback).order_by(Passback.id)))


def time_passes(session: Session) -> None:
    """Make every waiting row due, as if its backoff had elapsed."""
    session.execute(
        update(Passback)
        .where(Passback.status == PassbackStatus.PENDING)
        .values(next_try_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()


def test_backoff_doubles_and_is_capped() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(30) == timedelta(hours=1)


def test_platform_down_then_back_after_a_restart(
    session: Session, student: User, fake_platform: FakePlatform, settings, sessions
) -> None:
    fake_platform.stop()
    grade(student, 6.0, utcnow(), "attempt-1")
    [row] = rows(session)
    assert row.status == PassbackStatus.PENDING and row.tries == 1
    assert "could not be reached" in (row.last_error or "")
    assert row.next_try_at > utcnow() + timedelta(seconds=20)
    assert drain_passbacks.call_local() == 0  # not due yet: nothing is sent

    restarted = create_app(settings)  # a new process: nothing in memory survives
    restarted.extensions["elearn.db"].sessions = sessions
    fake_platform.start()
    time_passes(session)
    assert drain_passbacks.call_local() == 1
    [row] = rows(session)
    assert row.status == PassbackStatus.SENT and row.tries == 2 and row.last_error is None
    assert [s["scoreGiven"] for s in fake_platform.scores] == [6.0]


def test_5xx_is_retried_with_backoff_until_it_goes_through(
    session: Session, student: User, fake_platform: FakePlatform
) -> None:
    fake_platform.answers.extend([503, 503])
    grade(student, 8.0, utcnow(), "attempt-1")
    [row] = rows(session)
    assert row.status == PassbackStatus.PENDING and "503" in (row.last_error or "")
    time_passes(session)
    drain_passbacks.call_local()
    [row] = rows(session)
    assert row.tries == 2 and row.next_try_at - utcnow() > timedelta(seconds=50)  # 60 s now
    time_passes(session)
    drain_passbacks.call_local()
    [row] = rows(session)
    assert row.status == PassbackStatus.SENT and row.tries == 3
    assert len(fake_platform.scores) == 1


def test_gives_up_after_the_limit_and_a_teacher_retries(
    session: Session, student: User, fake_platform: FakePlatform, auth, make_user
) -> None:
    fake_platform.answers.extend([503] * outbox.MAX_TRIES)
    grade(student, 5.0, utcnow(), "attempt-1")
    for _ in range(outbox.MAX_TRIES - 1):
        time_passes(session)
        drain_passbacks.call_local()
    [row] = rows(session)
    assert row.status == PassbackStatus.FAILED and row.tries == outbox.MAX_TRIES
    assert f"Gave up after {outbox.MAX_TRIES} tries" in (row.last_error or "")
    assert fake_platform.scores == []

    auth.login(make_user(Role.TEACHER))
    page = auth.client.get("/lti/passbacks").get_data(as_text=True)
    assert "failed" in page and "Gave up after" in page and student.name in page
    response = auth.post(f"/lti/passbacks/{row.id}/retry", form_page="/lti/passbacks")
    assert response.status_code == 302
    [row] = rows(session)
    assert row.status == PassbackStatus.SENT and [
        s["scoreGiven"] for s in fake_platform.scores
    ] == [5.0]
    assert "Nothing is waiting" in auth.client.get("/lti/passbacks").get_data(as_text=True)


def test_students_cannot_see_the_passback_page(lti_app: Flask, auth, make_user) -> None:
    auth.login(make_user(Role.STUDENT))
    assert auth.client.get("/lti/passbacks").status_code == 403


def test_a_stale_score_never_overwrites_a_newer_one(
    session: Session, student: User, fake_platform: FakePlatform
) -> None:
    fake_platform.stop()
    first = utcnow()
    grade(student, 4.0, first, "attempt-1")
    grade(student, 9.0, first + timedelta(minutes=3), "attempt-2")
    fake_platform.start()
    time_passes(session)
    drain_passbacks.call_local()
    old, new = rows(session)
    assert old.status == PassbackStatus.SUPERSEDED and new.status == PassbackStatus.SENT
    assert [s["scoreGiven"] for s in fake_platform.scores] == [9.0]
    grade(student, 1.0, first + timedelta(minutes=1), "attempt-3")  # arrives late, is older
    assert rows(session)[-1].status == PassbackStatus.SUPERSEDED
    assert [s["scoreGiven"] for s in fake_platform.scores] == [9.0]


def test_one_attempt_is_sent_once(
    session: Session, student: User, fake_platform: FakePlatform
) -> None:
    at = utcnow()
    grade(student, 7.0, at, "attempt-1")
    grade(student, 7.0, at, "attempt-1")
    grade(student, 7.0, at + timedelta(seconds=5), "attempt-1")  # same attempt, already sent
    assert len(rows(session)) == 1 and len(fake_platform.scores) == 1


def test_moodle_holding_a_newer_score_supersedes(
    session: Session, student: User, fake_platform: FakePlatform
) -> None:
    fake_platform.answers.append(409)  # Moodle: "Refusing score with an earlier timestamp"
    grade(student, 3.0, utcnow(), "attempt-1")
    [row] = rows(session)
    assert row.status == PassbackStatus.SUPERSEDED and "at least as new" in (row.last_error or "")


def test_a_refusal_fails_at_once(
    session: Session, student: User, fake_platform: FakePlatform
) -> None:
    fake_platform.answers.append(400)
    grade(student, 3.0, utcnow(), "attempt-1")
    [row] = rows(session)
    assert (
        row.status == PassbackStatus.FAILED and row.tries == 1 and "400" in (row.last_error or "")
    )


def test_grades_of_people_without_a_platform_go_nowhere(
    lti_app: Flask, session: Session, make_user, graded_quiz
) -> None:
    local = make_user(Role.STUDENT)
    grade(local, 10.0, utcnow(), "attempt-1")
    assert rows(session) == []


def test_grades_published_inside_the_app_are_queued_at_once(
    lti_app: Flask, session: Session, student: User, fake_platform: FakePlatform
) -> None:
    with lti_app.app_context():  # as a quiz view or a grading job publishes
        grade(student, 2.5, utcnow(), "attempt-1")
    [row] = rows(session)
    assert row.status == PassbackStatus.SENT and [
        s["scoreGiven"] for s in fake_platform.scores
    ] == [2.5]
