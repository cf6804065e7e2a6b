"""Opening and closing times: parsed with their offset, enforced for students, shown on the pages."""

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from elearn.auth.models import Role
from elearn.courses.importer import import_course
from elearn.db import db
from elearn.quiz.attempts import QuizError, close_overdue_attempts, save_answers, start_attempt
from elearn.quiz.catalog import find_quiz
from elearn.quiz.models import AttemptState
from elearn.quiz.readiness import exam_readiness

DATA = Path(__file__).parent / "data"
WINDOW = DATA / "window_quizzes" / "window.yaml"
OPENS = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # 09:00+01:00 in the file
CLOSES = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
QUIZ = """\
title: Exam
{window}
questions:
  - {{id: a, type: text, text: Which is neutral, answers: [neutron]}}
"""


def problems(quiz_problems, window: str) -> list[str]:
    return quiz_problems(QUIZ.format(window=window))


def test_times_are_read_as_utc(parse_quiz) -> None:
    spec = parse_quiz(QUIZ.format(window="opens: 2026-12-10T09:00:00+01:00\ncloses: '2026-12-10T09:30:00Z'"))
    assert (spec.settings.opens, spec.settings.closes) == (OPENS, CLOSES)
    assert parse_quiz(QUIZ.format(window="time_limit: 5")).settings.opens is None


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("opens: 2026-12-10T09:00:00", "2: opens: add the UTC offset"),
        ("time_limit: 5\ncloses: 2026-12-10", "3: closes: a date without a time is not a date-time"),
        ("opens: next monday", "2: opens: 'next monday' is not a date-time; write e.g. 2026-12"),
        ("opens: 2026-12-10T09:00Z\n\ncloses: 2026-12-10T09:30+01:00", "4: closes: must be after opens"),
    ],
)
def test_bad_times_are_refused_with_their_line(quiz_problems, window, expected) -> None:
    found = problems(quiz_problems, window)
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.fixture
def window_quiz(session, quiz_course_folder):
    shutil.copy(WINDOW, quiz_course_folder / "quizzes")
    import_course(session, quiz_course_folder)
    session.commit()
    return find_quiz(session, "mini", "window")


def test_students_start_only_while_open_teachers_always(session, window_quiz, make_user) -> None:
    student, teacher = make_user(), make_user(Role.TEACHER)
    with pytest.raises(QuizError, match=r"^This quiz opens on 2026-12-10 08:00 UTC\.$"):
        start_attempt(session, window_quiz, student.id, OPENS - timedelta(seconds=1))
    trial = start_attempt(session, window_quiz, teacher.id, OPENS - timedelta(days=1), staff=True)
    assert trial.deadline == OPENS - timedelta(days=1) + timedelta(minutes=60)
    early = start_attempt(session, window_quiz, student.id, OPENS)
    assert early.deadline == OPENS + timedelta(minutes=60)  # the time limit ends first
    session.commit()
    with pytest.raises(QuizError, match=r"^This quiz closed on 2026-12-10 09:30 UTC\.$"):
        start_attempt(session, window_quiz, make_user().id, CLOSES)
    late = start_attempt(session, window_quiz, teacher.id, CLOSES + timedelta(hours=1), staff=True)
    assert late.deadline == CLOSES + timedelta(hours=2)  # a teacher's try is not cut at closes


def test_an_attempt_in_progress_ends_at_closes_with_saved_answers(session, window_quiz, make_user) -> None:
    start = CLOSES - timedelta(minutes=20)
    attempt = start_attempt(session, window_quiz, make_user().id, start)
    assert attempt.deadline == CLOSES  # not start + 60 min
    save_answers(session, attempt, {"particle": {"value": "neutron"}}, start + timedelta(minutes=5))
    session.commit()
    assert close_overdue_attempts(session, CLOSES) == []  # the grace period still runs
    assert close_overdue_attempts(session, CLOSES + timedelta(minutes=1)) == [attempt]
    session.commit()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.finished_at == CLOSES and attempt.score == 1.0


