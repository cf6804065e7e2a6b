"""Accounts for people who arrive by LTI: matched by (issuer, subject), never by e-mail.

Matching by e-mail would let any registered platform take over a local account that has the
same address, so a platform's user always gets (or finds) an account of their own. Their role
mirrors the platform's on every launch (Learner -> student, Instructor/ContentDeveloper ->
teacher, Administrator -> admin): the platform is the authority for these accounts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.auth.models import ExternalIdentity, User
from elearn.auth.services import create_user
from elearn.lti.errors import LtiError
from elearn.lti.roles import map_roles


def lti_user(
    session: Session,
    *,
    issuer: str,
    subject: str,
    name: str,
    email: str | None,
    roles: Iterable[str],
    update_role: bool = True,
) -> User:
    """The account of platform user ``subject`` at ``issuer``, created on first launch.

    ``update_role=False`` (roster sync: context roles only) keeps an existing account's role.
    """
    role = map_roles(roles)
    identity = session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject
        )
    )
    if identity is not None:
        user = identity.user
        if not user.active:
            raise LtiError(
                "This account is disabled on elearn; ask the site's administrator.", status=403
            )
        if update_role:
            user.role = role
        if name:
            user.name = name[:200]
        return user
    user = create_user(
        session,
        email=_free_email(session, email, issuer, subject),
        name=(name or "LTI user")[:200],
        password=None,
        role=role,
    )
    session.add(ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject))
    session.flush()
    return user


def _free_email(session: Session, email: str | None, issuer: str, subject: str) -> str:
    """The platform's address if no account uses it yet, else a made-up unique one."""
    if email and "@" in email:
        taken = session.scalar(
            select(User.id).where(func.lower(User.email) == email.strip().lower())
        )
        if taken is None:
            return email.strip().lower()
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:20]
    return f"lti-{digest}@lti.invalid"
