"""Exam readiness: the runs a variant pool needs, pre-computed through the real queue and cache."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.auth.models import Role
from elearn.courses.importer import import_course
from elearn.db import db
from elearn.quiz.attempts import start_attempt, submit_attempt
from elearn.quiz.catalog import find_quiz
from elearn.quiz.sim_runner import set_simulation_runner, simulation_runner
from elearn.quiz.simulations import QueuedSimulationRunner
from elearn.sim.models import SimulationRun

EXAM = Path(__file__).parent / "data" / "exam_quizzes" / "exam.yaml"
PAGE = "/courses/mini/quizzes/exam/readiness"
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def queued_runner():
    previous = simulation_runner()
    set_simulation_runner(QueuedSimulationRunner())
    yield
    set_simulation_runner(previous)


def keys(session) -> int:
    return session.scalar(select(func.count(func.distinct(SimulationRun.cache_key))))


def test_precompute_queues_exactly_the_missing_runs(app, client, auth, quiz_course_folder, make_user,
                                                     queued_runner):  # fmt: skip
    shutil.copy(EXAM, quiz_course_folder / "quizzes")
    student = make_user()
    with app.app_context():
        import_course(db(), quiz_course_folder)
        db().commit()
        quiz = find_quiz(db(), "mini", "exam")
        attempt = start_attempt(db(), quiz, student.id, T0)  # its reference runs at submission
        submit_attempt(db(), attempt, T0, {"peak": {"value": "40 deg"}})
        assert keys(db()) == 1
    auth.login(make_user(Role.TEACHER))
    page = client.get(PAGE).get_data(as_text=True)
    assert page.count('class="run-state"') == 6  # 3 variants x (reference, default student run)
    assert "done: <strong data-count=\"done\">1</strong>" in page
    assert "missing: <strong data-count=\"missing\">5</strong>" in page
    assert "readiness.js" in page and "<script>" not in page
    reply = auth.post(PAGE, form_page=PAGE, follow_redirects=True).get_data(as_text=True)
    assert "5 simulation runs queued." in reply  # the immediate queue ran them on commit
    with app.app_context():
        assert keys(db()) == 6
        assert db().scalar(select(func.count()).select_from(SimulationRun)) == 6
    status = client.get(PAGE + ".json").get_json()
    assert status["counts"] == {"done": 6, "running": 0, "queued": 0, "failed": 0, "missing": 0}
    assert set(status["runs"].values()) == {"done"}
    again = auth.post(PAGE, form_page=PAGE, follow_redirects=True).get_data(as_text=True)
    assert "Nothing to queue" in again
    with app.app_context():  # a new student's attempt finds its reference in the cache
        other = start_attempt(db(), find_quiz(db(), "mini", "exam"), make_user().id, T0)
        submit_attempt(db(), other, T0, {"peak": {"value": "40 deg"}})
        assert keys(db()) == 6
        assert next(r for r in other.responses if r.question_id == "peak").fraction is not None


def test_student_chosen_parameters_are_named_as_not_precomputable(app, client, auth, quiz_course_folder,
                                                                   make_user):  # fmt: skip
    text = EXAM.read_text().replace("    set: {lambda: lam}\n", "    set: {lambda: lam}\n"
                                    "    student:\n      d_phi: {min: 5, max: 15, default: 11.4}\n")
    (quiz_course_folder / "quizzes" / "exam.yaml").write_text(text)
    with app.app_context():
        import_course(db(), quiz_course_folder)
        db().commit()
    auth.login(make_user(Role.TEACHER))
    page = client.get(PAGE).get_data(as_text=True)
    assert "students choose d_phi" in page and "cannot be pre-computed" in page
