"""Taking a quiz through the web pages, the review, the gradebook, CSV and item statistics."""

import csv
import io
import re

from sqlalchemy import select

from elearn.auth.models import Role
from elearn.quiz.models import Attempt, AttemptState
from tests.conftest import csrf_token


def start(auth, client, quiz="waves") -> tuple[int, str]:
    overview = f"/courses/mini/quizzes/{quiz}"
    response = auth.post(f"{overview}/attempts", form_page=overview)
    assert response.status_code == 302
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", response.headers["Location"]).group(1))
    return attempt_id, client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)


def test_take_a_quiz_autosave_submit_and_review(
    client, auth, session, quiz_course, make_user
) -> None:
    student = make_user()
    auth.login(student)
    assert "Start an attempt" in client.get("/courses/mini/quizzes/waves").get_data(as_text=True)
    attempt_id, page = start(auth, client)
    attempt = session.get(Attempt, attempt_id)
    speed = next(r.values["v"] for r in attempt.responses if r.question_id == "wavelength")
    assert f"<mn>{speed:.4g}</mn>" in page  # the drawn value, rendered in the maths
    assert 'name="q-wavelength-value"' in page and "The neutron" in page
    token = csrf_token(client, f"/quiz/attempts/{attempt_id}")
    saved = client.post(
        f"/quiz/attempts/{attempt_id}/save",
        data={"q-wavelength-value": f"{3956 / speed:.4f} AA", "q-wavelength-present": "1"},
        headers={"X-Requested-With": "fetch", "X-CSRFToken": token},
    )
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert f'value="{3956 / speed:.4f} AA"' in client.get(f"/quiz/attempts/{attempt_id}").get_data(
        as_text=True
    )
    finish = {"q-charge-choice": "1", "q-charge-present": "1", "csrf_token": token}
    assert client.post(f"/quiz/attempts/{attempt_id}/finish", data=finish).status_code == 302
    assert (
        client.post(f"/quiz/attempts/{attempt_id}/finish", data=finish).status_code == 302
    )  # again
    review = client.get(f"/quiz/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Score: <strong>2 / 3</strong>" in review
    assert "That is the proton." in review
    assert "Correct answer: <strong>zero</strong>" in review
    session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED


def test_autosave_needs_the_csrf_token(client, auth, quiz_course, make_user) -> None:
    auth.login(make_user())
    attempt_id, _ = start(auth, client)
    refused = client.post(
        f"/quiz/attempts/{attempt_id}/save",
        data={"q-charge-choice": "0"},
        headers={"X-Requested-With": "fetch"},
    )
    assert refused.status_code == 400


def test_other_students_cannot_see_an_attempt(client, auth, quiz_course, make_user) -> None:
    auth.login(make_user())
    attempt_id, _ = start(auth, client)
    auth.login(make_user())
    assert client.get(f"/quiz/attempts/{attempt_id}").status_code == 404
    assert client.get("/courses/mini/gradebook").status_code == 403


def test_gradebook_csv_and_statistics(client, auth, session, quiz_course, make_user) -> None:
    for name, choice in (("Ada", "0"), ("Bob", "1"), ("=cmd()", "0")):
        auth.login(make_user(name=name))
        attempt_id, _ = start(auth, client)
        token = csrf_token(client, f"/quiz/attempts/{attempt_id}")
        client.post(
            f"/quiz/attempts/{attempt_id}/finish",
            data={"q-charge-choice": choice, "csrf_token": token},
        )
    auth.login(make_user(Role.TEACHER))
    book = client.get("/courses/mini/gradebook").get_data(as_text=True)
    assert "Ada" in book and "Bob" in book and "Neutron waves check" in book
    rows = list(
        csv.reader(io.StringIO(client.get("/courses/mini/gradebook.csv").get_data(as_text=True)))
    )
    assert rows[0] == [
        "name",
        "email",
        "Neutron waves check (/3)",
        "Timed check (/2)",
        "total (/5)",
    ]
    assert {tuple(r[:1] + r[2:3]) for r in rows[1:]} == {
        ("Ada", "1"),
        ("Bob", "0"),
        ("'=cmd()", "1"),
    }
    bob = session.scalar(select(Attempt).join(Attempt.quiz).where(Attempt.score == 0.0))
    drill = client.get(f"/courses/mini/quizzes/waves/students/{bob.user_id}").get_data(as_text=True)
    assert f"/quiz/attempts/{bob.id}/review" in drill
    assert "That is the proton." in client.get(f"/quiz/attempts/{bob.id}/review").get_data(
        as_text=True
    )
    stats = client.get("/courses/mini/quizzes/waves/statistics").get_data(as_text=True)
    assert "66.7 %" in stats  # facility of "charge": 2 of 3 right
