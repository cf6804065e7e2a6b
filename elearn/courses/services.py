"""Course reading services: the module list with its pages, and a page's neighbours."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, register_provider
from elearn.courses.models import Course, Module
from elearn.grades import ActivityRef
from elearn.wiki.models import Page


@dataclass
class PageLink:
    slug: str
    title: str
    summary: str


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
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None
    rows = session.execute(
        select(Page.module_id, Page.slug, Page.title, Page.summary)
        .where(Page.course_id == course.id, Page.module_id.is_not(None))
        .order_by(Page.position)
    )
    by_module: dict[int, list[PageLink]] = {}
    for module_id, slug, title, summary in rows:
        by_module.setdefault(module_id, []).append(PageLink(slug, title, summary))
    modules = session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    return CourseOutline(
        slug=course.slug,
        title=course.title,
        description=course.description,
        modules=[ModuleOutline(m.title, by_module.get(m.id, [])) for m in modules],
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
