"""Item statistics per question as Moodle's quiz statistics report shows them.

Over finished attempts: facility index (mean score as % of the question's maximum), standard
deviation of that percentage, and discrimination index (Pearson correlation, in %, between the
question's score and the score on the rest of the quiz).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.quiz.models import Attempt, AttemptState, Quiz, Response


@dataclass
class ItemStatistics:
    question_id: str
    attempts: int
    facility: float | None  # %
    sd: float | None  # % of the maximum
    discrimination: float | None  # %


def item_statistics(session: Session, quiz: Quiz) -> list[ItemStatistics]:
    rows = session.execute(
        select(
            Response.attempt_id,
            Response.question_id,
            Response.score,
            Response.max_score,
            Attempt.score,
        )
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.FINISHED)
        .order_by(Response.question_id, Response.attempt_id)
    )
    by_question: dict[str, list[tuple[float, float, float]]] = {}
    for _attempt, question_id, score, maximum, total in rows:
        by_question.setdefault(question_id, []).append((score or 0.0, maximum, total or 0.0))
    return [_statistics(question_id, items) for question_id, items in by_question.items()]


def _statistics(question_id: str, items: list[tuple[float, float, float]]) -> ItemStatistics:
    n = len(items)
    percent = [100 * score / maximum if maximum else 0.0 for score, maximum, _ in items]
    facility = sum(percent) / n
    sd = math.sqrt(sum((p - facility) ** 2 for p in percent) / (n - 1)) if n > 1 else None
    scores = [score for score, _, _ in items]
    rest = [total - score for score, _, total in items]
    return ItemStatistics(question_id, n, facility, sd, _correlation(scores, rest))


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return 100 * sxy / math.sqrt(sxx * syy)
