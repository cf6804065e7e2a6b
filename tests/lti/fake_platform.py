"""A Moodle stand-in on 127.0.0.1: its own RSA keys and JWKS, a token endpoint that verifies
our client assertion, AGS score and NRPS endpoints, LTI 1.1 outcomes and dynamic registration.

Real HTTP (a thread running ``http.server``) and real cryptography; behaviour follows Moodle
4.x (token.php, services.php, certs.php, openid-configuration.php).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature as oauth_signature

from elearn.lti import claims as c

CLIENT_ID = "moodle-made-client-id"
DEPLOYMENT_ID = "7"


_POOL: list[rsa.RSAPrivateKey] = []
_USES = itertools.count()


def _private_key() -> rsa.RSAPrivateKey:
    """One of four RSA keys made once per run, in turn: consecutive keys always differ."""
    index = next(_USES) % 4
    if len(_POOL) <= index:
        _POOL.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _POOL[index]


class PlatformKey:
    def __init__(self) -> None:
        self.private = _private_key()
        self.kid = secrets.token_hex(8)

    def jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return jwk


class FakePlatform:
    """One Moodle site. ``answers`` queues HTTP statuses for the score/outcome endpoints."""

    def __init__(self) -> None:
        self.keys = [PlatformKey()]
        self.tool_jwks: dict[str, Any] = {"keys": []}  # the tool's key set, to verify assertions
        self.consumer_secret = "shared-secret-of-the-1.1-consumer"
        self.answers: deque[int] = deque()
        self.jwks_fetches = 0
        self.token_requests: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.outcomes: list[str] = []
        self.registrations: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.tokens: set[str] = set()
        self.config_issuer: str | None = None  # a configuration claiming another issuer
        self.server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    # -- lifecycle: stop() makes the site unreachable, start() brings it back on the same port
    def start(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return self.url

    def lineitem(self, number: int = 5) -> str:
        return f"{self.url}/mod/lti/services.php/2/lineitems/{number}/lineitem?type_id=1"

    # -- what the platform signs
    def rotate(self) -> PlatformKey:
        self.keys.insert(0, PlatformKey())
        return self.keys[0]

    def id_token(
        self,
        nonce: str,
        overrides: dict[str, Any] | None = None,
        key: PlatformKey | None = None,
        drop: tuple[str, ...] = (),
    ) -> str:
        """A resource link launch for a learner, as Moodle sends it; ``overrides`` change claims."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "42",
            "iat": now,
            "exp": now + 60,
            "nonce": nonce,
            "name": "Ada Student",
            "email": "ada@example.org",
            c.DEPLOYMENT_ID: DEPLOYMENT_ID,
            c.MESSAGE_TYPE: c.RESOURCE_LINK_REQUEST,
            c.VERSION: "1.3.0",
            c.TARGET_LINK_URI: "http://localhost/lti/launch",
            c.RESOURCE_LINK: {"id": "11", "title": "Bragg quiz"},
            c.ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            c.CONTEXT: {"id": "3", "label": "NS101", "title": "Neutron scattering 101"},
            c.AGS_ENDPOINT: {
                "scope": [c.SCOPE_LINEITEM, c.SCOPE_RESULT, c.SCOPE_SCORE],
                "lineitems": f"{self.url}/mod/lti/services.php/2/lineitems?type_id=1",
                "lineitem": self.lineitem(),
            },
            c.NRPS: {
                "context_memberships_url": f"{self.url}/mod/lti/services.php/CourseSection/2"
                "/bindings/1/memberships",
                "service_versions": ["1.0", "2.0"],
            },
        }
        claims.update(overrides or {})
        for name in drop:
            claims.pop(name, None)
        signer = key or self.keys[0]
        return jwt.encode(claims, signer.private, algorithm="RS256", headers={"kid": signer.kid})

    # -- what the handlers check
    def verify_assertion(self, assertion: str) -> dict[str, Any]:
        kid = jwt.get_unverified_header(assertion)["kid"]
        key = next(k for k in self.tool_jwks["keys"] if k["kid"] == kid)
        return jwt.decode(
            assertion,
            jwt.PyJWK(key),
            algorithms=["RS256"],
            audience=f"{self.url}/mod/lti/token.php",
        )

    def verify_outcome(self, url: str, headers: dict[str, str], body: bytes) -> bool:
        """Check the OAuth header and body hash with oauthlib (an implementation not ours)."""
        params = oauth_signature.collect_parameters(
            headers={"Authorization": headers["Authorization"]}, exclude_oauth_signature=False
        )
        given = dict(params)
        if given.get("oauth_body_hash") != base64.b64encode(hashlib.sha1(body).digest()).decode():
            return False
        normalized = oauth_signature.normalize_parameters(
            [(k, v) for k, v in params if k != "oauth_signature"]
        )
        base = oauth_signature.signature_base_string(
            "POST", oauth_signature.base_string_uri(url), normalized
        )
        client = Client(given["oauth_consumer_key"], client_secret=self.consumer_secret)
        expected = oauth_signature.sign_hmac_sha1_with_client(base, client)
        return bool(given.get("oauth_signature") == expected)


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(
            self, status: int, body: Any = None, headers: dict[str, str] | None = None
        ) -> None:
            data = (
                json.dumps(body).encode()
                if body is not None and not isinstance(body, bytes)
                else (body or b"")
            )
            self.send_response(status)
            for name, value in (headers or {"Content-Type": "application/json"}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _bearer_ok(self) -> bool:
            return self.headers.get("Authorization", "").removeprefix("Bearer ") in platform.tokens

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/mod/lti/certs.php":
                platform.jwks_fetches += 1
                return self._send(200, {"keys": [k.jwk() for k in platform.keys]})
            if path == "/mod/lti/openid-configuration.php":
                return self._send(200, _openid_configuration(platform))
            if path.endswith("/memberships"):
                if not self._bearer_ok():
                    return self._send(401, {"error": "invalid token"})
                page = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
                members = platform.members[(page - 1) * 2 : page * 2]
                headers = {
                    "Content-Type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
                }
                if page * 2 < len(platform.members):
                    headers["Link"] = f'<{platform.url}{path}?page={page + 1}>; rel="next"'
                return self._send(
                    200, json.dumps({"id": path, "members": members}).encode(), headers
                )
            return self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            if path == "/mod/lti/token.php":
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                platform.token_requests.append(form)
                try:
                    claims = platform.verify_assertion(form["client_assertion"])
                except (jwt.InvalidTokenError, StopIteration, KeyError):
                    return self._send(400, {"error": "invalid_client"})
                if claims["sub"] != CLIENT_ID or form.get("grant_type") != "client_credentials":
                    return self._send(400, {"error": "invalid_client"})
                token = secrets.token_hex(16)
                platform.tokens.add(token)
                return self._send(
                    200,
                    {
                        "access_token": token,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "scope": form["scope"],
                    },
                )
            if path.endswith("/lineitem/scores"):
                if platform.answers:
                    status = platform.answers.popleft()
                    if status != 200:
                        return self._send(status, {"error": f"answered {status}"})
                if not self._bearer_ok():
                    return self._send(401, {"error": "invalid token"})
                if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                    return self._send(400, {"error": "content type"})
                platform.scores.append({"path": self.path, **json.loads(body)})
                return self._send(200, {})
            if path == "/mod/lti/service.php":
                if platform.answers and platform.answers[0] != 200:
                    return self._send(
                        platform.answers.popleft(), b"down", {"Content-Type": "text/plain"}
                    )
                url = f"{platform.url}{self.path}"
                ok = platform.verify_outcome(url, dict(self.headers), body)
                platform.outcomes.append(body.decode() if ok else "BAD SIGNATURE")
                code = "success" if ok else "failure"
                xml = (
                    f"<imsx_POXEnvelopeResponse><imsx_codeMajor>{code}</imsx_codeMajor>"
                    "</imsx_POXEnvelopeResponse>"
                )
                return self._send(200, xml.encode(), {"Content-Type": "application/xml"})
            if path == "/mod/lti/openid-registration.php":
                if self.headers.get("Authorization") != "Bearer registration-token":
                    return self._send(401, {"error": "bad token"})
                registration = json.loads(body)
                platform.registrations.append(registration)
                return self._send(
                    200,
                    {
                        **registration,
                        "client_id": CLIENT_ID,
                        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                            **registration[
                                "https://purl.imsglobal.org/spec/lti-tool-configuration"
                            ],
                            "deployment_id": DEPLOYMENT_ID,
                        },
                    },
                )
            return self._send(404, {"error": "not found"})

    return Handler


def _openid_configuration(platform: FakePlatform) -> dict[str, Any]:
    base = platform.url
    return {
        "issuer": platform.config_issuer or base,
        "token_endpoint": f"{base}/mod/lti/token.php",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "jwks_uri": f"{base}/mod/lti/certs.php",
        "authorization_endpoint": f"{base}/mod/lti/auth.php",
        "registration_endpoint": f"{base}/mod/lti/openid-registration.php",
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "moodle",
            "version": "4.3",
        },
    }
