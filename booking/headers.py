"""Security and caching headers on every answer (SPEC §13): pages, the API, the
feeds and the static files, set in one place by one ``after_request`` hook.

Every answer: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: same-origin`` and a Content-Security-Policy; with an https
``BASE_URL`` also ``Strict-Transport-Security`` (the cookies are then Secure:
``booking/config.py``).

- HTML pages get ``PAGE_POLICY``: scripts, styles and everything else only from
  the site itself, no inline script, no inline style, no frames, forms only to
  the site. The templates have no ``<script>`` body, ``style=""`` or ``on…=``
  handler: their behaviour is in ``static/app.js``, their looks in ``static/*.css``.
- Everything else (JSON, calendar feeds, CSV, CSS and JS files) gets
  ``OTHER_POLICY``, which lets nothing load: calendar clients ignore it, and a
  browser opening such an answer runs nothing from it.

Caching, one rule: an answer that sets no ``Cache-Control`` of its own gets
``Cache-Control: no-store`` when the caller is signed in (a session or an API
token) or the request changes something (not GET/HEAD/OPTIONS). Answers with
their own caching keep it: the feeds (public 5 minutes, private revalidated),
the static files, the CSV downloads. Public pages and API answers to anonymous
callers are left as they are.

Answers that do not depend on the cookie (the calendar feeds: public, or
opened by the token in their URL) call ``cookie_free()``: the session is then
neither saved nor named in ``Vary``. Flask-Login looks into the session after
every request, and Flask answers a session looked into with ``Vary: Cookie``,
which would make shared caches keep one copy of a public feed per visitor.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from booking.config import uses_https

PAGE_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COOKIE_FREE = "booking.cookie_free"


def _signed_in() -> bool:
    """Whether the answer is for a signed-in caller, without a database query:
    the API's caller, else Flask-Login's user when the request loaded it, else
    whether the session names a user."""
    if g.get("api_user") is not None:
        return True
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    policy = PAGE_POLICY if response.mimetype == "text/html" else OTHER_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    if uses_https(current_app.config):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if "Cache-Control" not in headers and (request.method not in SAFE_METHODS or _signed_in()):
        headers["Cache-Control"] = "no-store"
    return response


def cookie_free() -> None:
    """This answer is the same whatever the cookie: no ``Vary: Cookie``, no
    ``Set-Cookie``. Kept in the request's environ, not ``g``: the app context
    (and ``g``) can outlive one request."""
    request.environ[COOKIE_FREE] = True


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, left out of ``cookie_free`` answers."""

    def save_session(self, app: Flask, session: SessionMixin, response: Any) -> None:
        if request.environ.get(COOKIE_FREE):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    # First in the list, so it runs last (Flask runs them in reverse): an answer
    # that another hook replaces (the API's problem safety net) still gets them.
    app.after_request_funcs.setdefault(None, []).insert(0, add_headers)
