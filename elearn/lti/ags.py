"""Assignment and Grade Services: post a score to a line item's ``/scores`` endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.orm import Session

from elearn.lti import claims as c
from elearn.lti.errors import LtiError
from elearn.lti.models import Platform
from elearn.lti.tokens import access_token, call_platform, forget_token

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"


def scores_url(lineitem_url: str) -> str:
    """``…/lineitems/5/lineitem?type_id=1`` -> ``…/lineitems/5/lineitem/scores?type_id=1``."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_body(
    user_id: str, score: float, maximum: float, completed: bool, graded_at: datetime
) -> dict[str, Any]:
    """An AGS Score: Moodle rescales scoreGiven/scoreMaximum to the activity's maximum grade,
    and refuses (409) a timestamp not newer than the grade it holds."""
    return {
        "userId": user_id,
        "scoreGiven": score,
        "scoreMaximum": maximum,
        "activityProgress": "Completed" if completed else "InProgress",
        "gradingProgress": "FullyGraded" if completed else "Pending",
        "timestamp": graded_at.isoformat(timespec="milliseconds"),
    }


def post_score(
    session: Session,
    secret_key: str,
    platform: Platform,
    lineitem_url: str,
    body: dict[str, Any],
    now: datetime,
) -> None:
    """POST the score; a 401 (token revoked early) gets one retry with a fresh token."""
    scopes = [c.SCOPE_SCORE]
    for attempt in (1, 2):
        token = access_token(session, secret_key, platform, scopes, now)
        try:
            call_platform(
                "POST",
                scores_url(lineitem_url),
                json=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_MEDIA_TYPE},
            )
            return
        except LtiError as error:
            if error.status != 401 or attempt == 2:
                raise
            forget_token(session, platform, scopes)
