"""Exercise notebooks in a course folder: listed per module in course.yaml (``notebooks:``),
validated when the course is checked and imported with it (all or nothing)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, register_provider
from elearn.courses.content import ContentProblem, CourseSource
from elearn.courses.kinds import ContentKind, register_content_kind
from elearn.courses.models import Course, Module
from elearn.grades import ActivityRef
from elearn.notebooks.errors import NotebookError
from elearn.notebooks.exercise import Exercise, read_exercise
from elearn.notebooks.models import NotebookExercise
from elearn.notebooks.transform import make_student_copy

HEADING = re.compile(r"^#{1,2}\s+(.+)$", re.M)


def exercise_title(exercise: Exercise, file: str) -> str:
    """The first top-level heading of a Markdown cell, else the file name."""
    for cell in exercise.notebook.cells:
        if cell.cell_type == "markdown":
            match = HEADING.search(cell.source)
            if match:
                return match.group(1).strip()
    return Path(file).stem.replace("-", " ").replace("_", " ").capitalize()


def _exercises(source: CourseSource, problems: list[ContentProblem]) -> list[tuple[str, int, Exercise]]:
    """(file, module index, exercise) for every listed notebook that validates."""
    found = []
    listed = [(index, file) for index, module in enumerate(source.modules) for file in module.notebooks]
    for module_index, file in listed:
        path = (source.folder / file).resolve()
        if not path.is_relative_to(source.folder) or path.suffix != ".ipynb" or not path.is_file():
            message = f"notebook {file} must be an existing .ipynb file inside the course folder"
            problems.append(ContentProblem(source.where("course.yaml"), 1, message))
            continue
        try:
            exercise = read_exercise(path)
        except NotebookError as error:
            where = "" if error.cell is None else f"cell {error.cell}: "
            problems.append(ContentProblem(source.where(file), 1, where + error.message))
            continue
        found.append((file, module_index, exercise))
    return found


def check_notebooks(source: CourseSource) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    _exercises(source, problems)
    return problems


def load_notebooks(session: Session, course: Course, source: CourseSource) -> list[str]:
    """Create or update the course's exercises; submissions of existing ones are kept."""
    problems: list[ContentProblem] = []
    modules = list(
        session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    )
    existing = {
        e.slug: e
        for e in session.scalars(select(NotebookExercise).where(NotebookExercise.course_id == course.id))
    }
    created = updated = 0
    for position, (file, module_index, exercise) in enumerate(_exercises(source, problems), start=1):
        raw = (source.folder / file).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        slug = Path(file).stem
        row = existing.get(slug)
        if row is None:
            row = NotebookExercise(course_id=course.id, slug=slug)
            session.add(row)
            created += 1
        elif row.sha256 != digest:
            updated += 1
        row.title, row.source_file, row.sha256, row.position = (
            exercise_title(exercise, file),
            file,
            digest,
            position,
        )
        row.module_id = modules[module_index].id
        row.teacher_notebook = json.dumps(exercise.notebook)
        row.student_notebook = nbformat.writes(make_student_copy(exercise))
        row.max_points = exercise.max_points
    session.flush()
    return [f"{course.slug}: {created} notebook exercises created, {updated} updated"]


def notebook_activities(session: Session, course_slug: str) -> list[Activity]:
    rows = session.execute(
        select(NotebookExercise, Module.title)
        .join(Course, Course.id == NotebookExercise.course_id)
        .outerjoin(Module, Module.id == NotebookExercise.module_id)
        .where(Course.slug == course_slug)
        .order_by(NotebookExercise.position)
    )
    return [
        Activity(ActivityRef("notebook", f"{course_slug}/{exercise.slug}"), course_slug, module or "",
                 exercise.title, f"/courses/{course_slug}/notebooks/{exercise.slug}", exercise.max_points)
        for exercise, module in rows
    ]  # fmt: skip


register_content_kind(ContentKind("notebooks", check_notebooks, load_notebooks))
register_provider("notebook", notebook_activities)
