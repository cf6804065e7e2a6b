"""Teachers correct a quiz in the browser: the text is checked as an import checks it and saved
as a new version, recorded with its author and note; versions are compared line by line."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.courses.content import ContentProblem
from elearn.quiz.catalog import current_version, stored_course_renderer
from elearn.quiz.content import QuizSpec, read_quiz_text, sha256
from elearn.quiz.kind import add_version, apply_spec, course_problems
from elearn.quiz.models import Quiz, QuizVersion
from elearn.wiki.models import RevisionOrigin
from elearn.wiki.pages import DiffLine, diff_lines


class QuizEditError(Exception):
    """Nothing was saved: the text has problems (``problems``: line numbers in the text), or
    another version was saved since the editor opened."""

    def __init__(self, message: str, problems: list[ContentProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def check_quiz_text(session: Session, quiz: Quiz, text: str) -> tuple[QuizSpec | None, list[ContentProblem]]:
    """Every problem an import would report for this text as the quiz's file, against the
    course as stored (its modules, pages with browser edits, assets, the platform's instruments)."""
    where = f"{quiz.slug}.yaml"
    spec, found = read_quiz_text(text, quiz.slug, where, stored_course_renderer(session, quiz.course))
    modules = {module.title for module in quiz.course.modules}
    return spec, found + course_problems(spec, found, modules, where)


def save_quiz(
    session: Session, quiz: Quiz, text: str, *, author_id: int, note: str, base_number: int
) -> QuizVersion | None:
    """Save a text edited from version ``base_number`` as the quiz's next version; None if it
    equals the newest version. Raises QuizEditError with every problem, as the import would
    list them, or if a newer version was saved meanwhile."""
    text = text.replace("\r\n", "\n")
    latest = current_version(session, quiz)
    if sha256(text) == latest.sha256:
        return None
    if latest.number != base_number:
        raise QuizEditError(
            f"Version {latest.number} was saved after you opened version {base_number}: your text is "
            "kept below; compare it with the versions list and save again."
        )
    spec, problems = check_quiz_text(session, quiz, text)
    if problems or spec is None:
        raise QuizEditError("The quiz has problems; nothing was saved.", problems)
    version = add_version(
        session, quiz, text, origin=RevisionOrigin.WEB, author_id=author_id, note=note.strip()[:500]
    )
    module_order = {module.title: module.position - 1 for module in quiz.course.modules}
    apply_spec(quiz, spec, module_order, quiz.position % 1000)
    session.flush()
    return version


def version_diff(
    session: Session, quiz: Quiz, number: int
) -> tuple[QuizVersion, QuizVersion | None, list[DiffLine]]:
    """Version ``number``, the one before it (None for the first) and the lines that changed.
    Raises LookupError if the quiz has no such version."""
    versions = {
        v.number: v
        for v in session.scalars(
            select(QuizVersion).where(
                QuizVersion.quiz_id == quiz.id, QuizVersion.number.in_([number - 1, number])
            )
        )
    }
    if number not in versions:
        raise LookupError(f"Quiz {quiz.title!r} has no version {number}.")
    new, old = versions[number], versions.get(number - 1)
    return new, old, diff_lines(old.source.splitlines() if old else [], new.source.splitlines())
