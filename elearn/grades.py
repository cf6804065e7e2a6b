"""The one place grades are announced: areas that grade publish, areas that care listen.

The quiz and notebook areas call ``publish_grade`` after a commit; the LTI area connects to
``grade_published`` and sends the score to Moodle. Neither side imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace

signals = Namespace()
grade_published = signals.signal("grade-published")


@dataclass(frozen=True)
class ActivityRef:
    """A gradable or linkable thing: ``kind`` is "quiz", "notebook", "simulation" or "page"."""

    kind: str
    key: str  # stable within its kind, e.g. "<course slug>/<quiz slug>"


@dataclass(frozen=True)
class GradeEvent:
    """User ``user_id``'s grade for ``activity`` is now ``score``/``maximum``.

    The score is the activity's grade after the grading method (highest, last, average) was
    applied, not one attempt's; ``graded_at`` orders events so a stale one never wins.
    """

    user_id: int
    activity: ActivityRef
    score: float
    maximum: float
    graded_at: datetime
    attempt_id: str  # what caused it, for logs and idempotence
    completed: bool = True


def publish_grade(event: GradeEvent) -> None:
    grade_published.send("elearn", event=event)
