"""Teachers correct a quiz in the browser editor: versions with author and note, the import's
checks with line numbers, the versions list and diff, and an import after a browser edit."""

import html
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.auth.services import create_user
from elearn.courses.importer import import_course
from elearn.db import make_engine
from elearn.quiz.editing import save_quiz
from elearn.quiz.models import Quiz, QuizVersion
from elearn.wiki.models import RevisionOrigin
from tests.conftest import csrf_token
from tests.test_cli import elearn

QUIZ = "/courses/mini/quizzes/waves"
SIMULATION_QUESTION = """\
  - id: peak
    type: simulation
    text: Where is the Si (111) peak?
    instrument: Powder_diffractometer
    set: {lambda: 2.5}
    ncount: 20000
    monitor: nowhere
    quantity: peak_position
    unit: deg
    tolerance: {absolute: 0.5, sigmas: 2}
"""


def editor_text(client, page: str | None = None) -> str:
    """The text in the editor's textarea (of ``page``, by default the editor as it opens)."""
    page = page or client.get(f"{QUIZ}/edit").get_data(as_text=True)
    return html.unescape(re.search(r'<textarea id="source"[^>]*>\n(.*?)</textarea>', page, re.S).group(1))


def save(auth, text: str, note: str = "", base: int = 1):
    """Save as the editor's form does, edited from version ``base``."""
    return auth.post(f"{QUIZ}/edit", {"source": text, "note": note, "base": base}, form_page=f"{QUIZ}/edit")


def versions(session) -> list[QuizVersion]:
    session.expire_all()
    quiz = session.scalar(select(Quiz).where(Quiz.slug == "waves"))
    return list(session.scalars(select(QuizVersion).where(QuizVersion.quiz_id == quiz.id)))


@pytest.fixture
def teacher(auth, make_user):
    user = make_user(Role.TEACHER, name="Tess Teacher")
    auth.login(user)
    return user


def test_a_correction_becomes_a_version_with_author_and_note_then_the_regrade_preview(
    client, auth, session, quiz_course, teacher
) -> None:
    text = editor_text(client)
    assert text.startswith("title: Neutron waves check\n") and "tolerance: 1%" in text
    corrected = text.replace("tolerance: 1%", "tolerance: 5%").replace("points: 2", "points: 4")
    reply = save(auth, corrected.replace("\n", "\r\n"), note="  Tolerance was too strict  ")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"{QUIZ}/regrade")
    preview = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Saved version 2. Attempts on older versions" in preview
    assert "graded with the rules of version 2" in preview
    old, new = versions(session)
    assert (old.origin, old.author_id, new.origin, new.author_id) == (
        RevisionOrigin.IMPORT, None, RevisionOrigin.WEB, teacher.id)
    assert new.source == corrected and new.note == "Tolerance was too strict"
    assert new.quiz.max_score == 5.0  # updated as an import would
    assert editor_text(client) == corrected

    listing = client.get(f"{QUIZ}/versions").get_data(as_text=True)
    assert "Tess Teacher" in listing and "file import" in listing and "Tolerance was too strict" in listing
    diff = client.get(f"{QUIZ}/versions/2").get_data(as_text=True)
    assert '<span class="remove">-    tolerance: 1%</span>' in diff
    assert '<span class="add">+    tolerance: 5%</span>' in diff
    assert "title: Neutron waves check" in client.get(f"{QUIZ}/versions/1").get_data(as_text=True)
    assert client.get(f"{QUIZ}/versions/3").status_code == 404


def test_unchanged_text_saves_nothing(client, auth, session, quiz_course, teacher) -> None:
    reply = save(auth, editor_text(client))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"{QUIZ}/edit")
    assert "No changes to save: the text is the same as version 1." in client.get(
        reply.headers["Location"]).get_data(as_text=True)  # fmt: skip
    assert len(versions(session)) == 1


def test_a_save_from_an_older_version_is_refused_and_keeps_the_text(
    client, auth, session, quiz_course, teacher
) -> None:
    text = editor_text(client)
    assert save(auth, text.replace("tolerance: 1%", "tolerance: 5%")).status_code == 302
    late = text.replace("attempts: 2", "attempts: 3")
    reply = save(auth, late, base=1)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "Version 2 was saved after you opened version 1" in page
    assert editor_text(client, page) == late and 'name="base" value="1"' in page
    assert [v.number for v in versions(session)] == [1, 2]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t.replace("grading: highest", "grading: [highest"), "waves.yaml line 6: invalid YAML"),
        (lambda t: t.replace("tolerance: 1%", "tolerance: lots"), "waves.yaml line 17: tolerance"),
        (lambda t: t + SIMULATION_QUESTION,
         "waves.yaml line 35: monitor: Powder_diffractometer has no monitor &#39;nowhere&#39;"),
        (lambda t: t.replace("module: Basics", "module: Nowhere"),
         "waves.yaml line 1: module: the course has no module &#39;Nowhere&#39;"),
        (lambda t: t.replace("[[Neutron waves]].\n", "[[No such page]].\n"),
         "waves.yaml line 11: text: broken link [[No such page]]"),
    ],
    ids=["yaml-syntax", "tolerance", "unknown-monitor", "module", "page-link"],
)
def test_problems_are_listed_with_lines_and_the_text_is_kept(
    client, auth, session, quiz_course, teacher, change, problem
) -> None:
    broken = change(editor_text(client))
    reply = save(auth, broken, note="my note")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "nothing was saved" in page
    assert problem in page, re.findall(r"<li>waves\.yaml.*?</li>", page)
    assert editor_text(client, page) == broken
    assert 'value="my note"' in page
    assert len(versions(session)) == 1


