"""Who is calling: a bearer token or the browser session, and token endpoints.

``Authorization: Bearer …`` requests are not subject to CSRF (a browser never
adds that header by itself); requests authenticated by the session cookie are,
for every unsafe method, exactly like the HTML forms.
"""
from __future__ import annotations

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from booking.api import schemas as s
from booking.api import serialize
from booking.api.errors import ApiProblem
from booking.api.registry import bp, operation, reply, write
from booking.extensions import csrf, db
from booking.limits import mark_failed, refused
from booking.models import User, utcnow
from booking.services import accounts, confirmation, tokens

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
DEFAULT_AUTH_RATE_LIMIT = "10 per minute"


def auth_rate_limit() -> str:
    """Token creation and registration: per client address (config API_AUTH_RATE_LIMIT)."""
    return current_app.config.get("API_AUTH_RATE_LIMIT", DEFAULT_AUTH_RATE_LIMIT)


def _unauthorized(detail: object) -> ApiProblem:
    return ApiProblem(401, "unauthorized", detail)


@bp.before_request
def identify_caller() -> None:
    """Set ``g.api_user`` (None when anonymous) and ``g.api_auth``."""
    g.api_user, g.api_auth = None, None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise _unauthorized(_("Anahtarı `Authorization: Bearer <anahtar>` başlığıyla gönderin."))
        user, refreshed = tokens.authenticate(db.session(), secret.strip(), utcnow())
        if user is None:
            db.session.rollback()
            refused("unknown-or-revoked-token", "")
            raise _unauthorized(_("API anahtarı bilinmiyor ya da iptal edilmiş."))
        if refreshed:
            db.session.commit()  # last_used_at, whatever the handler does next
        g.api_user, g.api_auth = user, "bearer"
        # Flask-Login's current user for this request only (no session cookie is
        # written), so the user's language setting chooses the messages' language.
        g._login_user = user
        return
    if getattr(current_user, "is_authenticated", False):
        g.api_user, g.api_auth = current_user._get_current_object(), "session"
        if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()


@bp.teardown_request
def forget_caller(_exc: BaseException | None) -> None:
    """Forget the caller: ``g`` outlives the request when an application context
    was already active (the CLI, tests), and neither a token's user nor the
    language chosen for them may carry over to the next request."""
    if g.pop("api_auth", None) == "bearer":
        g.pop("_login_user", None)
    g.pop("api_user", None)
    g.pop("api_room", None)
    g.pop("_flask_babel", None)


def actor() -> User | None:
    return g.get("api_user")


def require_user() -> User:
    """The signed-in caller, or a 401."""
    user = actor()
    if user is None:
        raise _unauthorized(_("Giriş yapın ya da bir API anahtarı gönderin."))
    return user


def require_admin() -> User:
    user = require_user()
    if not user.is_admin:
        raise ApiProblem(403, "forbidden", _("Bu işlemi yalnızca yöneticiler yapabilir."))
    return user


@operation("POST", "/auth/tokens", summary="Create an API token", tag="Authentication",
           access="anyone with an account's e-mail and password", status=201,
           response=s.TokenCreated, body=s.TokenCreate, errors=(401, 403, 422, 429),
           rate_limit=auth_rate_limit, account_limit=True)
def create_token(body: s.TokenCreate) -> Response:
    """Exchange an e-mail and password for a bearer token. The token is shown
    once; only its SHA-256 hash is stored. Rate limited per client address,
    and failed attempts per account (with the sign-in form's)."""
    user = accounts.authenticate(db.session(), body.email, body.password)
    if user is None:
        db.session.rollback()
        mark_failed()
        refused("wrong-password", accounts.normalize_email(body.email))
        raise _unauthorized(_("E-posta adresi ya da parola yanlış."))
    if confirmation.needs_confirmation(user):
        db.session.rollback()
        raise ApiProblem(403, "forbidden", _("E-posta adresiniz henüz doğrulanmadı. Kayıt "
                                             "olduğunuzda gönderdiğimiz bağlantıyı açın."))
    now = utcnow()
    issued = write(lambda: tokens.create_token(db.session(), user, body.name, now))
    t = issued.token
    return reply(s.TokenCreated(id=t.id, token=issued.secret, name=t.name, prefix=t.prefix,
                                created_at=t.created_at.astimezone(serialize.default_tz())), 201)


@operation("GET", "/auth/tokens", summary="List my API tokens", tag="Authentication",
           access="signed in", response=s.TokenList, errors=(401,))
def list_tokens() -> Response:
    """The caller's tokens, newest first (never the secrets)."""
    user = require_user()
    return reply(s.TokenList(items=[serialize.token(t) for t in tokens.list_tokens(db.session(), user)]))


@operation("DELETE", "/auth/tokens/{token_id}", summary="Revoke an API token",
           tag="Authentication", access="the token's owner", status=204, errors=(401, 404))
def revoke_token(token_id: int) -> Response:
    """Revoke one of the caller's tokens; requests with it then answer 401.
    Another user's token answers 404."""
    user = require_user()
    write(lambda: tokens.revoke_token(db.session(), user, token_id, utcnow()))
    return reply(None, 204)


@operation("GET", "/users/me", summary="Who am I", tag="People", access="signed in",
           response=s.UserOut, errors=(401,))
def me() -> Response:
    """The calling user."""
    return reply(serialize.user(require_user()))


@operation("PATCH", "/users/me", summary="Change my settings", tag="People", access="signed in",
           response=s.UserOut, body=s.UserSettings, errors=(401, 422))
def change_me(body: s.UserSettings) -> Response:
    """The caller's own settings: `calendar_invitations` turns the iTIP
    invitations of the booking e-mails on or off (the `.ics` attachment stays)."""
    user = require_user()
    if body.calendar_invitations is not None:
        enabled = body.calendar_invitations
        write(lambda: accounts.set_calendar_invitations(db.session(), user, enabled, utcnow()))
    return reply(serialize.user(user))
