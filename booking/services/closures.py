"""Closures of a room or a whole center, and Turkish public holidays as closures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from holidays.constants import HALF_DAY, PUBLIC
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.database import lock_rooms
from booking.i18n import current_language
from booking.i18n.text import one_line
from booking.models import Booking, BookingStatus, Center, Closure, Room, User
from booking.services import audit
from booking.services.access import manages_center
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.services.waitlist_offers import offer_freed

MAX_REASON = 300
# Administrative leave (idari izin) declared for every centre at once
# (services.leave_days): stored under this Turkish reason unless the admin
# typed another, and shown in the reader's language.
LEAVE_SOURCE = "leave"
LEAVE_REASON = "İdari izin"


@dataclass
class ClosureResult:
    closure: Closure
    # Approved bookings the closure overlaps: staff must contact or move them.
    overlapping: list[Booking]


def _require_manager(actor: User, center_id: int) -> None:
    if not manages_center(actor, center_id):
        raise NotAllowed(_l("Kapanışları yalnızca merkez görevlileri ve yöneticiler ekleyebilir."))


def overlapping_approved(session: Session, center_id: int, room_id: int | None,
                         start: datetime, end: datetime) -> list[Booking]:
    query = (
        select(Booking)
        .join(Booking.room)
        .where(Room.center_id == center_id, Booking.status == BookingStatus.APPROVED,
               Booking.start_at < end, Booking.end_at > start)
        .order_by(Booking.start_at)
    )
    if room_id is not None:
        query = query.where(Booking.room_id == room_id)
    return list(session.scalars(query))


def add_closure(session: Session, actor: User, *, start: datetime, end: datetime, reason: str,
                now: datetime, center_id: int | None = None, room_id: int | None = None,
                source: str = "manual") -> ClosureResult:
    """Close one room (``room_id``) or every room of a center (``center_id``).

    Holds the rooms' locks so no approval can slip in while the closure is
    written; the approved bookings it overlaps are returned for staff to handle.
    """
    room = None
    if room_id is not None:
        room = session.get(Room, room_id)
        if room is None:
            raise NotFound(_l("Salon bulunamadı."))
        center_id = room.center_id
    if center_id is None or session.get(Center, center_id) is None:
        raise NotFound(_l("Merkez bulunamadı."))
    _require_manager(actor, center_id)
    reason = one_line(reason)
    if not reason:
        raise RuleViolation.single("reason", _l("Kapanış nedeni gerekli."))
    if len(reason) > MAX_REASON:
        raise RuleViolation.single("reason", _l("Neden en fazla %(n)d karakter olabilir.", n=MAX_REASON))
    if end <= start:
        raise RuleViolation.single("end", _l("Bitiş zamanı başlangıçtan sonra olmalı."))
    room_ids = [room.id] if room else list(
        session.scalars(select(Room.id).where(Room.center_id == center_id))
    )
    lock_rooms(session, room_ids)
    closure = Closure(center_id=center_id, room_id=room_id, start_at=start, end_at=end,
                      reason=reason, source=source, created_by_id=actor.id, created_at=now)
    session.add(closure)
    session.flush()
    overlapping = overlapping_approved(session, center_id, room_id, start, end)
    audit.record(session, actor, "closure", closure.id, "create", at=now,
                 details={"room_id": room_id, "center_id": center_id,
                          "overlapping_booking_ids": [b.id for b in overlapping]})
    return ClosureResult(closure, overlapping)


def delete_closure(session: Session, actor: User, closure_id: int, now: datetime) -> None:
    closure = session.get(Closure, closure_id)
    if closure is None:
        raise NotFound(_l("Kapanış bulunamadı."))
    _require_manager(actor, closure.center_id)
    audit.record(session, actor, "closure", closure.id, "delete", at=now,
                 details={"reason": closure.reason, "start": closure.start_at.isoformat(),
                          "end": closure.end_at.isoformat()})
    session.delete(closure)
    session.flush()
    # The closed time is open again: the waitlist may take it.
    room_ids = [closure.room_id] if closure.room_id is not None else list(session.scalars(
        select(Room.id).where(Room.center_id == closure.center_id).order_by(Room.id)))
    lock_rooms(session, room_ids)
    for room_id in room_ids:
        offer_freed(session, room_id, closure.start_at, closure.end_at, now, actor=actor,
                    room_locked=True)


# Half-day holidays (the eves of the two bayrams, 28 October) close from 13:00.
HALF_DAY_FROM = time(13, 0)
# The holidays package's language for each interface language.
HOLIDAY_LANGUAGES = {"tr": "tr", "en": "en_US"}
# The package writes American English on a 12-hour clock; the interface writes
# British English on a 24-hour clock (docs/web.md, "Language").
ENGLISH_WORDING = (("Labor ", "Labour "), ("(from 1pm)", "(from 13:00)"))


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    # When the closure starts that day: midnight, or 13:00 on a half day.
    starts: time


@lru_cache(maxsize=64)
def _names(year: int, language: str, category: str) -> dict[date, str]:
    calendar = holidays.country_holidays("TR", years=year, categories=(category,),
                                         language=HOLIDAY_LANGUAGES.get(language, "tr"))
    return dict(calendar.items())


def turkish_holidays(year: int) -> list[Holiday]:
    """National and religious public holidays of Türkiye and the half-day eves
    (arife), from the holidays package, by their Turkish names."""
    days = [Holiday(day, name, time(0)) for day, name in _names(year, "tr", PUBLIC).items()]
    days += [Holiday(day, name, HALF_DAY_FROM)
             for day, name in _names(year, "tr", HALF_DAY).items()]
    return sorted(days, key=lambda h: (h.day, h.starts))


def holiday_name(day: date, stored: str, language: str) -> str:
    """The name of the holiday imported on ``day`` as ``stored`` (its Turkish
    name), in ``language``. A reason that is not the package's Turkish name of
    that day (typed by hand, or an older wording) is shown as it was stored."""
    if language == "tr":
        return stored
    for category in (PUBLIC, HALF_DAY):
        if _names(day.year, "tr", category).get(day) == stored:
            name = _names(day.year, language, category).get(day, stored)
            if language == "en":
                for american, british in ENGLISH_WORDING:
                    name = name.replace(american, british)
            return name
    return stored


def leave_reason(reason: str) -> str:
    """A leave day's reason for the reader: the default one translated."""
    return str(_l("İdari izin")) if reason == LEAVE_REASON else reason


