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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from booking.api.serialize import visible_booking_id
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
    "csrf": "A request authenticated by the browser session sent an unsafe method without a "
            "valid `X-CSRFToken` header.",
    "method-not-allowed": "The path exists but not with this method; `Allow` lists the methods "
                          "it accepts.",
    "body-too-large": "The body is larger than `API_MAX_BODY_BYTES` (default 1 MiB).",
    "unsupported-media-type": "A request body must be sent as `Content-Type: application/json` "
                              "(a body without a Content-Type is refused too).",
    "rate-limited": "Too many requests; wait and retry.",
    "data-conflict": "The change clashes with data stored meanwhile; reload and retry.",
    "unavailable": "The database is busy or unreachable; retry shortly.",
    "internal-error": "An unexpected error on the server; it has been logged.",
    "http-error": "Any other HTTP error; `status` and `title` say which.",
}
# The problem type of an HTTP error that no handler chose one for.
STATUS_KINDS = {400: "malformed-request", 401: "unauthorized", 403: "forbidden",
                404: "not-found", 405: "method-not-allowed", 409: "data-conflict",
                413: "body-too-large", 415: "unsupported-media-type", 422: "validation",
                429: "rate-limited", 500: "internal-error", 503: "unavailable"}


class ApiProblem(Exception):
    """An error answer chosen by a handler: status, problem type and detail."""

    def __init__(self, status: int, kind: str, detail: Any, **members: Any) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.members = status, kind, detail, members


class Malformed(ApiProblem):
    def __init__(self, detail: Any) -> None:
        super().__init__(400, "malformed-request", detail)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def type_uri(kind: str | None) -> str:
    """An absolute URI per problem type, pointing at its entry in the reference page."""
    if kind is None:
        return "about:blank"
    return f"{request.host_url.rstrip('/')}/api/v1/docs#problem-{kind}"


def kind_of(status: int) -> str:
    return STATUS_KINDS.get(status, "http-error")


