"""Wiki services: render a course's pages together, save edits as revisions, revert, diff.

A course is rendered as a whole because pages link into each other: a renamed page or a
removed section changes other pages' HTML, and an edit that would break them is refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from elearn.courses.models import Course, CourseAsset
from elearn.db.types import utcnow
from elearn.wiki.markup import Links, Problem, Rendered, outline_of, render
from elearn.wiki.models import Page, PageRevision, RevisionOrigin
from elearn.wiki.search import index_page


class WikiError(Exception):
    """An edit cannot be saved; ``problems`` carry line numbers in the edited text."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class EditConflict(WikiError):
    """Someone saved the page after the editor opened it."""


@dataclass
class PageDraft:
    """A page's source as it would be saved."""

    slug: str
    title: str
    body: str
    first_line: int = 1  # file line of the body's first line


def page_path(course_slug: str, page_slug: str) -> str:
    return f"/courses/{course_slug}/pages/{page_slug}"


def asset_path(course_slug: str, name: str) -> str:
    return f"/courses/{course_slug}/{name}"


def render_course(
    course_slug: str, drafts: Iterable[PageDraft], asset_names: set[str]
) -> dict[str, Rendered]:
    """Render every draft against the others' outlines; keyed by page slug."""
    drafts = list(drafts)
    links = Links(
        outlines={d.title.casefold(): outline_of(d.body, d.title, d.slug) for d in drafts},
        page_url=lambda slug: page_path(course_slug, slug),
        asset_url=lambda name: asset_path(course_slug, name) if name in asset_names else None,
    )
    return {
        d.slug: render(d.body, title=d.title, slug=d.slug, links=links, first_line=d.first_line)
        for d in drafts
    }


def current_revisions(session: Session, course_id: int) -> dict[int, PageRevision]:
    """The latest revision of every page of a course, by page id."""
    latest = (
        select(PageRevision.page_id, func.max(PageRevision.number).label("number"))
        .join(Page, Page.id == PageRevision.page_id)
        .where(Page.course_id == course_id)
        .group_by(PageRevision.page_id)
        .subquery()
    )
    rows = session.scalars(
        select(PageRevision).join(
            latest, (PageRevision.page_id == latest.c.page_id) & (PageRevision.number == latest.c.number)
        )
    )
    return {revision.page_id: revision for revision in rows}


def asset_names(session: Session, course_id: int) -> set[str]:
    return set(session.scalars(select(CourseAsset.name).where(CourseAsset.course_id == course_id)))


def apply_rendering(session: Session, page: Page, rendered: Rendered) -> None:
    """Store what a page view serves: HTML, table of contents, outline and search text."""
    page.html = rendered.html
    page.outline = {"toc": rendered.toc, **rendered.outline.as_json()}
    page.search_text = rendered.text
    page.updated_at = utcnow()
    session.flush()
    index_page(session, page)


def add_revision(
    session: Session,
    page: Page,
    *,
    title: str,
    body: str,
    origin: RevisionOrigin,
    message: str = "",
    author_id: int | None = None,
) -> PageRevision:
    number = (
        session.scalar(select(func.max(PageRevision.number)).where(PageRevision.page_id == page.id)) or 0
    ) + 1
    revision = PageRevision(
        page_id=page.id,
        number=number,
        title=title,
        body=body,
        origin=origin,
        message=message,
        author_id=author_id,
    )
    session.add(revision)
    page.title = title
    session.flush()
    return revision


def save_page(
    session: Session,
    page: Page,
    *,
    title: str,
    body: str,
    author_id: int,
    message: str,
    base_number: int,
    origin: RevisionOrigin = RevisionOrigin.WEB,
) -> PageRevision | None:
    """Save an edit as a new revision, re-rendering the course; None if nothing changed."""
    title = title.strip()
    if not title:
        raise WikiError("A page needs a title.")
    revisions = current_revisions(session, page.course_id)
    current = revisions[page.id]
    if current.number != base_number:
        raise EditConflict(
            f"Revision {current.number} was saved after you started editing revision {base_number}. "
            "Your text is kept below: compare it with the current page and save again."
        )
    if current.title == title and current.body == body:
        return None
    pages = _course_pages(session, page.course_id)
    clash = next((p for p in pages if p.id != page.id and p.title.casefold() == title.casefold()), None)
    if clash:
        raise WikiError(f"Another page of this course is already titled {clash.title!r}.")
    drafts = [
        PageDraft(p.slug, title, body)
        if p.id == page.id
        else PageDraft(p.slug, p.title, revisions[p.id].body)
        for p in pages
    ]
    rendered = render_course(page.course.slug, drafts, asset_names(session, page.course_id))
    if rendered[page.slug].problems:
        raise WikiError("The page has problems; nothing was saved.", rendered[page.slug].problems)
    broken = [p.title for p in pages if p.id != page.id and rendered[p.slug].problems]
    if broken:
        raise WikiError("This edit would break links in: " + ", ".join(broken) + ". Nothing was saved.")
    revision = add_revision(
        session, page, title=title, body=body, origin=origin, message=message.strip(), author_id=author_id
    )
    for other in pages:
        apply_rendering(session, other, rendered[other.slug])
    return revision


def revert_page(session: Session, page: Page, number: int, author_id: int) -> PageRevision | None:
    """Make the content of revision ``number`` current again, as a new revision."""
    old = session.scalar(
        select(PageRevision).where(PageRevision.page_id == page.id, PageRevision.number == number)
    )
    if old is None:
        raise WikiError(f"Page {page.title!r} has no revision {number}.")
    latest = current_revisions(session, page.course_id)[page.id]
    return save_page(
        session,
        page,
        title=old.title,
        body=old.body,
        author_id=author_id,
        message=f"Revert to revision {number}",
        base_number=latest.number,
        origin=RevisionOrigin.REVERT,
    )


def preview_page(session: Session, page: Page, *, title: str, body: str) -> Rendered:
    """Render an unsaved edit as it would look, with the course's current links."""
    revisions = current_revisions(session, page.course_id)
    drafts = [
        PageDraft(p.slug, title, body)
        if p.id == page.id
        else PageDraft(p.slug, p.title, revisions[p.id].body)
        for p in _course_pages(session, page.course_id)
    ]
    return render_course(page.course.slug, drafts, asset_names(session, page.course_id))[page.slug]


@dataclass
class DiffLine:
    kind: str  # "add", "remove", "context" or "hunk"
    text: str


def diff_revisions(old: PageRevision, new: PageRevision) -> list[DiffLine]:
    """A unified, line-based diff of two revisions' title and body."""
    return diff_lines([f"# {old.title}", *old.body.splitlines()], [f"# {new.title}", *new.body.splitlines()])


def diff_lines(before: list[str], after: list[str]) -> list[DiffLine]:
    """A unified diff of two texts' lines (also the quiz versions' diff), without file headers."""
    lines = []
    for line in list(difflib.unified_diff(before, after, lineterm="", n=3))[2:]:
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "context")
        lines.append(DiffLine(kind, line))
    return lines


def _course_pages(session: Session, course_id: int) -> list[Page]:
    return list(session.scalars(select(Page).where(Page.course_id == course_id).order_by(Page.position)))


def course_page(session: Session, course_slug: str, page_slug: str) -> Page | None:
    return session.scalar(
        select(Page)
        .join(Course)
        .options(contains_eager(Page.course), joinedload(Page.module))
        .where(Course.slug == course_slug, Page.slug == page_slug)
    )
