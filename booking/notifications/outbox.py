"""The durable outbox: enqueue in the caller's transaction, claim, mark.

A row is written in the same transaction as the change that caused it, so a
message exists exactly when its cause was committed. Senders *claim* due rows
(``claimed_by`` and a lease in ``claimed_until``) in one short transaction,
send outside any transaction (SMTP and the database cannot commit together),
then mark the row sent only if their claim still holds. A sender that dies
after claiming loses nothing: its lease expires and another sender takes over.

Claiming is safe with several senders at once:

- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks rows nobody else is
  claiming right now; the following compare-and-set update re-checks them.
- SQLite ignores ``FOR UPDATE``, but every transaction here starts with
  ``BEGIN IMMEDIATE`` (see booking/database.py), so the select and the
  compare-and-set update run under the database write lock.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from booking.models import Booking, OutboxMessage, OutboxStatus, User

# After this many failed attempts a message is marked failed (admins can retry it).
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=2)
# How long a claim protects a row; a batch must be sent well within it.
CLAIM_LEASE = timedelta(minutes=10)
LANGUAGES = ("tr", "en")


def dedupe_key(kind: str, booking_id: int | None, recipient: str, due: datetime) -> str:
    """The unique key of a message: kind, booking, recipient and due time (UTC ISO)."""
    booking_part = "-" if booking_id is None else str(booking_id)
    return f"{kind}:{booking_part}:{recipient.lower()}:{due.astimezone(UTC).isoformat()}"


def language_of(user: User | None) -> str:
    """The recipient's language, Turkish unless the user chose one we speak."""
    if user is not None and user.language in LANGUAGES:
        return user.language
    return LANGUAGES[0]


def enqueue(
    session: Session,
    *,
    kind: str,
    recipient: User | str,
    due_at: datetime,
    booking: Booking | None = None,
    language: str | None = None,
    context: dict[str, Any] | None = None,
    key_time: datetime | None = None,
    new_booking: bool = False,
) -> OutboxMessage:
    """Add one message to the outbox in the caller's transaction, unless it is there.

    ``key_time`` replaces ``due_at`` in the unique key when a message is due
    now but must exist once per some other instant (the escalation: once per
    booking start). Enqueueing the same message again returns the existing row;
    a row skipped earlier (a reminder of a time the booking moves back to) is
    planned again. The check is a read in the same session, never a caught
    IntegrityError, which would abort the caller's transaction.
    ``new_booking`` says the booking was created in this very transaction, so
    only the session's unflushed rows can hold the key, never the database:
    the read is skipped.
    """
    user = recipient if isinstance(recipient, User) else None
    address = user.email if user is not None else str(recipient)
    booking_id = booking.id if booking is not None else None
    key = dedupe_key(kind, booking_id, address, key_time or due_at)
    existing = _find(session, key, in_database=not new_booking)
    if existing is not None:
        if existing.status == OutboxStatus.SKIPPED:
            existing.status = OutboxStatus.PENDING
            existing.due_at = due_at
            existing.next_attempt_at = due_at
            existing.attempts = 0
            existing.last_error = None
            existing.claimed_by = None
            existing.claimed_until = None
        return existing
    message = OutboxMessage(
        kind=kind,
        booking_id=booking_id,
        user_id=user.id if user is not None else None,
        recipient=address,
        language=language or language_of(user),
        due_at=due_at,
        next_attempt_at=due_at,
        dedupe_key=key,
        context=context or {},
        status=OutboxStatus.PENDING,
        attempts=0,
    )
    session.add(message)
    return message


def _find(session: Session, key: str, *, in_database: bool = True) -> OutboxMessage | None:
    for obj in session.new:
        if isinstance(obj, OutboxMessage) and obj.dedupe_key == key:
            return obj
    if not in_database:
        return None
    return session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))


def skip_unsent(
    session: Session,
    booking_id: int,
    kinds: Iterable[str],
    reason: str,
    *,
    keep: Iterable[int] = (),
) -> int:
    """Mark the booking's unsent messages of these kinds skipped, with the reason."""
    keep_ids = set(keep)
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.booking_id == booking_id,
            OutboxMessage.kind.in_(list(kinds)),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).all()
    count = 0
    for row in rows:
        if row.id in keep_ids:
            continue
        row.status = OutboxStatus.SKIPPED
        row.last_error = reason
        row.claimed_by = None
        row.claimed_until = None
        count += 1
    return count


def new_claim_token() -> str:
    """A token naming this sender and this claim (host, process, random part)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _claimable(now: datetime) -> Any:
    return (
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim_due(
    session: Session,
    now: datetime,
    token: str,
    *,
    limit: int = 20,
    lease: timedelta = CLAIM_LEASE,
) -> list[int]:
    """Claim up to ``limit`` due, unclaimed rows for ``token`` and commit; return their ids."""
    candidates = session.scalars(
        select(OutboxMessage.id)
        .where(*_claimable(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not candidates:
        session.commit()
        return []
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), *_claimable(now))
        .values(claimed_by=token, claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    claimed = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.id.in_(candidates), OutboxMessage.claimed_by == token)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    session.commit()
    return list(claimed)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures: 1, 2, 4 … minutes, capped."""
    delay = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_CAP)


def _owned(session: Session, message_id: int, token: str) -> OutboxMessage | None:
    row = session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .execution_options(populate_existing=True)
    )
    if row is None or row.claimed_by != token or row.status != OutboxStatus.PENDING:
        return None
    return row


def mark_sent(
    session: Session, message_id: int, token: str, now: datetime, smtp_message_id: str
) -> bool:
    """Record the delivery if our claim still holds (the caller commits)."""
    row = _owned(session, message_id, token)
    if row is None:
        return False
    row.status = OutboxStatus.SENT
    row.sent_at = now
    row.message_id = smtp_message_id
    row.attempts += 1
    row.last_error = None
    row.claimed_by = None
    row.claimed_until = None
    return True


def mark_failed_attempt(
    session: Session,
    message_id: int,
    token: str,
    now: datetime,
    error: str,
    *,
    max_attempts: int = MAX_ATTEMPTS,
) -> OutboxStatus | None:
    """Count a failed try: retry later with back-off, or give up after ``max_attempts``."""
    row = _owned(session, message_id, token)
    if row is None:
        return None
    row.attempts += 1
    row.last_error = error[:2000]
    row.claimed_by = None
    row.claimed_until = None
    if row.attempts >= max_attempts:
        row.status = OutboxStatus.FAILED
    else:
        # Cut to the whole second: the scheduler runs every minute, a few
        # milliseconds after the same fraction of a second each time, so a retry
        # due exactly whole minutes after this run's instant could fall just after
        # the run it is meant for and wait a minute more.
        row.next_attempt_at = (now + backoff(row.attempts)).replace(microsecond=0)
    return row.status


def mark_skipped(session: Session, message_id: int, token: str, reason: str) -> bool:
    """Record that a claimed message is deliberately not sent, and why."""
    row = _owned(session, message_id, token)
    if row is None:
        return False
    row.status = OutboxStatus.SKIPPED
    row.last_error = reason
    row.claimed_by = None
    row.claimed_until = None
    return True


def retry(session: Session, message_id: int, now: datetime) -> bool:
    """Put a failed message back in the queue (an admin's decision)."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != OutboxStatus.FAILED:
        return False
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.claimed_by = None
    row.claimed_until = None
    return True
