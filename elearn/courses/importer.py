"""Import a course folder into the database: all or nothing, idempotent, keeping browser edits.

A page whose file has not changed since the last import keeps its current revision, even
if a teacher edited it in the browser. A changed file becomes a new revision; if that
supersedes a browser edit, the report says so (the edit stays in the page's history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.courses.content import ContentError, ContentProblem, CourseSource, read_course
from elearn.courses.kinds import content_kinds
from elearn.courses.models import Course, CourseAsset, Module
from elearn.db.types import utcnow
from elearn.wiki.markup import Rendered
from elearn.wiki.models import Page, RevisionOrigin
from elearn.wiki.pages import (
    PageDraft,
    add_revision,
    apply_rendering,
    asset_names,
    current_revisions,
    render_course,
)


@dataclass
class ImportReport:
    course_slug: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the importer wants the author to know
    other_content: list[str] = field(default_factory=list)  # report lines of quizzes, notebooks, ...

    def lines(self) -> list[str]:
        return [
            f"{self.course_slug}: {len(self.created)} pages created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged",
            *self.other_content,
            *self.notices,
        ]


def check_course(folder: Path) -> tuple[CourseSource, dict[str, Rendered]]:
    """Read and render a course folder; raise ContentError with every problem, file and line."""
    problems: list[ContentProblem] = []
    source = read_course(folder, problems)
    drafts = [PageDraft(p.slug, p.title, p.body, p.body_line) for p in source.pages]
    rendered = render_course(source.slug, drafts, {a.name for a in source.assets})
    problems += [
        ContentProblem(source.where(page.file), problem.line, problem.message)
        for page in source.pages
        for problem in rendered[page.slug].problems
    ]
    for kind in content_kinds():
        problems += kind.check(source)
    if problems:
        raise ContentError(problems)
    return source, rendered


def import_course(session: Session, folder: Path) -> ImportReport:
    """Validate then load a course in the caller's transaction (the caller commits)."""
    source, _ = check_course(folder)
    report = ImportReport(source.slug)
    course = session.scalar(select(Course).where(Course.slug == source.slug))
    if course is None:
        course = Course(slug=source.slug, title=source.title)
        session.add(course)
    course.title, course.description, course.imported_at = source.title, source.description, utcnow()
    session.flush()
    modules = _replace_modules(session, course, source)
    _store_assets(session, course, source)
    existing = {p.slug: p for p in session.scalars(select(Page).where(Page.course_id == course.id))}
    revisions = current_revisions(session, course.id)
    by_file = {page.file: page for page in source.pages}
    position = 0
    for module, module_source in zip(modules, source.modules, strict=True):
        for file in module_source.pages:
            position += 1
            page_source = by_file[file]
            page = existing.pop(page_source.slug, None)
            if page is None:
                page = Page(course_id=course.id, slug=page_source.slug, title=page_source.title)
                session.add(page)
                report.created.append(page_source.slug)
            page.module_id, page.position, page.summary = module.id, position, page_source.summary
            page.source_file = file
            session.flush()
            if page.imported_sha256 == page_source.sha256:
                report.unchanged.append(page_source.slug)
                continue
            current = revisions.get(page.id)
            if current is not None:
                report.updated.append(page_source.slug)
                if current.origin != RevisionOrigin.IMPORT:
                    report.notices.append(
                        f"{source.where(file)}: the file changed and replaces the browser edit "
                        f"(revision {current.number}, kept in the page history)"
                    )
            add_revision(
                session,
                page,
                title=page_source.title,
                body=page_source.body,
                origin=RevisionOrigin.IMPORT,
                message=f"Imported from {file}",
            )
            page.imported_sha256 = page_source.sha256
    for orphan in existing.values():
        orphan.module_id, orphan.position = None, 10_000 + orphan.id
        report.notices.append(f"page {orphan.slug!r} is no longer listed in course.yaml: kept, unlisted")
    session.flush()
    _render_stored_course(session, course)
    for kind in content_kinds():
        report.other_content += kind.load(session, course, source)
    return report


def _replace_modules(session: Session, course: Course, source: CourseSource) -> list[Module]:
    old = {m.position: m for m in session.scalars(select(Module).where(Module.course_id == course.id))}
    modules = []
    for position, module_source in enumerate(source.modules, start=1):
        module = old.pop(position, None) or Module(course_id=course.id, position=position)
        module.title = module_source.title
        session.add(module)
        modules.append(module)
    for stale in old.values():
        session.delete(stale)
    session.flush()
    return modules


def _store_assets(session: Session, course: Course, source: CourseSource) -> None:
    stored = {
        a.name: a for a in session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id))
    }
    for asset in source.assets:
        row = stored.get(asset.name) or CourseAsset(course_id=course.id, name=asset.name)
        if row.sha256 != asset.sha256:
            row.media_type, row.content, row.sha256 = asset.media_type, asset.content, asset.sha256
        session.add(row)


def _render_stored_course(session: Session, course: Course) -> None:
    """Re-render every page from its current revision (browser edits included)."""
    pages = list(session.scalars(select(Page).where(Page.course_id == course.id)))
    revisions = current_revisions(session, course.id)
    drafts = [PageDraft(p.slug, revisions[p.id].title, revisions[p.id].body) for p in pages]
    rendered = render_course(course.slug, drafts, asset_names(session, course.id))
    problems = [
        ContentProblem(
            f"{course.slug} (page {page.slug!r} as edited in the browser)", problem.line, problem.message
        )
        for page in pages
        for problem in rendered[page.slug].problems
    ]
    if problems:
        raise ContentError(problems)
    for page in pages:
        page.title = revisions[page.id].title
        apply_rendering(session, page, rendered[page.slug])
