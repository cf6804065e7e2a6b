"""Account services: sign-up, password checks, roles. Plain values in, models or errors out."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from elearn.auth.models import Role, User

MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A hash to compare against when the user does not exist, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """The account request cannot be honoured; the message is for the user."""


def create_user(
    session: Session, *, email: str, name: str, password: str | None, role: Role = Role.STUDENT
) -> User:
    """Create a local account; ``password=None`` makes one that signs in only externally (LTI)."""
    email = email.strip().lower()
    name = name.strip()
    if not _EMAIL.match(email):
        raise AccountError(f"{email or 'An empty address'} is not a valid e-mail address.")
    if not name:
        raise AccountError("Please give your name.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password) if password is not None else None,
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same work either way)."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if check_password_hash(stored, password) and user is not None and user.active and user.password_hash:
        return user
    return None


def set_role(session: Session, user_id: int, role: Role) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(f"There is no user {user_id}.")
    user.role = role
    return user
