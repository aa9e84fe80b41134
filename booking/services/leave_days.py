"""Days every centre closes at once (SPEC §9, Holidays): administrative leave
(idari izin) that the government gives public servants, declared by an admin
for all centres in one step, the one-step holiday import for all centres, and
the bridge days the calendar suggests for leave.

A leave day is a whole-centre closure of every active centre with the source
``leave``, from midnight (or from 13:00 for a half day) to the next midnight
in each centre's own zone; it goes through ``closures.add_closure``, so it
holds the rooms' locks, reports the approved bookings it overlaps and is
audited like any closure. Declaring a day twice adds nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import Booking, Center, Closure, User
from booking.services import closures
from booking.services.closures import HALF_DAY_FROM, LEAVE_REASON, LEAVE_SOURCE
from booking.services.errors import NotAllowed, RuleViolation
from booking.services.rules import wall_clock

# A declaration covers at most this many days (a bridge, or a week of leave).
MAX_LEAVE_DAYS = 16


@dataclass
class LeaveResult:
    days: list[date]
    # Closures written (one a centre a day) and days already declared.
    added: int = 0
    already: int = 0
    # Approved bookings the new closures overlap: staff must contact them.
    overlapping: list[Booking] = field(default_factory=list)


@dataclass(frozen=True)
class LeaveDay:
    day: date
    starts: time
    reason: str
    centers: int


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise NotAllowed(_l("Bütün merkezleri kapatan günleri yalnızca yöneticiler ekleyebilir."))


def _active_centers(session: Session) -> list[Center]:
    return list(session.scalars(select(Center).where(Center.is_active.is_(True))
                                .order_by(Center.id)))


def leave_span(first: date, last: date | None) -> list[date]:
    """The days from ``first`` to ``last`` (inclusive), checked."""
    last = last or first
    if last < first:
        raise RuleViolation.single("last_day", _l("Son gün ilk günden önce olamaz."))
    count = (last - first).days + 1
    if count > MAX_LEAVE_DAYS:
        raise RuleViolation.single("last_day", _l(
            "Bir seferde en fazla %(n)d gün eklenebilir.", n=MAX_LEAVE_DAYS))
    return [first + timedelta(days=n) for n in range(count)]


def _existing(session: Session, center_ids: list[int], start: datetime,
              end: datetime) -> set[tuple[int, datetime, datetime]]:
    """Whole-centre leave and holiday closures meeting [start, end)."""
    rows = session.execute(select(Closure.center_id, Closure.start_at, Closure.end_at).where(
        Closure.center_id.in_(center_ids or [-1]), Closure.room_id.is_(None),
        Closure.source.in_((LEAVE_SOURCE, "holiday")),
        Closure.start_at < end, Closure.end_at > start))
    return {(center_id, s, e) for center_id, s, e in rows}


def add_leave_days(session: Session, actor: User, first: date, last: date | None, now: datetime,
                   *, half_day: bool = False, reason: str | None = None) -> LeaveResult:
    """Close every active centre on each day from ``first`` to ``last``: the
    whole day, or from 13:00 with ``half_day``. A day a centre is already
    closed for, by this leave or a holiday of the same span, is skipped."""
    _require_admin(actor)
    days = leave_span(first, last)
    text = (reason or "").strip() or LEAVE_REASON
    centers = _active_centers(session)
    starts = HALF_DAY_FROM if half_day else time(0)
    known = _existing(session, [c.id for c in centers],
                      datetime.combine(days[0] - timedelta(days=1), time(0), tzinfo=UTC),
                      datetime.combine(days[-1] + timedelta(days=2), time(0), tzinfo=UTC))
    result = LeaveResult(days)
    for center in centers:
        for day in days:
            start = wall_clock(day, starts, center.tz, "first_day")
            end = wall_clock(day + timedelta(days=1), time(0), center.tz, "last_day")
            if any(c == center.id and s <= start and e >= end for c, s, e in known):
                result.already += 1
                continue
            added = closures.add_closure(session, actor, start=start, end=end, reason=text,
                                         now=now, center_id=center.id, source=LEAVE_SOURCE)
            result.added += 1
            result.overlapping += added.overlapping
    result.overlapping.sort(key=lambda b: (b.start_at, b.id))
    return result


def _leave_closures(session: Session, since: datetime) -> list[Closure]:
    return list(session.scalars(select(Closure).where(
        Closure.source == LEAVE_SOURCE, Closure.room_id.is_(None), Closure.end_at > since)
        .order_by(Closure.start_at, Closure.center_id)))


def declared(session: Session, since: datetime) -> list[LeaveDay]:
    """Leave days that have not ended, a row a day (with how many centres it
    closes), the nearest first."""
    rows: dict[tuple[date, time, str], int] = {}
    for closure in _leave_closures(session, since):
        local = closure.start_at.astimezone(closure.center.tz)
        key = (local.date(), local.time(), closure.reason)
        rows[key] = rows.get(key, 0) + 1
    return [LeaveDay(day, starts, reason, count)
            for (day, starts, reason), count in sorted(rows.items())]


def remove_leave_day(session: Session, actor: User, day: date, now: datetime) -> int:
    """Open every centre again on ``day`` (its leave closures only; holidays
    and a centre's own closures stay). The freed time goes to the waitlist.
    Answers how many closures were removed."""
    _require_admin(actor)
    removed = 0
    for closure in _leave_closures(session, now - timedelta(days=400)):
        if closure.start_at.astimezone(closure.center.tz).date() == day:
            closures.delete_closure(session, actor, closure.id, now)
            removed += 1
    return removed


def import_holidays_everywhere(session: Session, actor: User, year: int,
                               now: datetime) -> int:
    """The public holidays and half-day eves of ``year`` for every active
    centre, in one step; running it again adds nothing. Answers how many
    closures were added."""
    _require_admin(actor)
    return sum(len(closures.import_holidays(session, actor, center.id, year, now))
               for center in _active_centers(session))


def bridge_days(year: int) -> list[date]:
    """Weekdays of ``year`` that lie alone between a public holiday (or a
    half-day eve) and a weekend: the days leave is usually declared for (a
    Monday before a Tuesday holiday, a Friday after a Thursday one)."""
    off = {h.day for y in (year - 1, year, year + 1) for h in closures.turkish_holidays(y)}

    def free(day: date) -> bool:
        return day.weekday() >= 5 or day in off

    days = []
    for n in range((date(year, 12, 31) - date(year, 1, 1)).days + 1):
        day = date(year, 1, 1) + timedelta(days=n)
        before, after = day - timedelta(days=1), day + timedelta(days=1)
        if free(day) or not (free(before) and free(after)):
            continue
        if before in off or after in off:
            days.append(day)
    return days
