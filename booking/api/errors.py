"""RFC 9457 problem details for every error under ``/api/``.

Domain exceptions, validation failures, HTTP errors raised by Flask or its
extensions (404, 405, 413, 429, CSRF), database refusals and unexpected
exceptions all leave the API as ``application/problem+json`` with ``type``,
``title``, ``status`` and ``detail``; a 422 adds ``errors``, a 409 from the
booking engine adds ``conflicts`` and ``suggestions``.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, g, request
from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from booking.extensions import db
from booking.services.errors import (
    BookingConflict,
    FieldError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    RuleViolation,
)

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
log = logging.getLogger(__name__)

# Problem types this API defines; each has an anchor on the reference page.
PROBLEM_TYPES = {
    "validation": "The input breaks a rule; `errors` lists each field and why.",
    "conflict": "The room is taken or closed then; `conflicts` says by what, `suggestions` "
                "offers the nearest free slots.",
    "invalid-transition": "The booking's status may not move that way.",
    "not-found": "No such object, or the caller may not see it.",
    "forbidden": "The caller is known but may not do this.",
    "unauthorized": "Sign in or send a valid `Authorization: Bearer` token.",
    "malformed-request": "The body is not well-formed JSON (or not UTF-8).",
    "rate-limited": "Too many requests; wait and retry.",
    "data-conflict": "The change clashes with data stored meanwhile; reload and retry.",
    "unavailable": "The database is busy or unreachable; retry shortly.",
}


class ApiProblem(Exception):
    """An error answer chosen by a handler: status, problem type and detail."""

    def __init__(self, status: int, kind: str, detail: str, **members: Any) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.members = status, kind, detail, members


class Malformed(ApiProblem):
    def __init__(self, detail: str) -> None:
        super().__init__(400, "malformed-request", detail)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def type_uri(kind: str | None) -> str:
    """An absolute URI per problem type, pointing at its entry in the reference page."""
    if kind is None:
        return "about:blank"
    return f"{request.host_url.rstrip('/')}/api/v1/docs#problem-{kind}"


def problem(status: int, detail: str, kind: str | None = None, title: str | None = None,
            headers: dict[str, str] | None = None, **members: Any) -> Response:
    """Build a problem+json response."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {"type": type_uri(kind), "title": title or phrase, "status": status,
            "detail": detail, "instance": request.path, **members}
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, default=str), status=status, mimetype=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _iso(value: datetime) -> str:
    tz = getattr(g, "api_tz", None)
    return (value.astimezone(tz) if tz else value).isoformat()


def field_errors(errors: list[FieldError]) -> list[dict[str, str]]:
    return [error.as_dict() for error in errors]


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``{field, message}``, the field a dotted path."""
    result = []
    for error in exc.errors(include_url=False, include_input=False):
        location = [str(part) for part in error["loc"]]
        if error["type"] == "missing" and location:
            message = "This field is required."
        elif error["type"] == "extra_forbidden":
            message = "Unknown field."
        else:
            message = error["msg"]
        result.append({"field": ".".join(location) or "body", "message": message})
    return result


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the answer still goes out
        log.exception("rollback failed")


def _conflict(exc: BookingConflict) -> Response:
    conflicts = []
    for c in exc.conflicts:
        item: dict[str, Any] = {"start": _iso(c.start), "end": _iso(c.end), "kind": c.kind}
        if c.booking_id is not None:
            item["booking_id"] = c.booking_id
        if c.room_id is not None:
            item["room_id"] = c.room_id
        conflicts.append(item)
    suggestions = [{"room_id": s.room_id, "start": _iso(s.start), "end": _iso(s.end)}
                   for s in exc.suggestions]
    return problem(409, str(exc.message), "conflict", title="Booking conflict",
                   conflicts=conflicts, suggestions=suggestions)


def handle_domain(exc: Exception) -> Response:
    """Map the booking engine's exceptions (and the API's own) to problems."""
    _rollback()
    if isinstance(exc, ApiProblem):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(exc.status, exc.detail, exc.kind, headers=headers, **exc.members)
    if isinstance(exc, ValidationError):
        errors = validation_errors(exc)
        return problem(422, "The input is not valid: " + "; ".join(
            f"{e['field']}: {e['message']}" for e in errors[:5]), "validation",
            title="Invalid input", errors=errors)
    if isinstance(exc, RuleViolation):
        return problem(422, str(exc), "validation", title="Invalid input",
                       errors=field_errors(exc.errors))
    if isinstance(exc, BookingConflict):
        return _conflict(exc)
    if isinstance(exc, InvalidTransition):
        return problem(409, str(exc.message), "invalid-transition", title="Invalid status change")
    if isinstance(exc, NotFound):
        return problem(404, str(exc.message), "not-found")
    if isinstance(exc, NotAllowed):
        if getattr(g, "api_user", None) is None:
            return problem(401, str(exc.message), "unauthorized",
                           headers={"WWW-Authenticate": "Bearer"})
        return problem(403, str(exc.message), "forbidden")
    raise exc


def handle_database(exc: Exception) -> Response:
    """Refusals the validation did not foresee: never a 500 for the caller's input."""
    _rollback()
    if isinstance(exc, IntegrityError):
        log.warning("integrity error under the API: %s", exc.orig)
        return problem(409, "The change clashes with data stored meanwhile.", "data-conflict",
                       title="Conflict")
    if isinstance(exc, DataError):
        log.warning("data error under the API: %s", exc.orig)
        return problem(422, "A value is out of the range the database accepts.", "validation",
                       title="Invalid input", errors=[])
    log.exception("database unavailable under the API")
    return problem(503, "The database is busy or unreachable; retry shortly.", "unavailable",
                   headers={"Retry-After": "5"})


def handle_http(exc: HTTPException) -> Response | HTTPException:
    """Flask's and the extensions' HTTP errors: problems under /api/, untouched elsewhere."""
    if not is_api_request():
        return exc
    status = exc.code or 500
    if status >= 500:
        _rollback()
    detail = exc.description or HTTPStatus(status).phrase
    if status == 500:
        detail = "An unexpected error occurred; it has been logged."
    kind = {401: "unauthorized", 404: "not-found", 429: "rate-limited"}.get(status)
    headers = {key: value for key, value in exc.get_headers() if key.lower() in
               ("allow", "retry-after", "www-authenticate")}
    if status == 429:
        headers.setdefault("Retry-After", "60")
    return problem(status, str(detail), kind, headers=headers)


def ensure_problem(response: Response) -> Response:
    """A safety net: an error answer under /api/ that some other handler built
    (an HTML 404 page, say) is replaced by the matching problem."""
    if (response.status_code >= 400 and is_api_request()
            and response.mimetype != PROBLEM_JSON):
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = "Error"
        replacement = problem(response.status_code, phrase)
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):
            if name in response.headers:
                replacement.headers[name] = response.headers[name]
        return replacement
    return response


def init_app(app: Flask) -> None:
    """App-wide parts: routing errors (404/405) happen before any blueprint is chosen."""
    app.register_error_handler(HTTPException, handle_http)
    app.after_request(ensure_problem)


def register(bp: Any) -> None:
    """Blueprint parts: the domain's exceptions and the database's refusals."""
    for exc_type in (ApiProblem, ValidationError, RuleViolation, BookingConflict,
                     InvalidTransition, NotFound, NotAllowed):
        bp.register_error_handler(exc_type, handle_domain)
    for exc_type in (IntegrityError, DataError, OperationalError):
        bp.register_error_handler(exc_type, handle_database)
