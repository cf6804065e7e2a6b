"""Quizzes are checked and imported with their course: all or nothing, errors with file and line."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.activities import course_activities
from elearn.courses.content import ContentError
from elearn.courses.importer import import_course
from elearn.quiz.models import Quiz, QuizVersion

DATA = Path(__file__).parent / "data"


def test_course_import_creates_quizzes(session, quiz_course) -> None:
    quizzes = session.scalars(select(Quiz).order_by(Quiz.position)).all()
    assert [(q.slug, q.module, q.max_score) for q in quizzes] == [
        ("waves", "Basics", 3.0),
        ("timed", "More", 2.0),
    ]
    refs = [(a.ref.kind, a.ref.key, a.max_score) for a in course_activities(session, "mini")]
    assert ("quiz", "mini/waves", 3.0) in refs


def test_reimport_adds_a_version_only_when_the_file_changed(session, quiz_course_folder) -> None:
    import_course(session, quiz_course_folder)
    import_course(session, quiz_course_folder)
    quiz = session.scalar(select(Quiz).where(Quiz.slug == "waves"))
    assert (
        len(session.scalars(select(QuizVersion).where(QuizVersion.quiz_id == quiz.id)).all()) == 1
    )
    path = quiz_course_folder / "quizzes" / "waves.yaml"
    path.write_text(path.read_text().replace("Neutron waves check", "Waves check"))
    import_course(session, quiz_course_folder)
    assert [
        v.number for v in session.scalars(select(QuizVersion).where(QuizVersion.quiz_id == quiz.id))
    ] == [1, 2]
    assert quiz.title == "Waves check"


def test_a_broken_quiz_stops_the_whole_import_with_file_and_line(
    session, quiz_course_folder
) -> None:
    shutil.copy(DATA / "broken" / "bad.yaml", quiz_course_folder / "quizzes" / "bad.yaml")
    with pytest.raises(ContentError) as caught:
        import_course(session, quiz_course_folder)
    messages = [str(p) for p in caught.value.problems]
    assert "mini/quizzes/bad.yaml:7: answer: unknown name(s) w in '2 * w'" in messages
    assert any(m.startswith("mini/quizzes/bad.yaml:10: type: expected one of") for m in messages)
    assert any(
        m.startswith("mini/quizzes/bad.yaml:6: text:") and "No such page" in m for m in messages
    )
    assert "mini/quizzes/bad.yaml:1: module: the course has no module 'Nowhere'" in messages
    assert session.scalar(select(Quiz)) is None
