"""Rate limits on the ways into an account: signing in, registering, asking for
a reset or a confirmation link, making an API token.

Each is limited per client address and, where an account is named, per
account: many addresses guessing one person's password are stopped too (a slow
lock-out that names no account: an address without one is locked the same).
The counts live in RATELIMIT_STORAGE_URI, which must be shared by every
process that answers (Redis in production, docs/deployment.md); the default,
the process's memory, is right only for one process (`make run`).

Every refusal is logged in one line (address, account, reason; never a password).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from booking import metrics
from booking.extensions import limiter
from booking.services.accounts import normalize_email

log = logging.getLogger("booking.security")

ACCOUNT_LOCKED = (_l("Bu hesap için giriş geçici olarak durduruldu"),
                  _l("Bu e-posta adresiyle kısa sürede çok fazla yanlış parola denendi. Hesabı "
                     "korumak için girişler %(minutes)d dakika durduruldu. Parolanızı "
                     "hatırlamıyorsanız “Parolamı unuttum” bağlantısıyla yenisini belirleyin."))


def warn_if_per_process(app: Any) -> None:
    """Counts kept in one process's memory are per gunicorn worker: with four
    workers, four times the limit gets through. Say so at start-up, outside
    development and tests (docs/deployment.md sets Redis)."""
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and not (app.debug or app.testing) \
            and app.config.get("RATELIMIT_ENABLED", True):
        log.warning("rate limits are counted in this process's memory (RATELIMIT_STORAGE_URI="
                    "memory://): with several workers each counts alone; set "
                    "RATELIMIT_STORAGE_URI=redis://… (docs/deployment.md)")


def named_account() -> str:
    """The account a request names (a form's or a JSON body's e-mail), normalised."""
    email = request.form.get("email") or request.form.get("user_email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return normalize_email(email if isinstance(email, str) else "")[:254]


# The refusals that are a rate limit's, as /metrics names them.
LIMIT_REASONS = {"address-limit": "ip", "account-limit": "account", "api-limit": "api"}


def refused(reason: str, account: str | None = None) -> None:
    """One log line per refused attempt (the metrics count the rate limits')."""
    log.warning("refused %s %s: reason=%s address=%s account=%s", request.method, request.path,
                reason, get_remote_address(), account if account is not None else named_account())
    if reason in LIMIT_REASONS:
        metrics.count_refusal(LIMIT_REASONS[reason])


FAILED = "booking.failed_attempt"  # kept on the request (``g`` can outlive one in tests)


def mark_failed() -> None:
    """The request was a failed attempt: it counts against the account's limit."""
    request.environ[FAILED] = True


def _failed(_response: Response) -> bool:
    return bool(request.environ.get(FAILED))


def _account_locked(limit: RequestLimit) -> Response:
    refused("account-limit")
    minutes = max(1, -(-(limit.reset_at - int(datetime.now(UTC).timestamp())) // 60))
    title, message = ACCOUNT_LOCKED
    text = str(message) % {"minutes": minutes}
    retry = {"Retry-After": str(minutes * 60)}
    if request.path.startswith("/api/"):
        from booking.api.errors import problem

        return problem(429, text, "rate-limited", headers=retry)
    page = render_template("errors/error.html", code=429, title=title, message=text)
    return Response(page, 429, retry, mimetype="text/html")


def _address_limited(_limit: RequestLimit) -> None:
    refused("address-limit")


def _setting(key: str) -> Callable[[], str]:
    return lambda: str(current_app.config[key])


ACCOUNT_LIMIT = "SIGN_IN_ACCOUNT_RATE_LIMIT"  # shared by the sign-in form and API tokens


def per_address(key: str) -> Callable[[Any], Any]:
    """The limit named by setting ``key``, counted per client address."""
    return limiter.limit(_setting(key), methods=["POST"], on_breach=_address_limited)


def per_account(key: str) -> Callable[[Any], Any]:
    """The limit named by setting ``key`` on failed attempts, counted per account."""
    return limiter.shared_limit(_setting(key), scope="account", methods=["POST"],
                                key_func=named_account, deduct_when=_failed,
                                on_breach=_account_locked)
