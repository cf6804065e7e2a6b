"""Cross-cutting web behaviour: CSRF on every form, security headers, error pages."""

from __future__ import annotations

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # pages carry the signed-in user and results; only what a view marks public may be kept by shared caches
    response.headers.setdefault("Cache-Control", "private")
    return response


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = "The form expired or did not come from this site. Reload the page and try again."
    return render_template("error.html", code=400, message=message), 400


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    return render_template("error.html", code=error.code, message=error.description), error.code