def problem(status: int, detail: Any, kind: str | None = None, title: str | None = None,
            headers: dict[str, str] | None = None, **members: Any) -> Response:
    """Build a problem+json response (``detail`` may be a lazily translated string)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {"type": type_uri(kind or kind_of(status)), "title": title or phrase,
            "status": status, "detail": str(detail), "instance": request.path, **members}
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


def _limit(ctx: dict[str, Any], key: str) -> str:
    value: Any = ctx.get(key)
    return str(value.isoformat() if hasattr(value, "isoformat") else value)


def validation_message(error: Any) -> str:
    """One pydantic error in the interface language. The types this API's
    models produce have Turkish msgids; a rarer one keeps pydantic's English."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("Bu alan gerekli.")
    if kind == "extra_forbidden":
        return _("Bilinmeyen alan.")
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return _("Bir tam sayı girin.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Doğru ya da yanlış olmalı.")
    if kind in ("string_type", "string_unicode", "string_sub_type"):
        return _("Metin olmalı.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Bir liste olmalı.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Bir JSON nesnesi olmalı.")
    if kind == "greater_than_equal":
        return _("En az %(limit)s olmalı.", limit=_limit(ctx, "ge"))
    if kind == "less_than_equal":
        return _("En fazla %(limit)s olmalı.", limit=_limit(ctx, "le"))
    if kind == "greater_than":
        return _("%(limit)s değerinden büyük olmalı.", limit=_limit(ctx, "gt"))
    if kind == "less_than":
        return _("%(limit)s değerinden küçük olmalı.", limit=_limit(ctx, "lt"))
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("Boş bırakılamaz.")
        return _("En az %(n)s karakter olmalı.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("En fazla %(n)s karakter olabilir.", n=ctx.get("max_length"))
    if kind == "too_long":
        return _("En fazla %(n)s öğe olabilir.", n=ctx.get("max_length"))
    if kind == "too_short":
        return _("En az %(n)s öğe olmalı.", n=ctx.get("min_length"))
    if kind in ("enum", "literal_error"):
        return _("Geçerli değerler: %(values)s", values=_alternatives(str(ctx.get("expected", ""))))
    if kind == "string_pattern_mismatch":
        return _("Biçimi geçersiz.")
    if kind.startswith("datetime_"):
        return _("RFC 3339 biçiminde geçerli bir tarih ve saat girin (ör. 2026-12-01T18:00).")
    if kind.startswith("date_"):
        return _("Geçerli bir tarih girin.")
    if kind in ("float_type", "float_parsing", "finite_number"):
        return _("Bir sayı girin.")
    if kind == "email_format":
        return _("Geçerli bir e-posta adresi girin.")
    if kind == "nul_character":
        return _("NUL karakteri içeremez.")
    if kind == "year_range":
        return _("Yıl %(low)s ile %(high)s arasında olmalı.", low=ctx.get("low"),
                 high=ctx.get("high"))
    return str(error["msg"])


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``{field, message}``, the field a dotted path."""
    return [{"field": ".".join(str(part) for part in error["loc"]) or "body",
             "message": validation_message(error)}
            for error in exc.errors(include_url=False, include_input=False)]


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the answer still goes out
        log.exception("rollback failed")


def _conflict(exc: BookingConflict) -> Response:
    """A taken slot. A conflicting booking's id is named only to a caller who may
    see that booking (the rule of availability's busy times), else it would leak."""
    viewer = getattr(g, "api_user", None)
    conflicts = []
    for c in exc.conflicts:
        item: dict[str, Any] = {"start": _iso(c.start), "end": _iso(c.end), "kind": c.kind}
        booking_id = visible_booking_id(viewer, c.booking_id)
        if booking_id is not None:
            item["booking_id"] = booking_id
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
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, _("Girdi geçersiz: %(errors)s", errors=summary), "validation",
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
        return problem(409, _("Değişiklik, bu arada kaydedilen verilerle çakışıyor; yeniden "
                                "yükleyip deneyin."), "data-conflict", title="Conflict")
    if isinstance(exc, DataError):
        log.warning("data error under the API: %s", exc.orig)
        return problem(422, _("Bir değer veritabanının kabul ettiği aralığın dışında."),
                       "validation", title="Invalid input", errors=[])
    log.exception("database unavailable under the API")
    return problem(503, _("Veritabanı meşgul ya da erişilemiyor; biraz sonra yeniden deneyin."),
                   "unavailable", headers={"Retry-After": "5"})


def _rate_limit_detail(exc: HTTPException) -> str:
    item = getattr(getattr(exc, "limit", None), "limit", None)
    try:
        amount, seconds = item.amount, item.get_expiry()  # type: ignore[union-attr]
    except AttributeError:
        return _("Çok fazla istek; biraz bekleyip yeniden deneyin.")
    return _("Çok fazla istek: bu adresten %(seconds)s saniyede en fazla %(amount)s istek kabul "
             "edilir. Biraz bekleyip yeniden deneyin.", seconds=seconds, amount=amount)


def http_detail(status: int, exc: HTTPException | None = None) -> str:
    """The detail of an HTTP error, in the interface language."""
    if isinstance(exc, CSRFError):
        return _("CSRF anahtarı eksik ya da geçersiz: oturum çereziyle yapılan isteklerde "
                 "sayfanın anahtarını X-CSRFToken başlığında gönderin.")
    if status == 429:
        return _rate_limit_detail(exc) if exc is not None else \
            _("Çok fazla istek; biraz bekleyip yeniden deneyin.")
    details = {
        400: _l("İstek bozuk."),
        401: _l("Giriş yapın ya da bir API anahtarı gönderin."),
        403: _l("Bu işlem için yetkiniz yok."),
        404: _l("Böyle bir adres ya da kayıt yok."),
        405: _l("Bu adres bu yöntemi kabul etmiyor; kabul ettikleri Allow başlığında."),
        413: _l("İstek gövdesi izin verilenden büyük (en fazla %(limit)s bayt).",
                limit=current_app.config.get("API_MAX_BODY_BYTES", 1024 * 1024)),
        415: _l("Gövdeyi application/json olarak gönderin (Content-Type başlığıyla)."),
        500: _l("Beklenmeyen bir hata oluştu; kaydedildi."),
        503: _l("Hizmet şu anda kullanılamıyor; biraz sonra yeniden deneyin."),
    }
    if status in details:
        return str(details[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def handle_http(exc: HTTPException) -> Response | HTTPException:
    """Flask's and the extensions' HTTP errors: problems under /api/, untouched elsewhere."""
    if not is_api_request():
        return exc
    status = exc.code or 500
    if status >= 500:
        _rollback()
    kind = "csrf" if isinstance(exc, CSRFError) else kind_of(status)
    headers = {key: value for key, value in exc.get_headers() if key.lower() in
               ("allow", "retry-after", "www-authenticate")}
    if status == 429:
        headers.setdefault("Retry-After", "60")
    return problem(status, http_detail(status, exc), kind, headers=headers)


def ensure_problem(response: Response) -> Response:
    """A safety net: an error answer under /api/ that some other handler built
    (an HTML 404 page, say) is replaced by the matching problem."""
    if (response.status_code >= 400 and is_api_request()
            and response.mimetype != PROBLEM_JSON):
        replacement = problem(response.status_code, http_detail(response.status_code))
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
    for refusal in (IntegrityError, DataError, OperationalError):
        bp.register_error_handler(refusal, handle_database)


def _alternatives(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" with the reader's word for "or"."""
    head, separator, last = expected.rpartition(" or ")
    if not separator:
        return expected
    return _("%(values)s veya %(last)s", values=head, last=last)
