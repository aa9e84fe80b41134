"""Small helpers shared by the HTML blueprints: role guards, the clock, safe
redirects and mapping the services' field errors onto WTForms fields."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, request
from flask_login import current_user
from flask_wtf import FlaskForm

from booking.database import run_in_transaction
from booking.extensions import db, login_manager
from booking.models import utcnow
from booking.services.errors import BookingConflict, DomainError, FieldError, RuleViolation, first_message

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Page(Generic[T]):
    """One page of a list that is sorted in Python (Turkish order) before paging."""

    items: list[T]
    number: int
    pages: int
    total: int


def page_of_list(rows: list[T], per_page: int) -> Page[T]:
    """The page ``?page=`` asks for; a page past the end shows the last one and
    anything that is not a positive number the first."""
    pages = max(1, -(-len(rows) // per_page))
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    first = (number - 1) * per_page
    return Page(rows[first:first + per_page], number, pages, len(rows))


def now() -> datetime:
    """The current instant; views pass it to the services."""
    return utcnow()


def _guard(allowed: Callable[[Any], bool]) -> Callable[[F], F]:
    """Anonymous visitors are sent to the sign-in page; signed-in users without
    the role get a 404, so a page's existence is not revealed."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(404)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


signed_in = _guard(lambda user: True)
staff_required = _guard(lambda user: user.is_staff)
admin_required = _guard(lambda user: user.is_admin)


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    if target.startswith("//") or target.startswith("/\\") or "\\" in target:
        return None
    return target


def apply_errors(
    form: FlaskForm, errors: Iterable[FieldError], aliases: Mapping[str, str] | None = None
) -> list[str]:
    """Attach each service error to the form field it names; return the rest
    (errors about no field of this form) as messages for the top of the form."""
    aliases = aliases or {}
    general: list[str] = []
    for error in errors:
        name = aliases.get(error.field, error.field)
        field = form._fields.get(name)
        if field is None:
            general.append(str(error.message))
            continue
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(str(error.message))
    return general


@dataclass
class Submitted(Generic[T]):
    """What became of a form sent to a service: ``done`` with its ``result``, or
    the messages for the top of the form (and the conflict, if that was it)."""

    done: bool = False
    result: T | None = None
    general: list[str] = field(default_factory=list)
    conflict: BookingConflict | None = None


def submit(form: FlaskForm, work: Callable[[], T],
           aliases: Mapping[str, str] | None = None) -> Submitted[T]:
    """Run ``work`` (a service call) in one transaction. A broken rule lands on
    the form field it names (``aliases`` maps service fields to form fields),
    any other domain error above the form; nothing is written then."""
    try:
        return Submitted(done=True, result=run_in_transaction(db.session(), work))
    except RuleViolation as exc:
        return Submitted(general=apply_errors(form, exc.errors, aliases))
    except BookingConflict as exc:
        return Submitted(general=[str(exc.message)], conflict=exc)
    except DomainError as exc:
        return Submitted(general=[str(exc.message)])


def base_url() -> str:
    """The public address of the site (for links that leave the browser: feeds, e-mail)."""
    configured = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return configured or request.host_url.rstrip("/")


def act(work: Callable[[], T], done: Callable[[T], str]) -> bool:
    """A one-button action (approve, reject, cancel, record, import): run the
    service call, commit and flash ``done(result)``; or roll back and flash why
    not (a broken rule's own message). True when it was done."""
    try:
        result = run_in_transaction(db.session(), work)
    except DomainError as exc:
        flash(str(first_message(exc)), "error")
        return False
    flash(done(result), "ok")
    return True


def flash_form_errors(form: FlaskForm, prefix: str) -> None:
    """A one-button form that failed its own checks (a reason too long, an
    expired page) says so at the top instead of coming back as if nothing
    happened: "İptal edilmedi. Gerekçe: Alan 2000 karakterden uzun olamaz."."""
    for item in form:
        for message in item.errors:
            flash(f"{prefix} {item.label.text}: {message}", "error")
