"""LTI 1.1: OAuth 1.0a HMAC-SHA1 launches and Basic Outcomes ``replaceResult`` (RFC 5849).

A launch is accepted when the consumer key is registered, the signature verifies with its
secret, the timestamp is within ``TIMESTAMP_WINDOW`` of our clock and the nonce is new. The
outcome request is signed the same way, over an ``oauth_body_hash`` of its XML body (Moodle
refuses outcomes without it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.lti.errors import LtiError
from elearn.lti.models import Consumer
from elearn.lti.nonces import use_nonce

TIMESTAMP_WINDOW = timedelta(minutes=5)
LAUNCH_TYPES = ("basic-lti-launch-request",)


@dataclass(frozen=True)
class Lti11Launch:
    consumer_id: int
    issuer: str  # "lti11:<consumer key>": the namespace of user and context ids
    user_id: str
    roles: tuple[str, ...]
    name: str
    email: str | None
    context_id: str | None
    context_title: str
    resource_link_id: str
    custom: dict[str, str] = field(default_factory=dict)
    outcome_url: str | None = None
    sourcedid: str | None = None


def _encode(value: str) -> str:
    return quote(value, safe="-._~")


def base_url(url: str) -> str:
    """The base string URI: lower-case scheme and host, no default port, no query or fragment."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else f"{host}:{port}"
    )
    return urlunsplit((scheme, netloc, parts.path or "/", "", ""))


def signature_base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """RFC 5849 3.4.1: method, base URI and the sorted, encoded parameters (query included)."""
    pairs = [(k, v) for k, v in params + parse_qsl(urlsplit(url).query, keep_blank_values=True)]
    encoded = sorted((_encode(k), _encode(v)) for k, v in pairs if k != "oauth_signature")
    normalized = "&".join(f"{k}={v}" for k, v in encoded)
    return "&".join(_encode(part) for part in (method.upper(), base_url(url), normalized))


def hmac_sha1(base_string: str, consumer_secret: str) -> str:
    key = f"{_encode(consumer_secret)}&".encode()
    return base64.b64encode(hmac.new(key, base_string.encode(), hashlib.sha1).digest()).decode()


def verify_request(
    session: Session, method: str, url: str, params: list[tuple[str, str]], now: datetime
) -> Consumer:
    """Check an OAuth1-signed request (``params``: body and header parameters, not the query)."""
    values = dict(params)
    consumer = session.scalar(
        select(Consumer).where(Consumer.consumer_key == values.get("oauth_consumer_key", ""))
    )
    if consumer is None:
        raise LtiError("The consumer key is not registered.", status=403)
    if values.get("oauth_signature_method") != "HMAC-SHA1":
        raise LtiError("Only HMAC-SHA1 signatures are accepted.")
    if values.get("oauth_version", "1.0") != "1.0":
        raise LtiError("Only OAuth 1.0 is accepted.")
    try:
        stamp = datetime.fromtimestamp(int(values.get("oauth_timestamp", "")), UTC)
    except ValueError as error:
        raise LtiError("The request has no valid oauth_timestamp.") from error
    if abs(now - stamp) > TIMESTAMP_WINDOW:
        raise LtiError(
            "The request's timestamp is too old or in the future (check clocks).", status=403
        )
    expected = hmac_sha1(signature_base_string(method, url, params), consumer.secret)
    if not hmac.compare_digest(expected, values.get("oauth_signature", "")):
        raise LtiError(
            "The OAuth signature does not verify with the consumer's secret.", status=403
        )
    use_nonce(
        session, f"lti11:{consumer.id}", values.get("oauth_nonce", ""), now + 2 * TIMESTAMP_WINDOW
    )
    return consumer


def validate_launch(
    session: Session, url: str, form: list[tuple[str, str]], now: datetime
) -> Lti11Launch:
    """Verify a basic-lti-launch-request POSTed to ``url`` and return its content."""
    consumer = verify_request(session, "POST", url, form, now)
    values = dict(form)
    if values.get("lti_message_type") not in LAUNCH_TYPES:
        raise LtiError(f"Message type {values.get('lti_message_type')!r} is not one we accept.")
    if values.get("lti_version") not in ("LTI-1p0", "LTI-1p2"):
        raise LtiError(f"LTI version {values.get('lti_version')!r} is not one we accept.")
    for required in ("resource_link_id", "user_id"):
        if not values.get(required):
            raise LtiError(f"The launch has no {required!r}.")
    given = " ".join(
        filter(None, [values.get("lis_person_name_given"), values.get("lis_person_name_family")])
    )
    return Lti11Launch(
        consumer_id=consumer.id,
        issuer=f"lti11:{consumer.consumer_key}",
        user_id=values["user_id"],
        roles=tuple(r for r in values.get("roles", "").split(",") if r.strip()),
        name=values.get("lis_person_name_full") or given,
        email=values.get("lis_person_contact_email_primary") or None,
        context_id=values.get("context_id") or None,
        context_title=values.get("context_title") or values.get("context_label") or "",
        resource_link_id=values["resource_link_id"],
        custom={k.removeprefix("custom_"): v for k, v in values.items() if k.startswith("custom_")},
        outcome_url=values.get("lis_outcome_service_url") or None,
        sourcedid=values.get("lis_result_sourcedid") or None,
    )


def replace_result_body(sourcedid: str, score: float, message_id: str) -> bytes:
    """The POX replaceResult request; ``score`` is the fraction 0..1 Moodle rescales."""
    text = f"{min(max(score, 0.0), 1.0):.6f}".rstrip("0").rstrip(".") or "0"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<imsx_POXEnvelopeRequest xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">'
        "<imsx_POXHeader><imsx_POXRequestHeaderInfo><imsx_version>V1.0</imsx_version>"
        f"<imsx_messageIdentifier>{escape(message_id)}</imsx_messageIdentifier>"
        "</imsx_POXRequestHeaderInfo></imsx_POXHeader>"
        "<imsx_POXBody><replaceResultRequest><resultRecord>"
        f"<sourcedGUID><sourcedId>{escape(sourcedid)}</sourcedId></sourcedGUID>"
        f"<result><resultScore><language>en</language><textString>{text}</textString></resultScore></result>"
        "</resultRecord></replaceResultRequest></imsx_POXBody></imsx_POXEnvelopeRequest>"
    ).encode()


def signed_outcome_headers(
    consumer: Consumer, url: str, body: bytes, now: datetime
) -> dict[str, str]:
    """Authorization (OAuth HMAC-SHA1 with oauth_body_hash) and Content-Type of an outcome POST."""
    oauth = {
        "oauth_body_hash": base64.b64encode(hashlib.sha1(body).digest()).decode(),
        "oauth_consumer_key": consumer.consumer_key,
        "oauth_nonce": secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(int(now.timestamp())),
        "oauth_version": "1.0",
    }
    oauth["oauth_signature"] = hmac_sha1(
        signature_base_string("POST", url, list(oauth.items())), consumer.secret
    )
    header = ", ".join(f'{k}="{_encode(v)}"' for k, v in oauth.items())
    return {"Authorization": f'OAuth realm="", {header}', "Content-Type": "application/xml"}


def outcome_succeeded(response_text: str) -> bool:
    """Whether a POX response says ``imsx_codeMajor`` success (no XML parser on foreign input)."""
    match = re.search(r"<(?:\w+:)?imsx_codeMajor>\s*(\w+)\s*</", response_text)
    return match is not None and match.group(1) == "success"
