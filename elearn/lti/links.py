"""What a launch points at: the platform course (context) and activity, and where grades go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, find_activity
from elearn.auth.models import Role, User
from elearn.grades import ActivityRef
from elearn.lti import claims as c
from elearn.lti.accounts import lti_user
from elearn.lti.models import GradeTarget, LtiContext


@dataclass(frozen=True)
class GradeEndpoint:
    """Where a platform wants a user's grade: an AGS line item or an LTI 1.1 outcome service."""

    url: str
    platform_user_id: str  # the 1.3 ``sub``, or the 1.1 ``lis_result_sourcedid``
    platform_id: int | None = None
    consumer_id: int | None = None


def activity_custom(activity: Activity) -> dict[str, str]:
    """Custom parameters a deep-linked resource link carries back to us on every launch."""
    return {
        c.CUSTOM_ACTIVITY: f"{activity.ref.kind}:{activity.ref.key}",
        "elearn_course": activity.course_slug,
    }


def launched_activity(session: Session, custom: dict[str, str]) -> Activity | None:
    """The activity named by a launch's custom parameters, if it still exists."""
    named = custom.get(c.CUSTOM_ACTIVITY, "")
    kind, _, key = named.partition(":")
    course = custom.get("elearn_course") or key.split("/", 1)[0]
    if not kind or not key or not course:
        return None
    return find_activity(session, course, ActivityRef(kind, key))


def link_context(
    session: Session,
    *,
    issuer: str,
    context_id: str,
    title: str,
    platform_id: int | None = None,
    course_slug: str | None = None,
    memberships_url: str | None = None,
) -> LtiContext:
    """Find or create the platform course; remember its roster URL and our course once known."""
    row = session.scalar(
        select(LtiContext).where(LtiContext.issuer == issuer, LtiContext.context_id == context_id)
    )
    if row is None:
        row = LtiContext(issuer=issuer, context_id=context_id, platform_id=platform_id)
        session.add(row)
    row.title = title[:500]
    if course_slug and not row.course_slug:
        row.course_slug = course_slug
    if memberships_url:
        row.memberships_url = memberships_url
    session.flush()
    return row


def record_grade_target(
    session: Session, user_id: int, activity: Activity, endpoint: GradeEndpoint
) -> GradeTarget:
    """Remember that ``user_id``'s grade for ``activity`` goes to ``endpoint`` (idempotent)."""
    row = session.scalar(
        select(GradeTarget).where(
            GradeTarget.user_id == user_id,
            GradeTarget.activity_kind == activity.ref.kind,
            GradeTarget.activity_key == activity.ref.key,
            GradeTarget.endpoint == endpoint.url,
        )
    )
    if row is None:
        row = GradeTarget(
            user_id=user_id,
            activity_kind=activity.ref.kind,
            activity_key=activity.ref.key,
            endpoint=endpoint.url,
        )
        session.add(row)
    row.platform_id = endpoint.platform_id
    row.consumer_id = endpoint.consumer_id
    row.platform_user_id = endpoint.platform_user_id  # a 1.1 sourcedid can change between launches
    session.flush()
    return row


def admit(
    session: Session,
    *,
    issuer: str,
    subject: str,
    name: str,
    email: str | None,
    roles: Iterable[str],
    custom: dict[str, str],
    context: LtiContext | None,
    endpoint: GradeEndpoint | None,
) -> tuple[User, Activity | None]:
    """The account and activity of a launch (1.3 or 1.1), the same way for both versions.

    The platform course learns our course from its first activity; a student's grade for a graded
    activity goes to ``endpoint``. Teachers' launches record no grade target: they are not graded.
    """
    user = lti_user(session, issuer=issuer, subject=subject, name=name, email=email, roles=roles)
    activity = launched_activity(session, custom)
    if context is not None and activity is not None and not context.course_slug:
        context.course_slug = activity.course_slug
    if activity and activity.max_score is not None and endpoint and user.role == Role.STUDENT:
        record_grade_target(session, user.id, activity, endpoint)
    return user, activity
