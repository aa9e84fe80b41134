"""Messages sent at once, not through the outbox: those that carry a secret
(a password reset link, an address confirmation link, an invitation into an
organisation) and the one that answers
a registration for an address that already has an account.

Outbox rows keep their context in clear until they are sent, and a secret must
exist only as a hash (or not at all) in the database; so these are built during
the request and handed to a small pool of mail threads. The page answers without
waiting for the SMTP server, so its timing does not tell whether a message was
sent (whether an address has an account). A failed send is logged.
"""
from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l

from booking.extensions import db
from booking.i18n import force_language
from booking.models import User
from booking.notifications.mailer import Transport, build_email
from booking.services import confirmation, passwords
from booking.services.hashing import new_secret

log = logging.getLogger(__name__)
POOL_NAME = "direct-mail"
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix=POOL_NAME)


def _completed(value: bool) -> Future[bool]:
    done: Future[bool] = Future()
    done.set_result(value)
    return done


def in_background(app: Flask, work: Callable[[], object], what: str) -> Future[object]:
    """Run ``work`` (a look-up, a write, a message) in the app's context on a
    mail thread: the answer that asked for it does not wait and its timing does
    not depend on what ``work`` finds."""

    def run() -> object:
        with app.app_context():
            try:
                return work()
            except Exception:
                log.exception("%s failed", what)
                return None
            finally:
                db.session.remove()

    return _pool.submit(run)


def _send(message: EmailMessage, transport: Transport, what: str) -> bool:
    mailer = transport.open()
    try:
        mailer.send(message)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception("%s mail failed", what)
        return False
    finally:
        mailer.close()


def _mail(user: User, kind: str, template: str, subject: Any, config: Mapping[str, Any],
          **context: Any) -> Future[bool]:
    """Render ``template`` (.txt and .html) and the (lazily translated) subject
    in the user's language, and send the message soon."""
    return _mail_to(user.email, user.name, user.language or "tr", kind, template, subject,
                    config, f"{kind} to user {user.id}", user=user, **context)


def _mail_to(address: str, name: str, language: str, kind: str, template: str, subject: Any,
             config: Mapping[str, Any], what: str, **context: Any) -> Future[bool]:
    """``_mail`` for an address that may have no account yet (an invitation)."""
    transport = Transport.from_config(config)
    settings = transport.smtp
    with force_language(language):
        context = {"recipient_name": name, **context}
        subject = str(subject)
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject, **context)
    message = build_email(
        sender=settings.mail_from, recipient=address, recipient_name=name,
        subject=subject, text=text, html=html,
        message_id=f"<{kind}-{new_secret(9)}@{settings.domain}>",
        language=language, kind=kind,
    )
    if threading.current_thread().name.startswith(POOL_NAME):
        return _completed(_send(message, transport, what))
    return _pool.submit(_send, message, transport, what)


def send_reset_link(issued: passwords.IssuedReset, link: str,
                    config: Mapping[str, Any]) -> Future[bool]:
    """The password reset link, to the person it was issued for."""
    minutes = int(passwords.RESET_LIFETIME.total_seconds() // 60)
    return _mail(issued.user, "password_reset", "password_reset", _l("Parola sıfırlama bağlantınız"),
                 config, link=link, minutes=minutes)


def send_confirmation_link(user: User, link: str, config: Mapping[str, Any]) -> Future[bool]:
    """The link that confirms a new registration's address and signs in."""
    hours = int(confirmation.LIFETIME.total_seconds() // 3600)
    return _mail(user, "confirm_address", "confirm_address", _l("E-posta adresinizi doğrulayın"),
                 config, link=link, hours=hours)


def send_registration_attempt(owner: User, sign_in: str, reset: str,
                              config: Mapping[str, Any]) -> Future[bool]:
    """To the owner of an address someone tried to register with."""
    return _mail(owner, "registration_attempt", "registration_attempt",
                 _l("Adresinizle yeni bir kayıt denendi"), config, sign_in=sign_in, reset=reset)


def send_invitation(address: str, language: str, organization: str, inviter: str,
                    link: str, days: int, config: Mapping[str, Any]) -> Future[bool]:
    """The link that invites ``address`` into an organisation (it carries a
    secret, so it is not an outbox message)."""
    return _mail_to(address, "", language, "invitation_to_organization",
                    "organization_invitation",
                    _l("%(organization)s sizi davet ediyor", organization=organization),
                    config, "organization invitation", organization=organization,
                    inviter=inviter, link=link, days=days)
