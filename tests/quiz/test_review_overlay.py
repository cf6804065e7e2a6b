"""The review of a simulation question overlays the student's run on the reference run.

Access rule under test: a reference run (user_id None) is never visible through the run pages
to a student; its data reaches the student only through their own finished attempt's review,
and only when the quiz shows correct answers.
"""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.courses.importer import import_course
from elearn.db import db
from elearn.quiz.sim_runner import set_simulation_runner, simulation_runner
from elearn.quiz.simulations import QueuedSimulationRunner
from elearn.sim.models import SimulationRun

DATA = Path(__file__).parent / "data"
PAGE = "/courses/mini/quizzes/bragg-sim"


@pytest.fixture
def bragg_quiz(app, quiz_course_folder):
    """The bragg-sim quiz imported, with the queue-backed reference runner."""
    shutil.copy(DATA / "browser_quizzes" / "bragg-sim.yaml", quiz_course_folder / "quizzes")
    previous = simulation_runner()
    set_simulation_runner(QueuedSimulationRunner())
    with app.app_context():
        import_course(db(), quiz_course_folder)
        db().commit()
    yield quiz_course_folder
    set_simulation_runner(previous)


def run_and_finish(auth) -> str:
    attempt_url = auth.post(PAGE + "/attempts", form_page=PAGE).headers["Location"]
    auth.post(attempt_url + "/questions/peak/run", {"q-peak-value": "46 deg"}, form_page=attempt_url)
    overlay = attempt_url + "/questions/peak/reference.json"
    assert auth.client.get(overlay).status_code == 404  # not while the attempt is open
    answers = {"q-peak-value": "47 deg", "q-charge-choice": "0"}
    auth.post(attempt_url + "/finish", answers, form_page=attempt_url)
    return attempt_url


def test_review_overlays_the_student_run_on_the_reference(app, client, auth, make_user, bragg_quiz) -> None:
    auth.login(make_user())
    attempt_url = run_and_finish(auth)
    review = client.get(attempt_url + "/review").get_data(as_text=True)
    overlay = attempt_url + "/questions/peak/reference.json"
    assert f'data-compare-url="{overlay}"' in review and "plot.js" in review
    data = client.get(overlay).get_json()
    labels = [series["label"] for series in data["series"]]
    assert labels[0].startswith("your run #") and labels[1] == "reference"
    assert data["difference"]["label"] == f"reference − {labels[0]}" and data["refused"] is None
    assert data["series"][0]["name"] == "banana"


def test_reference_runs_are_reachable_only_through_the_review(
    app, client, auth, make_user, bragg_quiz
) -> None:
    auth.login(make_user())
    attempt_url = run_and_finish(auth)
    overlay = attempt_url + "/questions/peak/reference.json"
    with app.app_context():
        reference = db().scalar(select(SimulationRun).where(SimulationRun.user_id.is_(None)))
    assert reference is not None
    assert client.get(f"/sim/runs/{reference.id}").status_code == 404
    assert client.get(f"/sim/runs/{reference.id}/data/banana.json").status_code == 404
    assert client.get(attempt_url + "/questions/charge/reference.json").status_code == 404
    auth.post("/auth/logout")
    auth.login(make_user())
    assert client.get(overlay).status_code == 404  # another student's attempt


def test_no_overlay_when_the_quiz_hides_correct_answers(app, client, auth, make_user, bragg_quiz) -> None:
    quiz_file = bragg_quiz / "quizzes" / "bragg-sim.yaml"
    quiz_file.write_text(quiz_file.read_text().replace("feedback: deferred", "feedback: deferred\n"
                                                       "show_correct_answers: false"))  # fmt: skip
    with app.app_context():
        import_course(db(), bragg_quiz)
        db().commit()
    auth.login(make_user())
    attempt_url = run_and_finish(auth)
    assert "data-compare-url" not in client.get(attempt_url + "/review").get_data(as_text=True)
    assert client.get(attempt_url + "/questions/peak/reference.json").status_code == 404
