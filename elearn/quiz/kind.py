"""Quizzes as a course content kind: checked with the pages, imported in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.courses.content import ContentProblem, CourseSource
from elearn.courses.kinds import ContentKind, register_content_kind
from elearn.courses.models import Course
from elearn.quiz.content import quiz_files, read_quiz_text, sha256
from elearn.quiz.models import Quiz, QuizVersion
from elearn.quiz.text import TextRenderer
from elearn.wiki.markup import Links, outline_of
from elearn.wiki.pages import asset_path, page_path


def check_quizzes(source: CourseSource) -> list[ContentProblem]:
    """Every problem of every quiz file of the course, with file and line."""
    renderer = _source_renderer(source)
    modules = {module.title for module in source.modules}
    problems: list[ContentProblem] = []
    for path in quiz_files(source.folder):
        where = source.where(path.relative_to(source.folder).as_posix())
        spec, found = read_quiz_text(
            path.read_text(encoding="utf-8"), path.stem, where, renderer, source.folder
        )
        problems += found
        if spec is not None and spec.module and spec.module not in modules:
            problems.append(
                ContentProblem(where, 1, f"module: the course has no module {spec.module!r}")
            )
        if spec is not None and not spec.questions and not found:
            problems.append(ContentProblem(where, 1, "a quiz needs at least one question"))
    return problems


def load_quizzes(session: Session, course: Course, source: CourseSource) -> list[str]:
    """Create or update the course's quizzes; a changed file becomes a new version."""
    existing = {q.slug: q for q in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    created = updated = 0
    module_order = {module.title: index for index, module in enumerate(source.modules)}
    for position, path in enumerate(quiz_files(source.folder), start=1):
        text = path.read_text(encoding="utf-8")
        spec, _ = read_quiz_text(text, path.stem, path.name, None, source.folder)
        assert spec is not None  # checked before loading
        quiz = existing.pop(path.stem, None)
        if quiz is None:
            quiz = Quiz(course_id=course.id, slug=path.stem)
            session.add(quiz)
            created += 1
        quiz.title, quiz.module, quiz.max_score, quiz.listed = (
            spec.title,
            spec.module,
            spec.max_score,
            True,
        )
        quiz.position = module_order.get(spec.module, len(module_order)) * 1000 + position
        session.flush()
        latest = session.scalar(
            select(QuizVersion)
            .where(QuizVersion.quiz_id == quiz.id)
            .order_by(QuizVersion.number.desc())
            .limit(1)
        )
        digest = sha256(text)
        if latest is None or latest.sha256 != digest:
            number = latest.number + 1 if latest else 1
            session.add(QuizVersion(quiz_id=quiz.id, number=number, source=text, sha256=digest))
            updated += latest is not None
    lines = [f"{course.slug}: {created} quizzes created, {updated} updated"]
    for orphan in existing.values():
        orphan.listed = False
        lines.append(f"quiz {orphan.slug!r} has no file any more: kept with its attempts, unlisted")
    session.flush()
    return lines


def _source_renderer(source: CourseSource) -> TextRenderer:
    assets = {asset.name for asset in source.assets}
    links = Links(
        outlines={p.title.casefold(): outline_of(p.body, p.title, p.slug) for p in source.pages},
        page_url=lambda slug: page_path(source.slug, slug),
        asset_url=lambda name: asset_path(source.slug, name) if name in assets else None,
    )
    return TextRenderer(links)


register_content_kind(ContentKind("quizzes", check_quizzes, load_quizzes))
