"""Read a course's quiz files (``quizzes/<slug>.yaml``) into QuizSpec, with every problem's line.

The format is documented with an example per question type in docs/authoring-quizzes.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from elearn.courses.content import SLUG, ContentProblem
from elearn.courses.yaml_lines import LineDict, YamlSyntaxError, load_yaml
from elearn.quiz.formulas import FormulaError
from elearn.quiz.question_types import question_type, type_names
from elearn.quiz.randomise import ParameterSpec, Shared, typical_values
from elearn.quiz.spec import (
    QUESTION_ID,
    Question,
    Reader,
    as_list,
    check_keys,
    read_parameters,
    read_text,
)
from elearn.quiz.text import TextRenderer, placeholder_problems

GRADING_METHODS = ("highest", "last", "average")
FEEDBACK_MODES = ("immediate", "deferred")
QUIZ_KEYS = {
    "title",
    "description",
    "module",
    "attempts",
    "time_limit",
    "grading",
    "feedback",
    "show_correct_answers",
    "shuffle_questions",
    "questions",
    "random",
    "variants",
    "opens",
    "closes",
}
MAX_VARIANTS = 500
COMMON_KEYS = {"id", "type", "text", "points", "parameters", "feedback"}


@dataclass(frozen=True)
class QuizSettings:
    max_attempts: int = 0  # 0: unlimited
    time_limit_s: int | None = None
    grading: str = "highest"  # highest | last | average
    feedback: str = "deferred"  # immediate: after each answer is saved; deferred: after finishing
    show_correct_answers: bool = True  # in the review, after the attempt is finished
    shuffle_questions: bool = False
    variants: int = 0  # 0: every attempt draws its own values; N: a pool of N value sets
    opens: datetime | None = None  # UTC; students start attempts from then (staff always)
    closes: datetime | None = None  # UTC; no new attempts after, open ones end then


@dataclass
class QuizSpec:
    slug: str
    title: str
    description: str
    module: str  # module title it belongs to ("" for none)
    settings: QuizSettings
    questions: list[Question] = field(default_factory=list)
    shared: dict[str, ParameterSpec] = field(default_factory=dict)  # the ``random:`` block

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def quiz_files(course_folder: Path) -> list[Path]:
    folder = course_folder / "quizzes"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def read_quiz_text(
    text: str,
    slug: str,
    where: str,
    renderer: TextRenderer | None = None,
    course_folder: Path | None = None,
) -> tuple[QuizSpec | None, list[ContentProblem]]:
    """Parse one quiz document; (spec, problems) with spec None when nothing usable was read."""
    reader = Reader(where, course_folder=course_folder)
    if not SLUG.match(slug):
        reader.problem(
            1, f"file name {slug!r} must be lowercase a-z, 0-9, - (it is the quiz's address)"
        )
    try:
        raw = load_yaml(text)
    except YamlSyntaxError as error:
        reader.problem(error.line, error.message)
        return None, reader.problems
    if not isinstance(raw, LineDict):
        reader.problem(1, "a quiz file is a mapping: title, settings and questions")
        return None, reader.problems
    check_keys(raw, QUIZ_KEYS, reader, "quiz")
    spec = QuizSpec(
        slug=slug,
        title=read_text(raw, "title", reader),
        description=read_text(raw, "description", reader, required=False),
        module=read_text(raw, "module", reader, required=False),
        settings=_settings(raw, reader),
    )
    spec.shared = read_parameters(raw.get("random"), raw.line_of("random"), reader, block="random")
    shared_lines = {name: raw["random"].line_of(name) for name in spec.shared}
    try:
        typical_values(spec.shared)
    except FormulaError as error:
        reader.problem(raw.line_of("random"), f"random: {error}")
    items = as_list(raw.get("questions"), raw.line_of("questions"), reader, "questions")
    seen: set[str] = set()
    for index, item in enumerate(items or []):
        line = items.line_of(index) if items else 1
        question = _question(item, line, reader, renderer, spec.shared, shared_lines)
        if question is None:
            continue
        if question.id in seen:
            reader.problem(question.line, f"question id {question.id!r} is used twice")
            continue
        seen.add(question.id)
        spec.questions.append(question)
    from elearn.quiz.pool import pool_problem

    for question in spec.questions:
        message = pool_problem(question, spec.settings.variants)
        if message:
            reader.problem(question.line, f"question {question.id}: {message}")
    return spec, reader.problems


def _settings(raw: LineDict, reader: Reader) -> QuizSettings:
    attempts = raw.get("attempts", 0)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
        reader.problem(raw.line_of("attempts"), "attempts: expected a whole number (0 = unlimited)")
        attempts = 0
    limit = raw.get("time_limit")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0
    ):
        reader.problem(
            raw.line_of("time_limit"), "time_limit: expected minutes (a positive number)"
        )
        limit = None
    choices = {"grading": GRADING_METHODS, "feedback": FEEDBACK_MODES}
    chosen = {}
    for key, allowed in choices.items():
        chosen[key] = raw.get(key, QuizSettings.__dataclass_fields__[key].default)
        if chosen[key] not in allowed:
            reader.problem(raw.line_of(key), f"{key}: expected one of {', '.join(allowed)}")
            chosen[key] = allowed[0]
    variants = raw.get("variants", 0)
    if (
        isinstance(variants, bool)
        or not isinstance(variants, int)
        or not 0 <= variants <= MAX_VARIANTS
    ):
        reader.problem(
            raw.line_of("variants"),
            f"variants: expected a whole number of value sets from 1 to {MAX_VARIANTS}",
        )
        variants = 0
    flags = {}
    for key in ("show_correct_answers", "shuffle_questions"):
        flags[key] = raw.get(key, QuizSettings.__dataclass_fields__[key].default)
        if not isinstance(flags[key], bool):
            reader.problem(raw.line_of(key), f"{key}: expected true or false")
            flags[key] = False
    opens, closes = (_moment(raw, key, reader) for key in ("opens", "closes"))
    if opens and closes and closes <= opens:
        reader.problem(raw.line_of("closes"), "closes: must be after opens")
        closes = None
    return QuizSettings(
        attempts,
        round(limit * 60) if limit else None,
        chosen["grading"],
        chosen["feedback"],
        **flags,
        variants=variants,
        opens=opens,
        closes=closes,
    )


def _moment(raw: LineDict, key: str, reader: Reader) -> datetime | None:
    """An ISO 8601 date-time with its UTC offset, as UTC; an offset is required so that a course
    folder means the same moment on any server, whatever its time zone."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, datetime):
        kind = "a date without a time" if isinstance(value, date) else f"{str(value)!r}"
        reader.problem(raw.line_of(key), f"{key}: {kind} is not a date-time; "
                       "write e.g. 2026-12-10T09:00:00+01:00")  # fmt: skip
        return None
    if value.tzinfo is None:
        reader.problem(raw.line_of(key), f"{key}: add the UTC offset (e.g. +01:00 or Z) "
                       "so the time does not depend on the server's time zone")  # fmt: skip
        return None
    return value.astimezone(UTC)


