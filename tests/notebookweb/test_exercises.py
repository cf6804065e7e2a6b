"""Notebook exercises through the web app: import, edit, save, run, submit, grade, privacy.

The queue runs in immediate mode, so each Run or Submit executes in the real sandbox inline.
"""

import re

import nbformat
import pytest
from sqlalchemy import select

from elearn.auth.models import Role
from elearn.grades import grade_published
from elearn.notebooks.models import NotebookExercise, NotebookSubmission, SubmissionStatus

PAGE = "/courses/mini/notebooks/squares"
CORRECT = 'def square(x):\n    """x squared."""\n    return x * x'
WRONG = "def square(x):\n    return x * x if x > 2 else 0  # wrong below 2"


@pytest.fixture
def grades():
    received = []

    def listener(sender, event):
        received.append(event)

    grade_published.connect(listener)
    yield received
    grade_published.disconnect(listener)


def post(auth, action: str, **answers: str):
    data = {"action": action, **{f"answer:{key}": value for key, value in answers.items()}}
    return auth.post(PAGE, data, form_page=PAGE)


def test_import_keeps_solutions_and_hidden_tests_from_students(session, mini_course) -> None:
    exercise = session.scalars(select(NotebookExercise)).one()
    assert (exercise.title, exercise.max_points, exercise.module.title) == ("Squares", 5.0, "More")
    student = nbformat.reads(exercise.student_notebook, as_version=4)
    text = "\n".join(cell.source for cell in student.cells)
    assert "return x * x" not in text and "square(-3)" not in text
    assert "raise NotImplementedError()" in text
    assert "square(-3)" in exercise.teacher_notebook


def test_exercise_page_has_editors_for_solution_cells_only(client, auth, make_user, mini_course) -> None:
    auth.login(make_user())
    html = client.get(PAGE).get_data(as_text=True)
    assert html.count('class="code-editor"') == 2  # the code answer and the Markdown answer
    assert 'name="answer:square"' in html and 'name="answer:explain"' in html
    assert "assert square(2) == 4" in html and "square(-3)" not in html
    assert "Test test_square · 2 points" in html
    assert "<math" in html  # the Markdown cell's maths is rendered


def test_save_keeps_the_draft(client, auth, make_user, mini_course) -> None:
    auth.login(make_user())
    assert post(auth, "save", square=CORRECT).status_code == 302
    assert "return x * x" in client.get(PAGE).get_data(as_text=True)


def test_submit_grades_in_the_sandbox_and_publishes_the_grade(
    client, auth, make_user, mini_course, grades
) -> None:
    student = make_user()
    auth.login(student)
    response = post(auth, "submit", square=CORRECT, explain="Because.")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Score: <strong>5 / 5</strong>" in page
    [event] = grades
    assert (event.user_id, event.activity.kind, event.activity.key, event.score, event.maximum) == (
        student.id,
        "notebook",
        "mini/squares",
        5.0,
        5.0,
    )


def test_wrong_answer_gets_partial_credit_and_the_best_submission_counts(
    client, auth, make_user, mini_course, grades
) -> None:
    auth.login(make_user())
    first = client.get(post(auth, "submit", square=CORRECT).headers["Location"]).get_data(as_text=True)
    second = client.get(post(auth, "submit", square=WRONG).headers["Location"]).get_data(as_text=True)
    assert "Score: <strong>5 / 5</strong>" in first
    score = re.search(r"Score: <strong>([\d.]+) / 5</strong>", second).group(1)
    assert float(score) == 2  # test_square fails; the partial-credit cell gives 2 of 3
    assert [event.score for event in grades] == [5.0, 5.0]  # best submission


def test_run_shows_output_in_a_sandboxed_frame(client, auth, make_user, mini_course) -> None:
    auth.login(make_user())
    location = post(auth, "run", square=CORRECT + "\nprint('hello from the sandbox', square(12))").headers[
        "Location"
    ]
    page = client.get(location).get_data(as_text=True)
    assert '<iframe class="nb-result"' in page and "sandbox" in page
    result = client.get(location + "/result")
    assert "sandbox" in result.headers["Content-Security-Policy"]
    assert "hello from the sandbox 144" in result.get_data(as_text=True)


def test_locked_cells_cannot_be_changed_by_a_crafted_post(
    client, auth, make_user, mini_course, session
) -> None:
    auth.login(make_user())
    post(auth, "submit", square=WRONG, test_square="pass")
    submission = session.scalars(select(NotebookSubmission)).one()
    assert "test_square" not in submission.answers
    assert submission.status == SubmissionStatus.DONE and submission.score < 5


def test_submissions_are_private(client, auth, make_user, mini_course) -> None:
    auth.login(make_user())
    location = post(auth, "run", square=CORRECT).headers["Location"]
    auth.post("/auth/logout")
    auth.login(make_user())
    assert client.get(location).status_code == 404
    assert client.get(location + "/result").status_code == 404
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    assert client.get(location).status_code == 200