def closure_reason(closure: Closure, language: str | None = None) -> str:
    """A closure's reason for the reader: an imported holiday by its name in the
    interface language (``language``, or the current one), any other as typed."""
    if closure.source == LEAVE_SOURCE and closure.reason == LEAVE_REASON:
        if language is None:
            return str(_l("İdari izin"))
        with force_locale(language):
            return gettext("İdari izin")
    if closure.source != "holiday":
        return closure.reason
    day = closure.start_at.astimezone(closure.center.tz).date()
    return holiday_name(day, closure.reason, language or current_language())


def import_holidays(session: Session, actor: User, center_id: int, year: int,
                    now: datetime) -> list[ClosureResult]:
    """Add a whole-center closure for every public holiday of ``year`` not yet
    imported (a half day from 13:00). Running it again adds nothing new."""
    center = session.get(Center, center_id)
    if center is None:
        raise NotFound(_l("Merkez bulunamadı."))
    _require_manager(actor, center_id)
    if not 2000 <= year <= 2100:
        raise RuleViolation.single("year", _l("Geçerli bir yıl girin."))
    tz = center.tz
    existing = {
        (c.start_at, c.end_at)
        for c in session.scalars(select(Closure).where(
            Closure.center_id == center_id, Closure.room_id.is_(None), Closure.source == "holiday"))
    }
    results = []
    for holiday in turkish_holidays(year):
        start = datetime.combine(holiday.day, holiday.starts, tzinfo=tz)
        end = datetime.combine(holiday.day + timedelta(days=1), time(0, 0), tzinfo=tz)
        if (start, end) in existing:
            continue
        results.append(add_closure(session, actor, center_id=center_id, start=start, end=end,
                                   reason=holiday.name, now=now, source="holiday"))
    return results
