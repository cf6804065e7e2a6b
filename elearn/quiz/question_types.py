"""The registry of question types: each reads its own authored fields and grades answers.

A type is looked up by the ``type:`` written in the quiz file. ``grade`` is pure: the question,
the student's drawn parameter values and the response (the form's fields as a dict) in, a
Grade out, so every grading rule is tested without an app or a database.
"""

from __future__ import annotations

from typing import Any, Protocol

from elearn.courses.yaml_lines import LineDict
from elearn.quiz.spec import Grade, Question, Reader


class Variant(Protocol):
    """What one attempt knows about a question beyond its spec."""

    values: dict[str, float]  # drawn parameters
    extra: dict[str, Any]  # e.g. simulation reference measurements, option order


class QuestionType(Protocol):
    name: str
    keys: set[str]  # authored keys this type reads, beyond the common ones

    def parse(self, raw: LineDict, base: Question, reader: Reader) -> Question | None: ...

    def grade(self, question: Any, variant: Variant, response: dict[str, Any]) -> Grade: ...

    def correct_answer(self, question: Any, variant: Variant) -> str: ...


_types: dict[str, QuestionType] = {}


def register_question_type(question_type: QuestionType) -> None:
    _types[question_type.name] = question_type


def question_type(name: str) -> QuestionType | None:
    _load_builtin_types()
    return _types.get(name)


def type_names() -> list[str]:
    _load_builtin_types()
    return sorted(_types)


def _load_builtin_types() -> None:
    from elearn.quiz import choice, numeric, short_text, simulation  # noqa: F401  (they register)
