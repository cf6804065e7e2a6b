"""The same submission posted twice at the same moment counts once (separate connections)."""

import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from elearn.auth.models import Role, User
from elearn.auth.services import create_user
from elearn.courses.importer import import_course
from elearn.courses.models import Course
from elearn.grades import grade_published
from elearn.quiz.attempts import lock_attempt, start_attempt, submit_attempt
from elearn.quiz.catalog import find_quiz

MINI = Path(__file__).parents[1] / "data" / "courses" / "mini"
QUIZZES = Path(__file__).parent / "data" / "quizzes"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_two_simultaneous_finishes_grade_and_announce_once(engine, tmp_path) -> None:
    folder = tmp_path / "concurrency"
    shutil.copytree(MINI, folder)
    shutil.copytree(QUIZZES, folder / "quizzes")
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        import_course(session, folder)
        student = create_user(session, email="racer@example.org", name="Racer", password=None,
                              role=Role.STUDENT)  # fmt: skip
        session.commit()
        attempt_id = start_attempt(
            session, find_quiz(session, "concurrency", "waves"), student.id, NOW
        ).id
        session.commit()
    events, results = [], []
    barrier = threading.Barrier(2)

    def listen(_sender, event):
        events.append(event)

    def finish() -> None:
        with sessions() as session:
            barrier.wait()
            attempt = lock_attempt(session, attempt_id)
            results.append(submit_attempt(session, attempt, NOW, {"charge": {"choice": "0"}}))
            session.commit()

    grade_published.connect(listen)
    try:
        threads = [threading.Thread(target=finish) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        grade_published.disconnect(listen)
        with sessions() as session:
            session.execute(delete(Course).where(Course.slug == "concurrency"))
            session.execute(delete(User).where(User.email == "racer@example.org"))
            session.commit()
    assert sorted(results) == [False, True]
    assert len(events) == 1 and events[0].score == 1.0
