"""Check-in and the release of no-shows (SPEC §8).

A room requires check-in when its own setting says so, or, when it says
nothing (NULL), when its center's does (``Room.requires_checkin``). The window
of a booking opens ``OPENS_BEFORE`` (15 minutes) before its start and closes
``CHECKIN_GRACE_MINUTES`` after it: check-in is possible while
``opens_at <= now < closes_at``. The first check-in counts; a second one
changes nothing.

``check_in`` is the one function behind the four ways in: the booking's page,
the room's QR page, the staff's list of today and ``POST /bookings/{id}/checkin``.
``release_no_shows`` (the scheduler's job every minute, and
``flask fairness release-no-shows`` for cron) turns approved bookings that
require check-in, were not checked in and whose window has closed into
``no_show``; their time is free at once (the no-overlap guarantee counts only
approved bookings) and is announced through ``services/freed_time.announce``.

Both start by locking the booking's room and reading the booking again
(``booking_steps.hold``), so a check-in and a release racing each other run
one after the other: the booking ends checked in or a no-show, never both.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from booking.config import DEFAULTS
from booking.database import lock_rooms, reads_under_lock
from booking.i18n import dates, force_language
from booking.models import Booking, BookingStatus, Center, Room, User
from booking.notifications import events as notify
from booking.services import (
    audit,
    waitlist_offers,  # noqa: F401 - its listener offers the freed time
)
from booking.services.access import get_visible_booking
from booking.services.booking_steps import ensure_transition, hold, set_status
from booking.services.errors import InvalidTransition, RuleViolation
from booking.services.freed_time import FreedTime, announce

OPENS_BEFORE = timedelta(minutes=15)
# Windows that closed longer ago than this are left alone: a scheduler down
# for more than a day does not turn old bookings (or those of the days before
# check-in was switched on) into no-shows when it comes back.
RELEASE_LOOKBACK = timedelta(hours=24)
VIA = ("booking_page", "room_qr", "staff_today", "api", "cli")


def grace() -> timedelta:
    """CHECKIN_GRACE_MINUTES as a duration (the default outside an app)."""
    minutes = current_app.config.get("CHECKIN_GRACE_MINUTES") if has_app_context() else None
    return timedelta(minutes=int(DEFAULTS["CHECKIN_GRACE_MINUTES"] if minutes is None
                                 else minutes))


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def window(booking: Booking) -> Window:
    return Window(booking.start_at - OPENS_BEFORE, booking.start_at + grace())


def requires_checkin(booking: Booking) -> bool:
    return booking.room.requires_checkin


def can_check_in_now(booking: Booking, now: datetime) -> bool:
    """An approved booking not yet checked in, inside its window (what a button shows for)."""
    return (booking.status == BookingStatus.APPROVED and booking.checked_in_at is None
            and window(booking).is_open(now))


def _local_time(booking: Booking, instant: datetime) -> str:
    return dates.list_clock(instant, booking.room.center.tz)


def _refuse_outside_window(booking: Booking, now: datetime) -> None:
    if booking.status != BookingStatus.APPROVED:
        raise InvalidTransition(_l("Yalnızca onaylı bir rezervasyonun varışı kaydedilebilir."))
    span = window(booking)
    if now < span.opens_at:
        raise RuleViolation.single("checkin", _l(
            "Varış kaydı henüz açılmadı: başlangıçtan 15 dakika önce, %(time)s itibarıyla açılır.",
            time=_local_time(booking, span.opens_at)))
    if now >= span.closes_at:
        raise RuleViolation.single("checkin", _l(
            "Varış kaydı süresi %(time)s itibarıyla doldu.", time=_local_time(booking, span.closes_at)))


def check_in(session: Session, actor: User, booking_id: int, now: datetime, *,
             via: str = "api") -> Booking:
    """Check the booking in: a member of its organisation, staff of its center
    or an admin, inside the window. Bookings the actor may not see are NotFound;
    outside the window a RuleViolation (field ``checkin``); a booking that is
    not approved an InvalidTransition. Checked in already: returned unchanged."""
    booking = get_visible_booking(session, actor, booking_id)
    hold(session, booking)
    if booking.checked_in_at is not None and booking.status == BookingStatus.APPROVED:
        return booking
    _refuse_outside_window(booking, now)
    booking.checked_in_at = now
    booking.checked_in_by_id = actor.id
    booking.updated_at = now
    audit.record(session, actor, "booking", booking.id, "check_in", booking_id=booking.id,
                 details={"via": via if via in VIA else "api"}, at=now)
    return booking


# --- release ---------------------------------------------------------------


def _requires_checkin_sql() -> ColumnElement[bool]:
    return or_(Room.checkin_required.is_(True),
               and_(Room.checkin_required.is_(None), Center.checkin_required.is_(True)))


def due_for_release(session: Session, now: datetime) -> list[Booking]:
    """Approved bookings requiring check-in, not checked in, whose window closed
    (within RELEASE_LOOKBACK), oldest first."""
    latest_start = now - grace()
    query = (
        select(Booking).join(Booking.room).join(Room.center)
        .where(Booking.status == BookingStatus.APPROVED,
               Booking.checked_in_at.is_(None),
               Booking.start_at <= latest_start,
               Booking.start_at > latest_start - RELEASE_LOOKBACK,
               _requires_checkin_sql())
        .order_by(Booking.start_at, Booking.id)
    )
    return list(session.scalars(query))


def no_show_reason(booking: Booking) -> str:
    language = booking.created_by.language if booking.created_by else "tr"
    with force_language(language):
        return gettext("Süresi içinde varış kaydı yapılmadığı için salon serbest bırakıldı.")


@dataclass(frozen=True)
class Released:
    booking: Booking
    freed: FreedTime | None  # None when the booking's time had already passed


def _release_one(session: Session, booking: Booking, now: datetime) -> Released | None:
    if reads_under_lock(session):
        session.refresh(booking)
    if booking.status != BookingStatus.APPROVED or booking.checked_in_at is not None \
            or not requires_checkin(booking) or now < window(booking).closes_at:
        return None  # checked in, cancelled or released meanwhile
    ensure_transition(booking, BookingStatus.NO_SHOW)
    previous = set_status(booking, BookingStatus.NO_SHOW, no_show_reason(booking), now)
    audit.record(session, None, "booking", booking.id, "no_show", booking_id=booking.id,
                 from_status=previous.value, to_status=booking.status.value,
                 reason=booking.status_reason, at=now,
                 details={"window_closed_at": window(booking).closes_at.isoformat()})
    notify.on_no_show(session, booking, window(booking).closes_at, now)
    freed = None
    start = max(now, booking.start_at)
    if start < booking.block_end:
        freed = FreedTime(booking.room_id, start, booking.block_end, booking.id, "no_show")
        announce(session, freed, now)
    return Released(booking, freed)


def release_no_shows(session: Session, now: datetime) -> list[Released]:
    """Turn the due bookings into no-shows, in the caller's transaction.

    The rooms are locked in id order first (one statement), then every booking
    is read again and checked once more, so a second scheduler process, the
    cron command or a check-in at the same moment finds it changed and leaves
    it: running this twice releases each booking once and sends one message.
    """
    candidates = due_for_release(session, now)
    if not candidates:
        return []
    lock_rooms(session, {booking.room_id for booking in candidates})
    released = [_release_one(session, booking, now) for booking in candidates]
    session.flush()
    return [item for item in released if item is not None]


def count_no_shows(session: Session, organization_ids: list[int], since: datetime,
                   until: datetime) -> dict[int, tuple[int, int]]:
    """Per organisation: (no-shows, bookings that had to check in) whose window
    closed in ``[since, until)``; the latter counts approved bookings requiring
    check-in plus the no-shows (the rate's denominator, docs/fairness.md)."""
    if not organization_ids:
        return {}
    latest = until - grace()
    is_no_show = func.sum(case((Booking.status == BookingStatus.NO_SHOW, 1), else_=0))
    rows = session.execute(
        select(Booking.organization_id, is_no_show, func.count())
        .join(Booking.room).join(Room.center)
        .where(Booking.organization_id.in_(organization_ids),
               Booking.start_at >= since - grace(), Booking.start_at < latest,
               or_(Booking.status == BookingStatus.NO_SHOW,
                   and_(Booking.status == BookingStatus.APPROVED, _requires_checkin_sql())))
        .group_by(Booking.organization_id)
    ).all()
    return {org_id: (int(no_shows or 0), int(total)) for org_id, no_shows, total in rows}

