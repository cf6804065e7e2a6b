"""Deep Linking: offer our activities to a teacher, answer with signed LtiResourceLink items.

Each offered activity gets its own signed response, so the picker posts straight to the
platform with one click and needs neither our session cookie nor a stored request (cookies
are often blocked inside the platform's iframe). A graded activity's item carries a line item
(scoreMaximum, label): Moodle creates the grade column with that maximum.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, course_activities
from elearn.courses.models import Course
from elearn.lti import claims as c
from elearn.lti.keys import sign
from elearn.lti.launch import LaunchMessage
from elearn.lti.links import activity_custom
from elearn.lti.models import Platform

RESPONSE_LIFETIME = timedelta(minutes=60)  # the teacher may browse the picker a while


@dataclass
class PickerModule:
    title: str
    choices: list[tuple[Activity, str]] = field(default_factory=list)  # (activity, signed response)


@dataclass
class PickerCourse:
    slug: str
    title: str
    modules: list[PickerModule] = field(default_factory=list)


def content_item(activity: Activity, launch_url: str) -> dict[str, Any]:
    """The LtiResourceLink content item for an activity; graded ones carry a line item."""
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": activity.title,
        "url": launch_url,
        "custom": activity_custom(activity),
    }
    if activity.max_score is not None:
        item["lineItem"] = {
            "scoreMaximum": activity.max_score,
            "label": activity.title,
            "resourceId": f"{activity.ref.kind}:{activity.ref.key}",
        }
    return item


def deep_linking_response(
    session: Session,
    secret_key: str,
    platform: Platform,
    message: LaunchMessage,
    items: list[dict[str, Any]],
    now: datetime,
) -> str:
    """The signed LtiDeepLinkingResponse JWT (no items: the teacher cancelled)."""
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + RESPONSE_LIFETIME).timestamp()),
        "nonce": secrets.token_urlsafe(16),
        c.DEPLOYMENT_ID: message.deployment_id,
        c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE,
        c.VERSION: c.LTI_VERSION,
        c.DL_CONTENT_ITEMS: items,
    }
    if message.deep_link_data is not None:
        claims[c.DL_DATA] = message.deep_link_data
    return sign(session, secret_key, claims)


def picker(
    session: Session,
    secret_key: str,
    platform: Platform,
    message: LaunchMessage,
    launch_url: str,
    now: datetime,
    first_course: str | None = None,
) -> list[PickerCourse]:
    """Every course's activities by module, each with its signed response; one course first."""
    courses = session.scalars(select(Course).order_by(Course.title)).all()
    courses = sorted(courses, key=lambda course: course.slug != first_course)
    result = []
    for course in courses:
        modules: dict[str, PickerModule] = {}
        for activity in course_activities(session, course.slug):
            token = deep_linking_response(
                session, secret_key, platform, message, [content_item(activity, launch_url)], now
            )
            modules.setdefault(activity.module, PickerModule(activity.module)).choices.append(
                (activity, token)
            )
        if modules:
            result.append(PickerCourse(course.slug, course.title, list(modules.values())))
    return result
