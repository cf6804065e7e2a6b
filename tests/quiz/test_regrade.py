"""Regrading after a corrected re-import, and teachers' overrides, through the real pages."""

import re

from sqlalchemy import func, select

from elearn.auth.models import Role
from elearn.courses.importer import import_course
from elearn.quiz.models import Attempt, ScoreChange
from tests.conftest import csrf_token
from tests.quiz.test_views import start

QUIZ = "/courses/mini/quizzes/waves"


def finished_attempt(auth, client, session, student, off_by: float) -> Attempt:
    """The student answers the wavelength ``off_by`` (relative) from the right value, charge wrong."""
    auth.login(student)
    attempt_id, _ = start(auth, client)
    attempt = session.get(Attempt, attempt_id)
    speed = next(r.values["v"] for r in attempt.responses if r.question_id == "wavelength")
    answer = {"q-wavelength-value": f"{3956 / speed * (1 + off_by):.5f}", "q-charge-choice": "1"}
    auth.post(f"/quiz/attempts/{attempt_id}/finish", answer, form_page=f"/quiz/attempts/{attempt_id}")
    session.expire_all()
    return session.get(Attempt, attempt_id)


def correct_tolerance(session, folder, tolerance: str) -> None:
    """The teacher's correction: a changed file, re-imported as a new version."""
    path = folder / "quizzes" / "waves.yaml"
    path.write_text(path.read_text().replace("tolerance: 1%", f"tolerance: {tolerance}"))
    import_course(session, folder)
    session.commit()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_preview_writes_nothing_and_apply_regrades_with_history_and_grades(
    client, auth, session, quiz_course, quiz_course_folder, make_user, events
) -> None:
    students = [make_user(name="Ada"), make_user(name="Bo")]
    attempts = [finished_attempt(auth, client, session, s, 0.03) for s in students]
    assert [a.score for a in attempts] == [0.0, 0.0]
    correct_tolerance(session, quiz_course_folder, "5%")
    auth.login(make_user(Role.TEACHER))
    events.clear()
    preview = client.get(f"{QUIZ}/regrade").get_data(as_text=True)
    assert "2 of 2 finished attempts change" in preview and "0 → 2" in preview and "Ada" in preview
    session.expire_all()
    assert count(session, ScoreChange) == 0 and session.get(Attempt, attempts[0].id).score == 0.0
    assert events == []
    reply = auth.post(f"{QUIZ}/regrade", form_page=f"{QUIZ}/regrade")
    assert reply.status_code == 302
    session.expire_all()
    regraded = session.get(Attempt, attempts[0].id)
    assert regraded.score == 2.0 and regraded.graded_version.number == 2 and regraded.version.number == 1
    changes = session.scalars(select(ScoreChange).where(ScoreChange.attempt_id == regraded.id)).all()
    assert {(c.question_id, c.old_score, c.new_score, c.kind) for c in changes} == {
        ("wavelength", 0.0, 2.0, "regrade"), (None, 0.0, 2.0, "regrade")}
    assert all(c.version.number == 2 and c.by_user_id is not None for c in changes)
    assert sorted((e.user_id, e.score) for e in events) == sorted((s.id, 2.0) for s in students)
    assert all("/regraded-" in e.attempt_id for e in events)
    page = client.get(f"{QUIZ}/regrade").get_data(as_text=True)
    assert "0 of 2 finished attempts change" in page and "regrade (rules of version 2)" in page


def test_override_with_comment_is_kept_through_a_regrade_unless_cleared(
    client, auth, session, quiz_course, quiz_course_folder, make_user, events
) -> None:
    student = make_user()
    attempt = finished_attempt(auth, client, session, student, 0.0)
    assert attempt.score == 2.0
    auth.login(make_user(Role.TEACHER))
    review = f"/quiz/attempts/{attempt.id}/review"
    url = f"/quiz/attempts/{attempt.id}/questions/charge/score"
    auth.post(url, {"score": "0.5", "comment": ""}, form_page=review)
    auth.post(url, {"score": "7", "comment": "too much"}, form_page=review)
    session.expire_all()
    assert count(session, ScoreChange) == 0  # refused: no comment; above the maximum
    events.clear()
    auth.post(url, {"score": "0.5", "comment": "Half credit: the +e sign was argued well."}, form_page=review)
    session.expire_all()
    assert session.get(Attempt, attempt.id).score == 2.5
    assert [(e.user_id, e.score) for e in events] == [(student.id, 2.5)]
    correct_tolerance(session, quiz_course_folder, "2%")  # a new version: regrade keeps the override
    auth.post(f"{QUIZ}/regrade", form_page=f"{QUIZ}/regrade")
    session.expire_all()
    assert session.get(Attempt, attempt.id).score == 2.5
    auth.login(student)
    page = client.get(review).get_data(as_text=True)
    assert "Score set by your teacher: Half credit: the +e sign was argued well." in page
    assert 'action="/quiz/attempts/' not in page.split("Score set by your teacher")[1]  # no teacher form
    auth.login(make_user(Role.TEACHER))
    preview = client.get(f"{QUIZ}/regrade?clear=1").get_data(as_text=True)
    assert "2.5 → 2" in preview
    auth.post(f"{QUIZ}/regrade", {"clear": "1"}, form_page=f"{QUIZ}/regrade")
    session.expire_all()
    assert session.get(Attempt, attempt.id).score == 2.0
    kinds = [c.kind for c in session.scalars(select(ScoreChange).order_by(ScoreChange.id))]
    assert kinds == ["override", "regrade", "regrade"]  # history kept: the override is still listed


def test_students_cannot_reach_teacher_routes(client, auth, session, quiz_course, make_user) -> None:
    student = make_user()
    attempt = finished_attempt(auth, client, session, student, 0.0)
    token = csrf_token(client, QUIZ)
    for path in (f"{QUIZ}/regrade", f"{QUIZ}/readiness", f"{QUIZ}/readiness.json"):
        assert client.get(path).status_code == 403
    override = f"/quiz/attempts/{attempt.id}/questions/charge/score"
    for path in (f"{QUIZ}/regrade", f"{QUIZ}/readiness", override):
        assert client.post(path, data={"csrf_token": token, "score": "1", "comment": "x"}).status_code == 403
    review = client.get(f"/quiz/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Set score" not in review and re.search(r"Score: <strong>2 / 3</strong>", review)