def test_students_get_no_editor_and_the_form_needs_its_csrf_token(
    client, auth, session, quiz_course, make_user
) -> None:
    auth.login(make_user())
    assert "/edit" not in client.get(QUIZ).get_data(as_text=True)
    for path in ("/edit", "/versions", "/versions/1"):
        assert client.get(QUIZ + path).status_code in (403, 404), path
    token = csrf_token(client, QUIZ)
    assert client.post(f"{QUIZ}/edit", data={"source": "title: x", "csrf_token": token}).status_code == 403
    assert client.get("/quiz/authoring-guide").status_code == 403

    auth.login(make_user(Role.TEACHER))
    overview = client.get(QUIZ).get_data(as_text=True)
    for link in ("/edit", "/versions", "/regrade", "/readiness"):
        assert f'href="{QUIZ}{link}"' in overview
    assert client.post(f"{QUIZ}/edit", data={"source": "title: x\n"}).status_code == 400
    assert len(versions(session)) == 1
    guide = client.get("/quiz/authoring-guide").get_data(as_text=True)
    assert 'href="/quiz/authoring-guide"' in client.get(f"{QUIZ}/edit").get_data(as_text=True)
    assert "Writing quizzes" in guide and "tolerance" in guide


def test_an_import_after_a_browser_edit_keeps_it_until_the_file_changes_then_says_so(
    client, auth, session, quiz_course, quiz_course_folder, teacher
) -> None:
    save(auth, editor_text(client).replace("tolerance: 1%", "tolerance: 5%"), note="fix")
    unchanged = import_course(session, quiz_course_folder).lines()
    assert [v.number for v in versions(session)] == [1, 2]
    assert not any("browser edit" in line for line in unchanged)

    path = quiz_course_folder / "quizzes" / "waves.yaml"
    path.write_text(path.read_text().replace("tolerance: 1%", "tolerance: 3%"))
    lines = import_course(session, quiz_course_folder).lines()
    session.commit()
    assert (
        "mini/quizzes/waves.yaml: the file changed and replaces the browser edit of quiz 'waves' "
        "(version 2, kept in the quiz's versions)"
    ) in lines
    assert [(v.number, v.origin) for v in versions(session)] == [
        (1, RevisionOrigin.IMPORT), (2, RevisionOrigin.WEB), (3, RevisionOrigin.IMPORT)]
    assert "tolerance: 3%" in editor_text(client)


def test_the_command_line_imports_a_corrected_file_and_names_the_browser_edit_it_replaces(
    tmp_path, quiz_course_folder
) -> None:
    """`elearn courses import` as an operator runs it, around an edit saved by the editor's service."""
    assert elearn(tmp_path, "db", "upgrade").returncode == 0
    assert "2 quizzes created" in elearn(tmp_path, "courses", "import", str(quiz_course_folder)).stdout
    path = quiz_course_folder / "quizzes" / "waves.yaml"
    path.write_text(path.read_text().replace("tolerance: 1%", "tolerance: 2%"))
    again = elearn(tmp_path, "courses", "import", str(quiz_course_folder))
    assert "0 quizzes created, 1 updated" in again.stdout

    engine = make_engine(f"sqlite:///{tmp_path / 'instance' / 'elearn.sqlite'}")
    with Session(engine) as session:
        teacher = create_user(session, email="t@example.org", name="T", password=None, role=Role.TEACHER)
        quiz = session.scalar(select(Quiz).where(Quiz.slug == "waves"))
        edited = path.read_text().replace("tolerance: 2%", "tolerance: 5%")
        saved = save_quiz(session, quiz, edited, author_id=teacher.id, note="browser fix", base_number=2)
        assert saved is not None and saved.number == 3
        session.commit()
    engine.dispose()
    path.write_text(path.read_text().replace("tolerance: 2%", "tolerance: 4%"))
    result = elearn(tmp_path, "courses", "import", str(quiz_course_folder))
    assert result.returncode == 0, result.stderr
    assert (
        "mini/quizzes/waves.yaml: the file changed and replaces the browser edit of quiz 'waves' "
        "(version 3, kept in the quiz's versions)"
    ) in result.stdout.splitlines()
