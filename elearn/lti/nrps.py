"""Names and Role Provisioning: read a platform course's roster and mirror it as accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from elearn.lti import claims as c
from elearn.lti.accounts import lti_user
from elearn.lti.errors import LtiError
from elearn.lti.models import LtiContext, Membership, Platform
from elearn.lti.tokens import access_token, call_platform

MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200  # Moodle pages by 100 members when asked: 20,000 people at most
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    email: str | None
    roles: tuple[str, ...]
    status: str


def fetch_members(
    session: Session, secret_key: str, platform: Platform, url: str, now: datetime
) -> list[Member]:
    """Every member of the context, following ``Link: <…>; rel="next"`` pages."""
    token = access_token(session, secret_key, platform, [c.SCOPE_NRPS], now)
    members: list[Member] = []
    next_url: str | None = url
    for _page in range(MAX_PAGES):
        if next_url is None:
            return members
        response = call_platform(
            "GET", next_url, headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE}
        )
        try:
            container: dict[str, Any] = response.json()
        except ValueError as error:
            raise LtiError("The roster answer is not JSON.", status=502) from error
        members.extend(
            _member(entry) for entry in container.get("members", []) if entry.get("user_id")
        )
        match = _NEXT.search(response.headers.get("Link", ""))
        next_url = match.group(1) if match else None
    raise LtiError(f"The roster has more than {MAX_PAGES} pages.", status=502)


def _member(entry: dict[str, Any]) -> Member:
    name = entry.get("name") or " ".join(
        filter(None, [entry.get("given_name"), entry.get("family_name")])
    )
    return Member(
        user_id=str(entry["user_id"]),
        name=str(name or ""),
        email=entry.get("email"),
        roles=tuple(str(r) for r in entry.get("roles", [])),
        status=str(entry.get("status", "Active")),
    )


def sync_roster(session: Session, secret_key: str, context_row_id: int, now: datetime) -> int:
    """Mirror the roster of an LTI context: accounts made or updated, memberships replaced.

    Returns the number of members. Errors are kept on the context row for the teacher's page.
    """
    context = session.get(LtiContext, context_row_id)
    if context is None or context.platform_id is None or not context.memberships_url:
        raise LtiError("This course has no roster service (launch it once from the platform).")
    platform = session.get(Platform, context.platform_id)
    assert platform is not None
    members = fetch_members(session, secret_key, platform, context.memberships_url, now)
    session.execute(delete(Membership).where(Membership.context_id == context.id))
    unique = {member.user_id: member for member in members}
    for member in unique.values():
        user = lti_user(
            session,
            issuer=platform.issuer,
            subject=member.user_id,
            name=member.name,
            email=member.email,
            roles=member.roles,
            update_role=False,
        )
        session.add(
            Membership(
                context_id=context.id,
                user_id=user.id,
                roles=list(member.roles),
                status=member.status,
                synced_at=now,
            )
        )
    context.roster_synced_at, context.roster_error = now, None
    session.flush()
    return len(unique)


def roster(session: Session, context_row_id: int) -> list[Membership]:
    return list(session.scalars(select(Membership).where(Membership.context_id == context_row_id)))
