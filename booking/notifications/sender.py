"""The sender: claim what is due, send it, mark it; repeat until nothing is due.

Order per message: claim (commit) → render → end the transaction → SMTP →
mark sent or failed (commit). No transaction stays open while talking to the
SMTP server, which matters on SQLite where a transaction holds the write lock.
"""
from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import BookingStatus, OutboxMessage, OutboxStatus
from booking.notifications import kinds, outbox
from booking.notifications.mailer import build_email, message_id_for
from booking.notifications.messages import Rendered, digest_of, render

log = logging.getLogger(__name__)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> object: ...


@dataclass
class SendReport:
    """What one run of the sender did, for logs and tests."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"sent {len(self.sent)}, retrying {len(self.retrying)}, "
            f"failed {len(self.failed)}, skipped {len(self.skipped)}"
        )


def why_not_send(message: OutboxMessage, now: datetime) -> str | None:
    """The reason a claimed message must not go out any more, or None.

    A reminder whose booking has already started (the sender was down) or is
    no longer approved is dropped and the reason recorded; so is an escalation
    of a request that was decided or has started meanwhile. Everything else is
    sent even when late.
    """
    if message.kind == kinds.INVITATION:
        return _invitation_obsolete(message)
    if message.kind not in kinds.ABOUT_UPCOMING:
        return None
    booking = message.booking
    if booking is None:
        return "booking deleted"
    wanted = BookingStatus.APPROVED if message.kind == kinds.REMINDER else BookingStatus.PENDING
    if booking.status != wanted:
        return f"booking {booking.status.value}"
    if booking.start_at <= now:
        return f"too late: the booking started at {booking.start_at.isoformat()}"
    return None


def _invitation_obsolete(message: OutboxMessage) -> str | None:
    """An occurrence's own invitation is only worth sending while it stands:
    its cancellation mail carries the CANCEL, and a person who turned
    invitations off meanwhile gets none."""
    booking = message.booking
    if booking is None:
        return "booking deleted"
    if booking.status != BookingStatus.APPROVED:
        return f"booking {booking.status.value}"
    user = message.user
    if user is not None and not user.calendar_invitations:
        return "calendar invitations turned off"
    return None


def is_permanent(exc: BaseException) -> bool:
    """True when retrying cannot help: the server refused the recipient for good (5xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return False


def send_due(
    session: Session,
    now: datetime,
    mailer: Mailer,
    *,
    sender: str,
    domain: str,
    batch: int = 20,
    lease: timedelta = outbox.CLAIM_LEASE,
    max_attempts: int = outbox.MAX_ATTEMPTS,
    token: str | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> SendReport:
    """Send every message due at ``now`` that no other sender holds, then return.

    ``now`` stays the run's instant for due times and back-off, but each batch's
    lease also counts the real time the run has taken so far (read from
    ``monotonic``): after a long backlog on a slow SMTP server a later batch
    would otherwise be claimed with a lease that has already expired, and a
    second sender could take the same rows while this one is still sending them.
    """
    report = SendReport()
    token = token or outbox.new_claim_token()
    started = monotonic()
    while True:
        elapsed = timedelta(seconds=monotonic() - started)
        ids = outbox.claim_due(session, now, token, limit=batch, lease=lease + elapsed)
        if not ids:
            return report
        for message_id in ids:
            _send_one(session, message_id, now, mailer, token, sender, domain,
                      max_attempts, report)


def _send_one(
    session: Session,
    message_id: int,
    now: datetime,
    mailer: Mailer,
    token: str,
    sender: str,
    domain: str,
    max_attempts: int,
    report: SendReport,
) -> None:
    message = session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .execution_options(populate_existing=True)
    )
    if message is None or message.claimed_by != token:
        session.commit()
        return
    reason = why_not_send(message, now)
    if reason is not None:
        outbox.mark_skipped(session, message_id, token, reason)
        session.commit()
        report.skipped.append(message_id)
        log.info("outbox %s skipped: %s", message_id, reason)
        return
    smtp_id = message_id_for(message.id, digest_of(message.dedupe_key), domain)
    try:
        email = _email(message, render(session, message), sender, smtp_id)
        session.commit()
        mailer.send(email)
    except Exception as exc:  # noqa: BLE001 - any failure is retried, then shown to admins
        session.rollback()
        status = outbox.mark_failed_attempt(
            session, message_id, token, now, f"{type(exc).__name__}: {exc}",
            max_attempts=1 if is_permanent(exc) else max_attempts,
        )
        row = session.get(OutboxMessage, message_id)
        what = f"{row.kind} to {row.recipient}" if row is not None else "?"
        outcome = _outcome(row, status)
        session.commit()
        (report.failed if status == OutboxStatus.FAILED else report.retrying).append(message_id)
        log.warning("outbox %s (%s) not sent, %s: %s: %s",
                    message_id, what, outcome, type(exc).__name__, exc)
        return
    outbox.mark_sent(session, message_id, token, now, smtp_id)
    session.commit()
    report.sent.append(message_id)


def _email(message: OutboxMessage, rendered: Rendered, sender: str, smtp_id: str) -> EmailMessage:
    return build_email(
        sender=sender,
        recipient=message.recipient,
        recipient_name=rendered.recipient_name,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=smtp_id,
        language=message.language,
        kind=message.kind,
        attachments=rendered.attachments,
        calendar=rendered.calendar,
    )


def _outcome(row: OutboxMessage | None, status: OutboxStatus | None) -> str:
    """How a failed try ends, for the log line: the next try or the failed state."""
    if row is None or status is None:
        return "claim lost"
    if status == OutboxStatus.FAILED:
        return f"failed after {row.attempts} attempt(s)"
    return f"attempt {row.attempts}, next try at {row.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"


def deliver_due(
    now: datetime, *, batch: int = 20, token: str | None = None
) -> SendReport:
    """Send what is due with the app's mail settings (needs an app context):
    over SMTP, or into the development mailbox (``MAIL_BACKEND``)."""
    from flask import current_app

    from booking.extensions import db
    from booking.notifications.mailer import Transport

    transport = Transport.from_config(current_app.config)
    with transport.open() as mailer:
        return send_due(
            db.session(),
            now,
            mailer,
            sender=transport.smtp.mail_from,
            domain=transport.smtp.domain,
            batch=batch,
            max_attempts=int(current_app.config.get("OUTBOX_MAX_ATTEMPTS", outbox.MAX_ATTEMPTS)),
            token=token,
        )
