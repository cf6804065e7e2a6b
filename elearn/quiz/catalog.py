"""Quizzes as stored: parsed specs by version (cached per process), and course text renderers."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, register_provider
from elearn.courses.content import ContentError
from elearn.courses.models import Course
from elearn.grades import ActivityRef
from elearn.quiz.content import QuizSpec, read_quiz_text
from elearn.quiz.models import Quiz, QuizVersion
from elearn.quiz.text import TextRenderer
from elearn.wiki.markup import Links, Outline
from elearn.wiki.models import Page
from elearn.wiki.pages import asset_names, asset_path, page_path


@lru_cache(maxsize=256)
def parse_version(slug: str, sha256: str, source: str) -> QuizSpec:
    """The spec of a stored quiz version (validated at import, so problems are unexpected)."""
    spec, problems = read_quiz_text(source, slug, f"quizzes/{slug}.yaml")
    if spec is None or problems:
        raise ContentError(problems)
    return spec


def version_spec(version: QuizVersion) -> QuizSpec:
    return parse_version(version.quiz.slug, version.sha256, version.source)


def current_version(session: Session, quiz: Quiz) -> QuizVersion:
    return session.scalars(
        select(QuizVersion)
        .where(QuizVersion.quiz_id == quiz.id)
        .order_by(QuizVersion.number.desc())
        .limit(1)
    ).one()


def find_quiz(session: Session, course_slug: str, quiz_slug: str) -> Quiz | None:
    return session.scalar(
        select(Quiz)
        .join(Course)
        .where(Course.slug == course_slug, Quiz.slug == quiz_slug, Quiz.listed)
    )


def course_quizzes(session: Session, course_slug: str) -> list[Quiz]:
    return list(
        session.scalars(
            select(Quiz)
            .join(Course)
            .where(Course.slug == course_slug, Quiz.listed)
            .order_by(Quiz.position)
        )
    )


_renderers: dict[tuple[int, str], TextRenderer] = {}


def course_renderer(session: Session, course: Course) -> TextRenderer:
    """A renderer whose [[links]] resolve to the course's pages (rebuilt after an import)."""
    key = (course.id, course.imported_at.isoformat())
    renderer = _renderers.get(key)
    if renderer is None:
        renderer = _renderers[key] = stored_course_renderer(session, course)
    return renderer


def stored_course_renderer(session: Session, course: Course) -> TextRenderer:
    """A renderer built now from the course's pages (browser edits included) and assets."""
    pages = session.execute(select(Page.slug, Page.title, Page.outline).where(Page.course_id == course.id))
    outlines = {
        title.casefold(): Outline(
            title,
            slug,
            dict((outline or {}).get("sections", {})),
            dict((outline or {}).get("equations", {})),
        )
        for slug, title, outline in pages
    }
    assets = asset_names(session, course.id)
    links = Links(
        outlines,
        lambda slug: page_path(course.slug, slug),
        lambda name: asset_path(course.slug, name) if name in assets else None,
    )
    return TextRenderer(links)


def quiz_activities(session: Session, course_slug: str) -> list[Activity]:
    """The course's quizzes as graded activities (for LTI deep linking and grade passback)."""
    return [
        Activity(
            ref=ActivityRef("quiz", f"{course_slug}/{quiz.slug}"),
            course_slug=course_slug,
            module=quiz.module,
            title=quiz.title,
            path=f"/courses/{course_slug}/quizzes/{quiz.slug}",
            max_score=quiz.max_score,
        )
        for quiz in course_quizzes(session, course_slug)
    ]


register_provider("quiz", quiz_activities)