def test_readiness_says_whether_every_run_is_done_before_opening(app, quiz_course_folder) -> None:
    text = (DATA / "exam_quizzes" / "exam.yaml").read_text()
    (quiz_course_folder / "quizzes" / "exam.yaml").write_text("opens: 2026-12-10T09:00:00+01:00\n" + text)
    with app.app_context():
        import_course(db(), quiz_course_folder)
        db().commit()
        state = exam_readiness(db(), app.config["ELEARN_SETTINGS"], find_quiz(db(), "mini", "exam"))
    assert state.opens == OPENS
    before = OPENS - timedelta(hours=2, minutes=10, seconds=5)
    assert state.before_opening(before) == ("Not ready: 0 of 6 runs done, opens in 2 h 10 min.", True)
    assert state.before_opening(OPENS - timedelta(days=3, hours=1)) == (
        "Not ready: 0 of 6 runs done, opens in 3 d 1 h.", True)  # fmt: skip
    late, warning = state.before_opening(OPENS)
    assert warning and late.startswith("The quiz is already open and 6 of 6 runs are not done")
    for run in state.runs():
        run.status = "done"
    assert state.before_opening(before) == ("Ready: all 6 runs done, opens in 2 h 10 min.", False)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def import_window(session, folder: Path, opens: datetime, closes: datetime) -> None:
    """The window quiz with times relative to the real clock (the pages use the real time)."""
    text = WINDOW.read_text()
    text = re.sub(r"opens: .*", f"opens: {iso(opens)}", text)
    text = re.sub(r"closes: .*", f"closes: {iso(closes)}", text)
    (folder / "quizzes" / "window.yaml").write_text(text)
    import_course(session, folder)
    session.commit()


PAGE = "/courses/mini/quizzes/window"


def test_overview_shows_the_times_and_why_students_cannot_start(
    client, auth, session, quiz_course_folder, make_user
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    opens = now + timedelta(hours=3)
    import_window(session, quiz_course_folder, opens, opens + timedelta(hours=2))
    auth.login(make_user())
    page = client.get(PAGE).get_data(as_text=True)
    assert f'Opens <time datetime="{opens.isoformat()}">{opens:%Y-%m-%d %H:%M} UTC</time>' in page
    assert f"Closes <time datetime=\"{(opens + timedelta(hours=2)).isoformat()}\">" in page
    assert f"This quiz opens on {opens:%Y-%m-%d %H:%M} UTC." in page and "Start an attempt" not in page
    refused = auth.post(f"{PAGE}/attempts", form_page=PAGE, follow_redirects=True).get_data(as_text=True)
    assert f"This quiz opens on {opens:%Y-%m-%d %H:%M} UTC." in refused and "/quiz/attempts/" not in refused
    auth.login(make_user(Role.TEACHER))
    page = client.get(PAGE).get_data(as_text=True)
    assert "Start an attempt" in page and "as a teacher you may start an attempt at any time" in page.lower()
    started = auth.post(f"{PAGE}/attempts", form_page=PAGE)
    assert started.status_code == 302 and "/quiz/attempts/" in started.headers["Location"]


def test_overview_after_closing(client, auth, session, quiz_course_folder, make_user) -> None:
    closes = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    import_window(session, quiz_course_folder, closes - timedelta(hours=1), closes)
    auth.login(make_user())
    page = client.get(PAGE).get_data(as_text=True)
    assert f"This quiz closed on {closes:%Y-%m-%d %H:%M} UTC." in page and "Start an attempt" not in page


def test_readiness_page_shows_the_opening_time(client, auth, session, quiz_course_folder, make_user) -> None:
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2, minutes=10, seconds=40)
    text = (DATA / "exam_quizzes" / "exam.yaml").read_text()
    (quiz_course_folder / "quizzes" / "exam.yaml").write_text(f"opens: {iso(opens)}\n" + text)
    import_course(session, quiz_course_folder)
    session.commit()
    auth.login(make_user(Role.TEACHER))
    page = client.get("/courses/mini/quizzes/exam/readiness").get_data(as_text=True)
    assert f'The quiz opens <time datetime="{opens.isoformat()}">{opens:%Y-%m-%d %H:%M} UTC</time>' in page
    assert re.search(r"Not ready: 0 of 6 runs done, opens in 2 h 1[01] min\.", page)
