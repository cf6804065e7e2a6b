"""LTI tables: registered platforms, our keys, launch state, course links, grade targets, outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.auth.models import User
from elearn.db import Base
from elearn.db.types import UTCDateTime, utcnow

URL = 1000


class Platform(Base):
    """An LTI 1.3 platform (a Moodle site) as registered; Moodle makes the client id."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(URL))
    auth_token_url: Mapped[str] = mapped_column(String(URL))
    jwks_url: Mapped[str] = mapped_column(String(URL))
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # cached key set
    jwks_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )


class Deployment(Base):
    """A deployment of our tool on a platform (Moodle: the tool type id)."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class Consumer(Base):
    """An LTI 1.1 tool consumer: a key and the shared secret both sides sign with (HMAC-SHA1)."""

    __tablename__ = "lti11_consumers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    consumer_key: Mapped[str] = mapped_column(String(255), unique=True)
    secret: Mapped[str] = mapped_column(String(255))
    site_url: Mapped[str | None] = mapped_column(
        String(URL)
    )  # the Moodle site, for frame-ancestors
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ToolKey(Base):
    """One of our RSA key pairs; the private half is encrypted with a key from the secret key."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key: Mapped[str] = mapped_column(Text)  # Fernet token of the PEM
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LaunchState(Base):
    """An OIDC login we started: the launch must bring back this state and nonce, once."""

    __tablename__ = "lti_launch_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    target_link_uri: Mapped[str] = mapped_column(String(URL))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UsedNonce(Base):
    """A nonce seen within ``scope`` (a platform, a 1.1 consumer, a ticket kind): refused again."""

    __tablename__ = "lti_used_nonces"
    __table_args__ = (UniqueConstraint("scope", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LtiContext(Base):
    """A course on a platform (Moodle course), linked to one of ours, with its roster service."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("issuer", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500), default="")
    course_slug: Mapped[str | None] = mapped_column(String(100))
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE")
    )
    memberships_url: Mapped[str | None] = mapped_column(String(URL))
    roster_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    roster_error: Mapped[str | None] = mapped_column(Text)


class Membership(Base):
    """A person on a platform course's roster, as the Names and Role service last listed them."""

    __tablename__ = "lti_memberships"
    __table_args__ = (UniqueConstraint("context_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_contexts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(32))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class GradeTarget(Base):
    """Where one user's grade for one activity goes: an AGS line item (1.3) or an outcome (1.1)."""

    __tablename__ = "lti_grade_targets"
    __table_args__ = (UniqueConstraint("user_id", "activity_kind", "activity_key", "endpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    activity_kind: Mapped[str] = mapped_column(String(32))
    activity_key: Mapped[str] = mapped_column(String(255))
    endpoint: Mapped[str] = mapped_column(String(URL))  # line item URL, or outcome service URL
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE")
    )
    consumer_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti11_consumers.id", ondelete="CASCADE")
    )
    platform_user_id: Mapped[str] = mapped_column(
        String(URL)
    )  # 1.3 sub, or 1.1 lis_result_sourcedid
    last_sent_graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PassbackStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SUPERSEDED = "superseded"  # a newer score was sent or is queued: this one never goes out
    FAILED = "failed"


class Passback(Base):
    """Outbox row: one score to send to one grade target, for one attempt."""

    __tablename__ = "lti_passbacks"
    __table_args__ = (UniqueConstraint("target_id", "attempt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("lti_grade_targets.id", ondelete="CASCADE"), index=True
    )
    attempt_id: Mapped[str] = mapped_column(String(255))
    score: Mapped[float] = mapped_column(Float)
    maximum: Mapped[float] = mapped_column(Float)
    completed: Mapped[bool] = mapped_column(default=True)
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[PassbackStatus] = mapped_column(
        Enum(
            PassbackStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target: Mapped[GradeTarget] = relationship()


class AccessToken(Base):
    """An OAuth2 access token a platform gave us, reused until shortly before it expires."""

    __tablename__ = "lti_access_tokens"
    __table_args__ = (UniqueConstraint("platform_id", "scopes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    scopes: Mapped[str] = mapped_column(String(URL))  # space-separated, sorted
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
