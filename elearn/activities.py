"""What a course offers that can be linked from outside (LTI deep linking) or graded.

Each area registers a provider that lists its activities; nobody needs to import the area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from elearn.grades import ActivityRef


@dataclass(frozen=True)
class Activity:
    ref: ActivityRef
    course_slug: str
    module: str  # module title, for grouping in pickers
    title: str
    path: str  # where it lives in this platform, e.g. /courses/x/pages/y
    max_score: float | None  # None: not graded


Provider = Callable[[Session, str], list[Activity]]  # (session, course slug) -> activities
_providers: dict[str, Provider] = {}


def register_provider(kind: str, provider: Provider) -> None:
    _providers[kind] = provider


def course_activities(session: Session, course_slug: str) -> list[Activity]:
    """Every activity of a course, by kind in registration order."""
    return [activity for provider in _providers.values() for activity in provider(session, course_slug)]


def find_activity(session: Session, course_slug: str, ref: ActivityRef) -> Activity | None:
    provider = _providers.get(ref.kind)
    if provider is None:
        return None
    return next((a for a in provider(session, course_slug) if a.ref == ref), None)
