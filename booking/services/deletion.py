"""Deletion requests and anonymisation (SPEC §10).

A person asks ("Verilerimin silinmesini iste"); KVKK gives the controller 30
days, so each request carries its deadline and staff and admins see the open
ones, overdue first. Carrying one out — or the retention job finding a person
inactive too long — anonymises that person everywhere in one transaction:

- the account: name, e-mail and phone replaced by a pseudonym ("Silinmiş kişi
  3F9A2C", ``deleted-3f9a2c@invalid``), the password made unusable, the
  account deactivated, every session, API token and calendar link ended;
- every text column of every table holding the person's e-mail address,
  phone or full name (audit details, e-mail contexts, reasons): replaced by
  the pseudonym, so the audit trail still tells one actor from another;
- e-mails to the person that were not sent yet: skipped.

Bookings stay with the organisation (the yearly report's figures do not
change); their messages go to the organisation's address from then on. An
organisation's contact address is the organisation's, not the person's, and
is kept. Every anonymisation is written to the destruction log."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, String, Text, cast, func, or_, select, update
from sqlalchemy.orm import Session

from booking.models import (
    Base,
    Booking,
    BookingStatus,
    DeletionRequest,
    DeletionState,
    DestructionRecord,
    OutboxMessage,
    OutboxStatus,
    User,
)
from booking.services import audit, memberships
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.services.sessions import end_everything

DEADLINE = timedelta(days=30)
# Tables whose text is the organisation's or the municipality's, never the person's.
KEPT_TABLES = frozenset({"organizations", "centers", "rooms", "privacy_notices"})


@dataclass(frozen=True)
class Anonymised:
    pseudonym: str
    future_bookings: int
    rewritten: int


def _require_staff(actor: User | None) -> User:
    if actor is None or not actor.is_staff:
        raise NotAllowed(_l("Silme taleplerini yalnızca merkez görevlileri ve yöneticiler görür."))
    return actor


def request_deletion(session: Session, user: User, reason: str | None,
                     now: datetime) -> DeletionRequest:
    """``user`` asks for deletion; a second request while one is open is that one."""
    if user.anonymised_at is not None:
        raise NotFound("user")
    existing = open_request_of(session, user)
    if existing is not None:
        return existing
    text = (reason or "").strip()
    if len(text) > 2000:
        raise RuleViolation.single("reason", _l("En çok %(n)s karakter.", n="2.000"))
    row = DeletionRequest(user_id=user.id, reason=text or None, requested_at=now,
                          due_at=now + DEADLINE, state=DeletionState.OPEN)
    session.add(row)
    session.flush()
    audit.record(session, user, "deletion_request", row.id, "requested", at=now)
    return row


def open_request_of(session: Session, user: User) -> DeletionRequest | None:
    return session.scalar(select(DeletionRequest).where(
        DeletionRequest.user_id == user.id, DeletionRequest.state == DeletionState.OPEN))


def open_requests(session: Session, actor: User | None) -> list[DeletionRequest]:
    """Open requests, the nearest deadline first (overdue ones lead)."""
    _require_staff(actor)
    return list(session.scalars(select(DeletionRequest)
                                .where(DeletionRequest.state == DeletionState.OPEN)
                                .order_by(DeletionRequest.due_at, DeletionRequest.id)))


def open_counts(session: Session, now: datetime) -> tuple[int, int]:
    """How many deletion requests are open, and how many of them are overdue
    (one query; the staff's daily digest says both)."""
    row = session.execute(select(
        func.count(), func.count().filter(DeletionRequest.due_at < now))
        .where(DeletionRequest.state == DeletionState.OPEN)).one()
    return int(row[0]), int(row[1])


def future_bookings(session: Session, user: User, now: datetime) -> int:
    """The person's bookings still ahead, which stay with their organisation."""
    return int(session.scalar(select(func.count()).select_from(Booking).where(
        Booking.created_by_id == user.id, Booking.end_at > now,
        Booking.status.in_([BookingStatus.PENDING, BookingStatus.APPROVED]))) or 0)


def get_request(session: Session, actor: User | None, request_id: int) -> DeletionRequest:
    _require_staff(actor)
    row = session.get(DeletionRequest, request_id)
    if row is None:
        raise NotFound("deletion_request")
    return row


def carry_out(session: Session, actor: User | None, request_id: int,
              now: datetime, *, successor_id: int | None = None,
              close: bool = False) -> Anonymised:
    """Carry out an open request: the row is locked first, so two staff
    pressing the button at once anonymise the person once; the second is told
    it is already done. An organisation's last representative is anonymised
    only when staff name a successor (promoted in the same transaction) or
    close the organisation (services/memberships.py)."""
    staff = _require_staff(actor)
    row = session.scalar(select(DeletionRequest).where(DeletionRequest.id == request_id)
                         .with_for_update())
    if row is None:
        raise NotFound("deletion_request")
    if row.state != DeletionState.OPEN:
        raise RuleViolation.single("request", _l("Bu talep zaten yerine getirildi."))
    user = session.get(User, row.user_id)
    if user is None:
        raise NotFound("user")
    if user.id == staff.id:
        raise RuleViolation.single("request", _l(
            "Kendi silme talebinizi başka bir görevli yerine getirmelidir."))
    keep_represented(session, staff, user, now, successor_id=successor_id, close=close)
    result = anonymise(session, user, now, reason="request", actor=staff)
    row.state = DeletionState.DONE
    row.carried_out_at = now
    row.carried_out_by_id = staff.id
    row.reason = None
    audit.record(session, staff, "deletion_request", row.id, "carried_out", at=now,
                 details={"pseudonym": result.pseudonym})
    return result


NEEDS_SUCCESSOR = _l("Bu kişi kuruluşunun son temsilcisi: yerine bir halef seçin ya da "
                     "kuruluşu kapatın.")


def keep_represented(session: Session, actor: User | None, user: User, now: datetime, *,
                     successor_id: int | None, close: bool) -> str | None:
    """Before the last representative of an open organisation is anonymised:
    a successor is named, or the organisation is closed; otherwise a
    RuleViolation on ``successor_id``. Returns what was done, if anything."""
    if not memberships.is_last_representative(session, user):
        return None
    assert user.organization_id is not None
    if successor_id is not None:
        memberships.name_successor(session, actor, user, successor_id, now)
        return "successor"
    if close:
        memberships.close_organization(session, actor, user.organization_id, now)
        return "closed"
    raise RuleViolation.single("successor_id", NEEDS_SUCCESSOR)


def pseudonym_for(user: User) -> str:
    digest = hashlib.sha256(f"{user.id}:{user.created_at.isoformat()}".encode()).hexdigest()
    return f"Silinmiş kişi {digest[:6].upper()}"


def anonymise(session: Session, user: User, now: datetime, *, reason: str,
              actor: User | None) -> Anonymised:
    """Replace the person's identity everywhere (see the module's docstring)."""
    pseudonym = pseudonym_for(user)
    address = f"deleted-{pseudonym[-6:].lower()}@invalid"
    values = [v for v in (user.email, user.phone, user.name) if v and len(v) >= 5]
    ahead = future_bookings(session, user, now)
    end_everything(session, user, now, why="anonymised")
    session.execute(update(OutboxMessage).where(
        or_(OutboxMessage.recipient == user.email, OutboxMessage.user_id == user.id),
        OutboxMessage.status == OutboxStatus.PENDING).values(status=OutboxStatus.SKIPPED))
    session.flush()
    # Only what is searched for is replaced: a short name ("Ali") would also
    # change other words ("Alişan") in the rows an address matched.
    replacements = {v: address if v == user.email else pseudonym for v in values}
    rewritten = _rewrite_everywhere(session, values, replacements)
    user.name, user.email, user.phone = pseudonym, address, None
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.is_active = False
    user.anonymised_at = now
    user.retention_notice_at = None
    session.add(DestructionRecord(at=now, what="person", pseudonym=pseudonym, reason=reason,
                                  count=1, actor_id=actor.id if actor else None,
                                  details={"future_bookings": ahead, "rewritten": rewritten}))
    session.flush()
    return Anonymised(pseudonym, ahead, rewritten)


def _replace_in(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace_in(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, replacements) for k, v in value.items()}
    return value


def _rewrite_everywhere(session: Session, values: list[str],
                        replacements: dict[str, str]) -> int:
    """Every text and JSON column of every table but the users row itself and
    the organisation's own tables: rows mentioning one of ``values`` get the
    replacement. Longest values first, so an e-mail is replaced whole."""
    if not values:
        return 0
    ordered = dict(sorted(replacements.items(), key=lambda item: -len(item[0])))
    # JSON columns keep non-ASCII letters escaped ("Ay\\u015fe"): look for both.
    values = list(dict.fromkeys(values + [json.dumps(v)[1:-1] for v in values]))
    count = 0
    for table in Base.metadata.sorted_tables:
        if table.name in KEPT_TABLES or table.name == "users":
            continue
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON) or isinstance(column.type, Enum):
                continue
            text_of = cast(column, Text()) if isinstance(column.type, JSON) else column
            pk = list(table.primary_key.columns)
            if not pk:
                continue
            hits = session.execute(select(*pk, column).where(
                or_(*(text_of.contains(v, autoescape=True) for v in values)))).all()
            for hit in hits:
                new = _replace_in(hit[-1], ordered)
                session.execute(update(table).where(
                    *(c == hit[i] for i, c in enumerate(pk))).values({column.name: new}))
                count += 1
    return count
