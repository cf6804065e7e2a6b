"""The teacher's gradebook: students x quizzes with each quiz's grade after its method."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import User
from elearn.quiz.catalog import course_quizzes, current_version, version_spec
from elearn.quiz.grading import quiz_grade
from elearn.quiz.models import Attempt, AttemptState, Quiz


@dataclass
class Cell:
    grade: float | None  # after the grading method; None: no finished attempt
    attempts: int
    in_progress: bool


@dataclass
class StudentRow:
    user_id: int
    name: str
    email: str
    cells: dict[int, Cell] = field(default_factory=dict)  # quiz id -> cell

    def total(self) -> float:
        return sum(c.grade or 0.0 for c in self.cells.values())


@dataclass
class Gradebook:
    quizzes: list[Quiz]
    rows: list[StudentRow]

    def max_total(self) -> float:
        return sum(q.max_score for q in self.quizzes)


def course_gradebook(session: Session, course_slug: str) -> Gradebook:
    """Every student with an attempt at one of the course's quizzes, sorted by name."""
    quizzes = course_quizzes(session, course_slug)
    methods = {q.id: version_spec(current_version(session, q)).settings.grading for q in quizzes}
    attempts = session.execute(
        select(
            Attempt.quiz_id, Attempt.user_id, Attempt.state, Attempt.score, User.name, User.email
        )
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id.in_([q.id for q in quizzes]))
        .order_by(Attempt.number)
    )
    rows: dict[int, StudentRow] = {}
    scores: dict[tuple[int, int], list[float]] = {}
    for quiz_id, user_id, state, score, name, email in attempts:
        row = rows.setdefault(user_id, StudentRow(user_id, name, email))
        cell = row.cells.setdefault(quiz_id, Cell(None, 0, False))
        cell.attempts += 1
        if state == AttemptState.FINISHED:
            scores.setdefault((user_id, quiz_id), []).append(score or 0.0)
        else:
            cell.in_progress = True
    for (user_id, quiz_id), finished in scores.items():
        rows[user_id].cells[quiz_id].grade = quiz_grade(finished, methods[quiz_id])
    return Gradebook(quizzes, sorted(rows.values(), key=lambda r: (r.name.casefold(), r.user_id)))


def gradebook_csv(book: Gradebook) -> str:
    """The gradebook as CSV: name, email, one column per quiz (grade / max), total."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "name",
            "email",
            *(f"{q.title} (/{q.max_score:g})" for q in book.quizzes),
            f"total (/{book.max_total():g})",
        ]
    )
    for row in book.rows:
        cells = [row.cells.get(q.id) for q in book.quizzes]
        writer.writerow(
            [
                _safe(row.name),
                row.email,
                *("" if c is None or c.grade is None else f"{c.grade:g}" for c in cells),
                f"{row.total():g}",
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """Defuse spreadsheet formulas in names (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
