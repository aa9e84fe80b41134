"""The password reset e-mail: the one message sent at once, not through the outbox.

Outbox rows keep their context in clear until they are sent, and a reset
secret must exist only as a hash in the database; so the link is mailed
straight through the SMTP mailer while the request that asked for it runs.
A failed send is logged, and the page answers the same either way, so it does
not reveal which addresses have an account.
"""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import gettext

from booking.i18n import force_language
from booking.notifications.mailer import SmtpMailer, SmtpSettings, build_email
from booking.services import passwords

log = logging.getLogger(__name__)


def send_reset_link(issued: passwords.IssuedReset, link: str, config: Mapping[str, Any]) -> bool:
    """Mail ``link`` to the person the reset was issued for, in their language;
    True when the SMTP server took it."""
    user = issued.user
    settings = SmtpSettings.from_config(config)
    with force_language(user.language or "tr"):
        context = {"user": user, "recipient_name": user.name, "link": link, "minutes": int(
            passwords.RESET_LIFETIME.total_seconds() // 60)}
        subject = gettext("Parola sıfırlama bağlantınız")
        text = render_template("email/password_reset.txt", **context)
        html = render_template("email/password_reset.html", subject=subject, **context)
    message = build_email(
        sender=settings.mail_from, recipient=user.email, recipient_name=user.name,
        subject=subject, text=text, html=html,
        message_id=f"<reset-{issued.secret[:12]}@{settings.domain}>",
        language=user.language or "tr", kind="password_reset",
    )
    mailer = SmtpMailer(settings)
    try:
        mailer.send(message)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception("password reset mail to user %s failed", user.id)
        return False
    finally:
        mailer.close()
