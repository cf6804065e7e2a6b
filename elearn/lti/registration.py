"""Registering a platform: by hand (CLI) or by LTI Dynamic Registration (Moodle 4.x).

Dynamic registration: the admin pastes our registration URL into Moodle; Moodle opens it with
``openid_configuration`` and ``registration_token``; we read the platform's configuration, POST
our tool configuration to its registration endpoint, and store the client id and deployment
id it answers with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.lti import claims as c
from elearn.lti.errors import LtiError
from elearn.lti.models import Consumer, Deployment, Platform
from elearn.lti.tokens import call_platform

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_NAME = "elearn: neutron and X-ray scattering"


@dataclass(frozen=True)
class ToolUrls:
    """Our public URLs, as the platform must know them."""

    login: str
    launch: str
    jwks: str
    lti11_launch: str

    @property
    def domain(self) -> str:
        return urlsplit(self.launch).netloc


def add_platform(
    session: Session,
    *,
    name: str,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: list[str],
) -> Platform:
    """Register (or update) a platform and add deployments to it."""
    for label, url in (("login", auth_login_url), ("token", auth_token_url), ("key set", jwks_url)):
        if urlsplit(url).scheme not in ("http", "https"):
            raise LtiError(f"The platform's {label} URL must be http(s), not {url!r}.")
    platform = session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if platform is None:
        platform = Platform(issuer=issuer, client_id=client_id)
        session.add(platform)
    platform.name = name
    platform.auth_login_url, platform.auth_token_url, platform.jwks_url = (
        auth_login_url,
        auth_token_url,
        jwks_url,
    )
    platform.jwks, platform.jwks_fetched_at = None, None
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in deployment_ids:
        if deployment_id and deployment_id not in known:
            platform.deployments.append(Deployment(deployment_id=deployment_id))
    session.flush()
    return platform


def add_consumer(
    session: Session, *, name: str, consumer_key: str, secret: str, site_url: str | None = None
) -> Consumer:
    """Register an LTI 1.1 consumer with the key and secret the admin also enters in Moodle."""
    if len(secret) < 16:
        raise LtiError("Use a shared secret of at least 16 characters.")
    if session.scalar(select(Consumer.id).where(Consumer.consumer_key == consumer_key)) is not None:
        raise LtiError(f"The consumer key {consumer_key!r} is taken.")
    consumer = Consumer(name=name, consumer_key=consumer_key, secret=secret, site_url=site_url)
    session.add(consumer)
    session.flush()
    return consumer


def tool_configuration(urls: ToolUrls) -> dict[str, Any]:
    """Our OpenID client registration (LTI Dynamic Registration 1.0, section 3.1)."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": TOOL_NAME,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join([c.SCOPE_SCORE, c.SCOPE_LINEITEM, c.SCOPE_RESULT, c.SCOPE_NRPS]),
        TOOL_CONFIGURATION: {
            "domain": urls.domain,
            "target_link_uri": urls.launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {
                    "type": c.DEEP_LINKING_REQUEST,
                    "target_link_uri": urls.launch,
                    "label": TOOL_NAME,
                },
                {"type": c.RESOURCE_LINK_REQUEST, "target_link_uri": urls.launch},
            ],
        },
    }


def register_dynamically(
    session: Session, configuration_url: str, registration_token: str, urls: ToolUrls
) -> Platform:
    """Read the platform's OpenID configuration, register our tool there, store the platform."""
    config = call_platform("GET", configuration_url, headers={"Accept": "application/json"}).json()
    issuer = str(config.get("issuer", ""))
    if not issuer or not configuration_url.startswith(issuer.rstrip("/")):
        raise LtiError(
            f"The configuration's issuer {issuer!r} does not match its URL {configuration_url!r}."
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not config.get(key):
            raise LtiError(f"The platform's OpenID configuration has no {key!r}.")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    answer = call_platform(
        "POST", config["registration_endpoint"], json=tool_configuration(urls), headers=headers
    ).json()
    client_id = answer.get("client_id")
    deployment_id = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
    if not client_id:
        raise LtiError("The platform's registration answer has no client_id.", status=502)
    product = (config.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code", "platform")
    return add_platform(
        session,
        name=f"{product} at {urlsplit(issuer).netloc}",
        issuer=issuer,
        client_id=str(client_id),
        auth_login_url=config["authorization_endpoint"],
        auth_token_url=config["token_endpoint"],
        jwks_url=config["jwks_uri"],
        deployment_ids=[str(deployment_id)] if deployment_id else [],
    )
