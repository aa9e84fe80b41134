"""The development mailbox at ``/dev/mail``: every e-mail the service wrote
with ``MAIL_BACKEND = "instance"`` (booking/notifications/mailbox.py), for admins.

With any other backend every address here answers 404, for everyone. Otherwise
anonymous visitors are sent to sign in and anyone but an admin gets a 404 (as on
every admin page).

A message's HTML part is never put into the page: the page frames it from its
own address, which answers with ``Content-Security-Policy: sandbox`` and loads
nothing (no script runs, no picture or font is fetched, no form is sent), and an
attachment is always a download.
"""
from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user

from booking.extensions import login_manager
from booking.notifications import mailbox
from booking.web.admin_outbox import kind_label

bp = Blueprint("dev_mail", __name__, url_prefix="/dev/mail")
PAGE_SIZE = 200
# The HTML part: its own inline styles, nothing fetched, no script, framed only by this site.
HTML_PART_POLICY = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    "frame-ancestors 'self'")
ATTACHMENT_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"
SHOWN_HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "Content-Language",
                 "Auto-Submitted", "X-Booking-Notification")


def enabled() -> bool:
    return current_app.config.get("MAIL_BACKEND") == "instance"


def _folder() -> Path:
    return Path(current_app.config["MAIL_DIR"])


@bp.before_request
def admins_only() -> Response | None:
    if not enabled():
        abort(404)
    if not getattr(current_user, "is_authenticated", False):
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(404)
    return None


def _message(message_id: str) -> EmailMessage:
    message = mailbox.read_message(_folder(), message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/")
def index() -> str:
    """The newest messages first."""
    return render_template("admin/dev_mail.html", messages=mailbox.list_messages(
        _folder(), PAGE_SIZE), folder=_folder(), kind_label=kind_label)


@bp.get("/<message_id>")
def show(message_id: str) -> str:
    """One message: its headers, text part, framed HTML part and attachments."""
    message = _message(message_id)
    return render_template(
        "admin/dev_mail_message.html",
        message_id=message_id,
        written_at=mailbox.written_at(message_id),
        subject=str(message["Subject"] or ""),
        headers=[(name, str(message[name])) for name in SHOWN_HEADERS if message[name]],
        text=mailbox.body_text(message, "plain"),
        has_html=mailbox.body_text(message, "html") is not None,
        attachments=mailbox.attachments(message),
        kind_label=kind_label,
    )


@bp.get("/<message_id>/html")
def html_part(message_id: str) -> Response:
    """The HTML part alone, sandboxed by its own policy (the page frames it)."""
    html = mailbox.body_text(_message(message_id), "html")
    if html is None:
        abort(404)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HTML_PART_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<message_id>/attachments/<int:index>")
def attachment(message_id: str, index: int) -> Response:
    """One attachment, always as a download under its own name."""
    found = mailbox.attachments(_message(message_id))
    if index >= len(found):
        abort(404)
    part = found[index]
    # An attached page must not open as a page of this site.
    mimetype = "application/octet-stream" if part.content_type == "text/html" else part.content_type
    response = Response(part.content, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=part.filename)
    response.headers["Content-Security-Policy"] = ATTACHMENT_POLICY
    return response
