"""Course reading services: the module list with its pages, and a page's neighbours."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, register_provider
from elearn.courses.models import Course, Module
from elearn.grades import ActivityRef
from elearn.wiki.models import Page
from elearn.wiki.pages import page_path


@dataclass
class PageLink:
    slug: str
    title: str
    summary: str
    url: str = ""  # filled in by CourseOutline


@dataclass
class ModuleOutline:
    title: str
    pages: list[PageLink]


@dataclass
class CourseOutline:
    slug: str
    title: str
    description: str
    modules: list[ModuleOutline]

    def __post_init__(self) -> None:
        for page in self.reading_order():
            page.url = page_path(self.slug, page.slug)  # built once, not by url_for per link

    def reading_order(self) -> list[PageLink]:
        return [page for module in self.modules for page in module.pages]

    def neighbours(self, page_slug: str) -> tuple[PageLink | None, PageLink | None]:
        """The pages before and after ``page_slug`` in reading order."""
        order = self.reading_order()
        for index, page in enumerate(order):
            if page.slug == page_slug:
                before = order[index - 1] if index > 0 else None
                after = order[index + 1] if index + 1 < len(order) else None
                return before, after
        return None, None


def course_outline(session: Session, slug: str) -> CourseOutline | None:
    """The course with its modules and their pages in reading order (one query: every page
    view draws the module list)."""
    rows = session.execute(
        select(Course.slug, Course.title, Course.description, Module.id, Module.title,
               Page.slug, Page.title, Page.summary)
        .select_from(Course)
        .outerjoin(Module, Module.course_id == Course.id)
        .outerjoin(Page, Page.module_id == Module.id)
        .where(Course.slug == slug)
        .order_by(Module.position, Page.position)
    ).all()  # fmt: skip
    if not rows:
        return None
    modules: dict[int, ModuleOutline] = {}
    for _, _, _, module_id, module_title, page_slug, page_title, summary in rows:
        if module_id is None:
            continue
        module = modules.setdefault(module_id, ModuleOutline(module_title, []))
        if page_slug is not None:
            module.pages.append(PageLink(page_slug, page_title, summary))
    course_slug, title, description = rows[0][:3]
    return CourseOutline(
        slug=course_slug, title=title, description=description, modules=list(modules.values())
    )


def page_activities(session: Session, course_slug: str) -> list[Activity]:
    """Theory pages as (ungraded) activities, so a Moodle course can link to them."""
    outline = course_outline(session, course_slug)
    if outline is None:
        return []
    return [
        Activity(
            ref=ActivityRef("page", f"{course_slug}/{page.slug}"),
            course_slug=course_slug,
            module=module.title,
            title=page.title,
            path=f"/courses/{course_slug}/pages/{page.slug}",
            max_score=None,
        )
        for module in outline.modules
        for page in module.pages
    ]


register_provider("page", page_activities)
