"""``elearn lti ...``: tool keys, platform and consumer registration, registration URLs."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.lti import keys
from elearn.lti.errors import LtiError
from elearn.lti.models import Consumer, Platform
from elearn.lti.registration import add_consumer, add_platform


def _create_app() -> Flask:
    from elearn import create_app
    from elearn.config import Settings, SettingsError

    try:
        return create_app(Settings.from_env())
    except SettingsError as error:
        raise click.ClickException(str(error)) from error


@contextmanager
def _session() -> Iterator[tuple[Session, str]]:
    """A database session (committed on success) and the secret key, for one command."""
    from elearn.db import database

    app = _create_app()
    with app.app_context(), database().sessions() as session:
        try:
            yield session, app.config["ELEARN_SETTINGS"].secret_key
        except LtiError as error:
            session.rollback()
            raise click.ClickException(str(error)) from error
        session.commit()


@click.group("lti")
def lti() -> None:
    """LTI: Moodle registration and the tool's keys."""


@lti.group("keys")
def keys_group() -> None:
    """The tool's signing keys (published at /lti/jwks)."""


@keys_group.command("generate")
def keys_generate() -> None:
    """Make a new key pair; it signs from now on, older keys stay published until retired."""
    with _session() as (session, secret):
        key = keys.generate_key(session, secret)
        click.echo(
            f"New signing key {key.kid} (the private key is stored encrypted; it is never printed)."
        )


@keys_group.command("list")
def keys_list() -> None:
    with _session() as (session, _secret):
        for kid, age, published in keys.key_ages(session):
            click.echo(f"{kid}  {age:7.1f} days  {'published' if published else 'retired'}")


@keys_group.command("retire")
@click.argument("kid")
def keys_retire(kid: str) -> None:
    """Stop publishing a key (wait a day after `generate`: platforms cache our key set)."""
    with _session() as (session, _secret):
        keys.retire_key(session, kid)
        click.echo(f"Key {kid} is retired.")


def _options(
    *specs: tuple[str, dict[str, Any]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for name, kwargs in reversed(specs):
            func = click.option(name, **kwargs)(func)
        return func

    return decorate


@lti.group("platforms")
def platforms_group() -> None:
    """LTI 1.3 platforms (Moodle sites)."""


@platforms_group.command("add")
@_options(
    ("--name", {"required": True, "help": "A name for the site, e.g. 'Moodle of PSI'."}),
    ("--issuer", {"required": True, "help": "Platform ID in Moodle's tool details (its wwwroot)."}),
    ("--client-id", {"required": True, "help": "Client ID in Moodle's tool details."}),
    ("--login-url", {"required": True, "help": "Authentication request URL (…/mod/lti/auth.php)."}),
    ("--token-url", {"required": True, "help": "Access token URL (…/mod/lti/token.php)."}),
    ("--jwks-url", {"required": True, "help": "Public keyset URL (…/mod/lti/certs.php)."}),
    (
        "--deployment-id",
        {"multiple": True, "help": "Deployment ID in Moodle's tool details (repeatable)."},
    ),
)
def platforms_add(
    name: str,
    issuer: str,
    client_id: str,
    login_url: str,
    token_url: str,
    jwks_url: str,
    deployment_id: tuple[str, ...],
) -> None:
    """Register a platform (or update it and add deployments)."""
    with _session() as (session, secret):
        platform = add_platform(
            session,
            name=name,
            issuer=issuer,
            client_id=client_id,
            auth_login_url=login_url,
            auth_token_url=token_url,
            jwks_url=jwks_url,
            deployment_ids=list(deployment_id),
        )
        if not keys.published_keys(session):
            keys.generate_key(session, secret)
        deployments = ", ".join(d.deployment_id for d in platform.deployments) or "none yet"
        click.echo(
            f"Platform {platform.name} ({platform.issuer}, client {platform.client_id}); "
            f"deployments: {deployments}"
        )


@platforms_group.command("list")
def platforms_list() -> None:
    with _session() as (session, _secret):
        for platform in session.scalars(select(Platform).order_by(Platform.name)):
            deployments = ", ".join(d.deployment_id for d in platform.deployments)
            click.echo(
                f"{platform.name}: {platform.issuer} client {platform.client_id} "
                f"deployments [{deployments}]"
            )


@lti.group("consumers")
def consumers_group() -> None:
    """LTI 1.1 consumers (key and shared secret)."""


@consumers_group.command("add")
@click.option("--name", required=True)
@click.option("--key", "consumer_key", required=True, help="The consumer key to enter in Moodle.")
@click.option(
    "--site-url", default=None, help="The Moodle site's URL (allows it to frame our pages)."
)
def consumers_add(name: str, consumer_key: str, site_url: str | None) -> None:
    """Register an LTI 1.1 consumer; prints the generated shared secret once."""
    shared_secret = secrets.token_urlsafe(24)
    with _session() as (session, _secret):
        add_consumer(
            session, name=name, consumer_key=consumer_key, secret=shared_secret, site_url=site_url
        )
    click.echo(
        f"Consumer key: {consumer_key}\nShared secret: {shared_secret}\n(Enter both in Moodle.)"
    )


@lti.command("consumers-list")
def consumers_list() -> None:
    with _session() as (session, _secret):
        for consumer in session.scalars(select(Consumer).order_by(Consumer.name)):
            click.echo(f"{consumer.name}: key {consumer.consumer_key}")


@lti.command("registration-url")
@click.option(
    "--base-url", required=True, help="Where elearn is served, e.g. https://elearn.example.org"
)
def registration_url(base_url: str) -> None:
    """Print a Dynamic Registration URL (valid 7 days, used once) for a Moodle admin."""
    with _session() as (session, secret):
        if not keys.published_keys(session):
            keys.generate_key(session, secret)
        token = URLSafeTimedSerializer(secret, salt="elearn-lti-register").dumps(
            {"n": secrets.token_urlsafe(8)}
        )
    click.echo(f"{base_url.rstrip('/')}/lti/register/{token}")


@lti.command("urls")
@click.option(
    "--base-url", required=True, help="Where elearn is served, e.g. https://elearn.example.org"
)
def urls(base_url: str) -> None:
    """Print the values a Moodle admin enters for manual registration."""
    base = base_url.rstrip("/")
    click.echo(
        f"Tool URL:                 {base}/lti/launch\n"
        f"Initiate login URL:       {base}/lti/login\n"
        f"Redirection URI(s):       {base}/lti/launch\n"
        f"Public keyset URL:        {base}/lti/jwks\n"
        f"LTI 1.1 launch URL:       {base}/lti/1.1/launch"
    )
