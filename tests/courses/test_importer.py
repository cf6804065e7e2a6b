"""Import: all or nothing, idempotent, and browser edits are never silently lost."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.courses.content import ContentError
from elearn.courses.importer import import_course
from elearn.courses.models import Course, CourseAsset, Module
from elearn.wiki.models import Page, PageRevision, RevisionOrigin
from elearn.wiki.pages import save_page

MINI = Path(__file__).parents[1] / "data" / "courses" / "mini"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini"


def page(session: Session, slug: str) -> Page:
    return session.scalars(select(Page).where(Page.slug == slug)).one()


def revisions(session: Session, slug: str) -> list[tuple[int, RevisionOrigin]]:
    rows = session.scalars(
        select(PageRevision)
        .where(PageRevision.page_id == page(session, slug).id)
        .order_by(PageRevision.number)
    )
    return [(r.number, r.origin) for r in rows]


def test_first_import_creates_course_modules_pages_and_figures(session: Session, folder: Path) -> None:
    report = import_course(session, folder)
    session.commit()
    assert report.created == ["waves", "bragg", "sans"]
    course = session.scalars(select(Course)).one()
    assert course.title == "Mini course"
    assert [m.title for m in session.scalars(select(Module).order_by(Module.position))] == ["Basics", "More"]
    waves = page(session, "waves")
    assert waves.position == 1 and waves.module.title == "Basics"
    assert 'href="/courses/mini/pages/bragg#eq-bragg"' in waves.html
    assert waves.outline["toc"] == [{"level": 2, "anchor": "speed", "text": "Speed"}]
    assert session.scalars(select(CourseAsset.name)).all() == ["figures/speed.svg"]


def test_reimport_of_unchanged_files_changes_nothing(session: Session, folder: Path) -> None:
    import_course(session, folder)
    report = import_course(session, folder)
    assert report.unchanged == ["waves", "bragg", "sans"] and not report.updated
    assert session.scalar(select(func.count()).select_from(PageRevision)) == 3


def test_changed_file_becomes_a_new_revision(session: Session, folder: Path) -> None:
    import_course(session, folder)
    bragg = folder / "pages" / "bragg.md"
    bragg.write_text(bragg.read_text().replace("Crystal planes reflect", "Lattice planes reflect"))
    report = import_course(session, folder)
    assert report.updated == ["bragg"] and report.notices == []
    assert revisions(session, "bragg") == [(1, RevisionOrigin.IMPORT), (2, RevisionOrigin.IMPORT)]
    assert "Lattice planes reflect" in page(session, "bragg").html


def test_browser_edit_survives_reimport_of_unchanged_file(session: Session, folder: Path, make_user) -> None:
    teacher = make_user(Role.TEACHER)
    import_course(session, folder)
    sans = page(session, "sans")
    body = sans.revisions[-1].body + "\nA remark by the teacher.\n"
    save_page(
        session, sans, title=sans.title, body=body, author_id=teacher.id, message="remark", base_number=1
    )
    import_course(session, folder)
    assert "A remark by the teacher." in page(session, "sans").html
    assert revisions(session, "sans") == [(1, RevisionOrigin.IMPORT), (2, RevisionOrigin.WEB)]


def test_changed_file_over_browser_edit_keeps_the_edit_in_history(
    session: Session, folder: Path, make_user
) -> None:
    teacher = make_user(Role.TEACHER)
    import_course(session, folder)
    sans = page(session, "sans")
    save_page(
        session,
        sans,
        title=sans.title,
        body="Edited in the browser.\n",
        author_id=teacher.id,
        message="rewrite",
        base_number=1,
    )
    file = folder / "pages" / "sans.md"
    file.write_text(file.read_text().replace("first minimum", "first zero"))
    report = import_course(session, folder)
    assert report.notices == [
        "mini/pages/sans.md: the file changed and replaces the browser edit "
        "(revision 2, kept in the page history)"
    ]
    assert revisions(session, "sans")[-1] == (3, RevisionOrigin.IMPORT)
    assert "first zero" in page(session, "sans").html


def test_invalid_course_imports_nothing(session: Session, folder: Path) -> None:
    import_course(session, folder)
    session.commit()
    (folder / "pages" / "bragg.md").write_text(
        "---\ntitle: Bragg diffraction\n---\nNew text [[Missing page]]\n"
    )
    with pytest.raises(ContentError):
        import_course(session, folder)
    session.rollback()
    assert "Crystal planes" in page(session, "bragg").html
    assert session.scalar(select(func.count()).select_from(PageRevision)) == 3


def test_page_removed_from_course_file_is_kept_unlisted(session: Session, folder: Path) -> None:
    import_course(session, folder)
    (folder / "course.yaml").write_text(
        "title: Mini course\nmodules:\n  - title: Basics\n    pages: [waves.md, bragg.md]\n"
    )
    report = import_course(session, folder)
    assert report.notices == ["page 'sans' is no longer listed in course.yaml: kept, unlisted"]
    assert page(session, "sans").module_id is None
