"""Quizzes as a course content kind: checked with the pages, imported in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.courses.content import ContentProblem, CourseSource
from elearn.courses.kinds import ContentKind, register_content_kind
from elearn.courses.models import Course
from elearn.quiz.content import QuizSpec, quiz_files, read_quiz_text, sha256
from elearn.quiz.models import Quiz, QuizVersion
from elearn.quiz.text import TextRenderer
from elearn.wiki.markup import Links, outline_of
from elearn.wiki.models import RevisionOrigin
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
        problems += found + course_problems(spec, found, modules, where)
    return problems


def course_problems(
    spec: QuizSpec | None, found: list[ContentProblem], modules: set[str], where: str
) -> list[ContentProblem]:
    """What a readable quiz still needs within its course: a known module, a question."""
    problems = []
    if spec is not None and spec.module and spec.module not in modules:
        problems.append(ContentProblem(where, 1, f"module: the course has no module {spec.module!r}"))
    if spec is not None and not spec.questions and not found:
        problems.append(ContentProblem(where, 1, "a quiz needs at least one question"))
    return problems


def load_quizzes(session: Session, course: Course, source: CourseSource) -> list[str]:
    """Create or update the course's quizzes; a changed file becomes a new version. A browser
    edit stays while its file is unchanged since it was imported; a changed file replaces it,
    and the report says so (the edit stays among the versions)."""
    existing = {q.slug: q for q in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    created = updated = 0
    notices: list[str] = []
    module_order = {module.title: index for index, module in enumerate(source.modules)}
    for position, path in enumerate(quiz_files(source.folder), start=1):
        text = path.read_text(encoding="utf-8")
        quiz = existing.pop(path.stem, None)
        kept = _kept_browser_edit(session, quiz, text) if quiz else None
        spec, _ = read_quiz_text(kept.source if kept else text, path.stem, path.name, None, source.folder)
        assert spec is not None  # checked before loading
        if quiz is None:
            quiz = Quiz(course_id=course.id, slug=path.stem)
            session.add(quiz)
            created += 1
        apply_spec(quiz, spec, module_order, position)
        quiz.listed = True
        session.flush()
        latest = _latest(session, quiz, None)
        if kept is None and (latest is None or latest.sha256 != sha256(text)):
            if latest is not None and latest.origin != RevisionOrigin.IMPORT:
                notices.append(
                    f"{source.where(f'quizzes/{path.name}')}: the file changed and replaces the browser "
                    f"edit of quiz {quiz.slug!r} (version {latest.number}, kept in the quiz's versions)"
                )
            add_version(session, quiz, text, origin=RevisionOrigin.IMPORT)
            updated += latest is not None
    lines = [f"{course.slug}: {created} quizzes created, {updated} updated", *notices]
    for orphan in existing.values():
        orphan.listed = False
        lines.append(f"quiz {orphan.slug!r} has no file any more: kept with its attempts, unlisted")
    session.flush()
    return lines


def _kept_browser_edit(session: Session, quiz: Quiz, text: str) -> QuizVersion | None:
    """The newest version if it was made in the browser and the file is as last imported."""
    latest, imported = _latest(session, quiz, None), _latest(session, quiz, RevisionOrigin.IMPORT)
    unchanged = imported is not None and imported.sha256 == sha256(text)
    return latest if latest is not None and latest.origin != RevisionOrigin.IMPORT and unchanged else None


def _latest(session: Session, quiz: Quiz, origin: RevisionOrigin | None) -> QuizVersion | None:
    """The quiz's newest version (of that origin)."""
    query = select(QuizVersion).where(QuizVersion.quiz_id == quiz.id)
    if origin is not None:
        query = query.where(QuizVersion.origin == origin)
    return session.scalar(query.order_by(QuizVersion.number.desc()).limit(1))


def apply_spec(quiz: Quiz, spec: QuizSpec, module_order: dict[str, int], position: int) -> None:
    """Copy what lists and grades a quiz from its newest version; ordered by module, then file."""
    quiz.title, quiz.module, quiz.max_score = spec.title, spec.module, spec.max_score
    quiz.position = module_order.get(spec.module, len(module_order)) * 1000 + position


def add_version(
    session: Session, quiz: Quiz, text: str, *, origin: RevisionOrigin, author_id: int | None = None,
    note: str = "",
) -> QuizVersion:
    """Store ``text`` as the quiz's next version (new attempts start on it)."""
    latest = _latest(session, quiz, None)
    version = QuizVersion(
        quiz_id=quiz.id, number=latest.number + 1 if latest else 1, source=text, sha256=sha256(text),
        origin=origin, author_id=author_id, note=note,
    )
    session.add(version)
    session.flush()
    return version


def _source_renderer(source: CourseSource) -> TextRenderer:
    assets = {asset.name for asset in source.assets}
    links = Links(
        outlines={p.title.casefold(): outline_of(p.body, p.title, p.slug) for p in source.pages},
        page_url=lambda slug: page_path(source.slug, slug),
        asset_url=lambda name: asset_path(source.slug, name) if name in assets else None,
    )
    return TextRenderer(links)


register_content_kind(ContentKind("quizzes", check_quizzes, load_quizzes))
