"""Simulation questions on the real job queue: the reference run is recorded and enqueued when
the attempt commits, runs once (immediate mode: inline), and waiting attempts are then graded."""

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from elearn.courses.importer import import_course
from elearn.db import db
from elearn.grades import grade_published
from elearn.quiz.attempts import start_attempt, submit_attempt
from elearn.quiz.catalog import find_quiz
from elearn.quiz.sim_runner import set_simulation_runner, simulation_runner
from elearn.quiz.simulations import QueuedSimulationRunner
from elearn.sim.models import RunStatus, SimulationRun

DATA = Path(__file__).parent / "data"
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_reference_runs_once_through_the_queue_and_grades_waiting_attempts(
    app, quiz_course_folder, make_user
):
    shutil.copy(DATA / "browser_quizzes" / "bragg-sim.yaml", quiz_course_folder / "quizzes")
    students = [make_user(), make_user()]
    previous = simulation_runner()
    set_simulation_runner(QueuedSimulationRunner())
    events = []

    def listen(_sender, event):
        events.append(event)

    grade_published.connect(listen)
    try:
        with app.app_context():
            session = db()
            import_course(session, quiz_course_folder)
            session.commit()
            quiz = find_quiz(session, "mini", "bragg-sim")
            for student in students:
                attempt = start_attempt(session, quiz, student.id, T0)
                submit_attempt(session, attempt, T0, {"peak": {"value": "47 deg"}, "charge": {"choice": "0"}})
                session.refresh(attempt)
                peak = next(r for r in attempt.responses if r.question_id == "peak")
                assert peak.fraction == 1.0 and attempt.score == 3.0
            runs = session.scalars(select(SimulationRun)).all()
            assert len(runs) == 1 and runs[0].status == RunStatus.DONE and runs[0].user_id is None
            assert session.scalar(select(func.count()).select_from(SimulationRun)) == 1
    finally:
        set_simulation_runner(previous)
        grade_published.disconnect(listen)
    # the first attempt is announced with the reference pending (1 point) and again, later, graded;
    # the second finds the reference cached. The newest event of each student carries 3 points.
    latest = {}
    for event in sorted(events, key=lambda e: e.graded_at):
        latest[event.user_id] = event.score
    assert latest == {students[0].id: 3.0, students[1].id: 3.0}
    assert sorted(event.score for event in events) == [1.0, 3.0, 3.0]


def test_student_runs_the_instrument_inside_the_question(app, client, auth, quiz_course_folder, make_user):
    shutil.copy(DATA / "browser_quizzes" / "bragg-sim.yaml", quiz_course_folder / "quizzes")
    previous = simulation_runner()
    set_simulation_runner(QueuedSimulationRunner())
    try:
        with app.app_context():
            import_course(db(), quiz_course_folder)
            db().commit()
        auth.login(make_user())
        page = "/courses/mini/quizzes/bragg-sim"
        attempt_url = auth.post(page + "/attempts", form_page=page).headers["Location"]
        html = client.get(attempt_url).get_data(as_text=True)
        assert "Run the simulation" in html
        run_url = attempt_url + "/questions/peak/run"
        response = auth.post(run_url, {"q-peak-value": "46 deg"}, form_page=attempt_url)
        assert response.status_code == 302
        html = client.get(attempt_url).get_data(as_text=True)
        assert re.search(r"Your run: banana gives\s+[\d.]+ ± [\d.]+ deg", html)
        assert 'value="46 deg"' in html  # the answer typed before running was saved
        assert "Plots and data of your run" in html
    finally:
        set_simulation_runner(previous)
