"""Other areas' files in a course folder (quizzes, notebook exercises), checked and imported
together with the pages so that a course import stays all or nothing.

An area registers a ContentKind from the module listed in ``elearn/areas.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from elearn.courses.content import ContentProblem, CourseSource
from elearn.courses.models import Course


@dataclass(frozen=True)
class ContentKind:
    name: str
    check: Callable[[CourseSource], list[ContentProblem]]  # validate its files; no database
    load: Callable[[Session, Course, CourseSource], list[str]]  # import them; report lines


_kinds: dict[str, ContentKind] = {}


def register_content_kind(kind: ContentKind) -> None:
    _kinds[kind.name] = kind


def content_kinds() -> list[ContentKind]:
    """Every registered kind, after importing the modules that register them."""
    importlib.import_module("elearn.areas")
    return list(_kinds.values())