def _question(
    item: Any,
    line: int,
    reader: Reader,
    renderer: TextRenderer | None,
    shared: dict[str, ParameterSpec],
    shared_lines: dict[str, int],
) -> Question | None:
    if not isinstance(item, LineDict):
        reader.problem(line, "question: expected a mapping with id, type and text")
        return None
    kind = question_type(str(item.get("type")))
    if kind is None:
        reader.problem(item.line_of("type"), f"type: expected one of {', '.join(type_names())}")
        return None
    check_keys(item, COMMON_KEYS | kind.keys, reader, f"{kind.name} question")
    question_id = str(item.get("id") or "")
    if not QUESTION_ID.match(question_id):
        reader.problem(item.line_of("id"), "id: expected a short lowercase name (a-z, 0-9, -)")
        return None
    points = item.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        reader.problem(item.line_of("points"), "points: expected a positive number")
        points = 1
    own = read_parameters(item.get("parameters"), item.line_of("parameters"), reader, shared_lines)
    parameters = {**{name: Shared(spec) for name, spec in shared.items()}, **own}
    base = Question(
        question_id,
        kind.name,
        read_text(item, "text", reader),
        float(points),
        parameters,
        read_text(item, "feedback", reader, required=False),
        item.line,
    )
    _check_texts(item, base, reader, renderer)
    return kind.parse(item, base, reader)


def _check_texts(
    item: LineDict, base: Question, reader: Reader, renderer: TextRenderer | None
) -> None:
    """Placeholders name parameters; Markdown, maths and [[links]] render (with the line)."""
    try:
        values = typical_values(base.parameters)
    except FormulaError as error:
        reader.problem(item.line_of("parameters"), f"parameters: {error}")
        values = {}
    for key, text, line in _texts(item):
        for message in placeholder_problems(text, set(base.parameters)):
            reader.problem(line, f"{key}: {message}")
        if renderer is not None:
            for offset, message in renderer.problems(text, values):
                reader.problem(line + offset, f"{key}: {message}")


def _texts(item: LineDict) -> list[tuple[str, str, int]]:
    found = []
    for key in ("text", "feedback"):
        if isinstance(item.get(key), str):
            found.append((key, item[key], item.line_of(key)))
    for group in ("options", "answers", "partial"):
        for entry in item.get(group) or []:
            if isinstance(entry, LineDict):
                for key in ("text", "feedback"):
                    if isinstance(entry.get(key), str):
                        found.append((f"{group[:-1]} {key}", entry[key], entry.line_of(key)))
    return found


def document_of(text: str) -> dict[str, Any]:
    """The quiz file as plain JSON data (stored with each version, re-parsed when needed)."""
    return json.loads(json.dumps(load_yaml(text)))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
