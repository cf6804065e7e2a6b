"""Quiz fixtures: parse a quiz from YAML text, and a course with quizzes imported."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from elearn import areas  # noqa: F401  (the foundation's registrations)
from elearn.courses.importer import import_course
from elearn.grades import grade_published
from elearn.quiz import catalog, kind  # noqa: F401  (registers quizzes; the lead adds this to areas.py)
from elearn.quiz.content import QuizSpec, read_quiz_text

DATA = Path(__file__).parent / "data"
MINI = Path(__file__).parents[1] / "data" / "courses" / "mini"


@pytest.fixture
def parse_quiz() -> Callable[[str], QuizSpec]:
    """Parse quiz YAML (dedented); fails the test on any content problem."""

    def parse(text: str) -> QuizSpec:
        spec, problems = read_quiz_text(textwrap.dedent(text), "test", "quizzes/test.yaml")
        assert problems == [], "\n".join(map(str, problems))
        assert spec is not None
        return spec

    return parse


@pytest.fixture
def quiz_problems() -> Callable[[str], list[str]]:
    """The problems of quiz YAML as 'line: message' strings."""

    def problems(text: str) -> list[str]:
        _, found = read_quiz_text(textwrap.dedent(text), "test", "quizzes/test.yaml")
        return [f"{p.line}: {p.message}" for p in found]

    return problems


@pytest.fixture
def quiz_course_folder(tmp_path: Path) -> Path:
    """The mini test course plus the quiz files in tests/quiz/data/quizzes."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    shutil.copytree(DATA / "quizzes", folder / "quizzes")
    return folder


@pytest.fixture
def quiz_course(session: Session, quiz_course_folder: Path) -> str:
    import_course(session, quiz_course_folder)
    session.commit()
    return "mini"


@pytest.fixture
def app(app):
    """The foundation's app with the quiz blueprint (the lead registers it in create_app)."""
    from elearn.quiz.views import blueprint

    if "quiz" not in app.blueprints:
        app.register_blueprint(blueprint)
    return app


@pytest.fixture
def events():
    """Grade events as the real ``grade_published`` signal delivers them."""
    received = []

    def listen(_sender, event):
        received.append(event)

    grade_published.connect(listen)
    yield received
    grade_published.disconnect(listen)
