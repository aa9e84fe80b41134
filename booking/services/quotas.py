"""Quotas per organisation and center (SPEC §8): booked hours per calendar
month, open requests at once, bookings per ISO week.

The one module that knows the limits: the booking services call ``check``
before they write, the pages and the API read ``usage``, the admin pages set
rules through ``set_rule``. Months and weeks are the center's local ones.
Hours count pending and approved bookings and waitlist offers (an offer holds
the time for the organisation); open requests count pending requests, a
series as one.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from booking.models import (
    QUOTA_LIMITS,
    Booking,
    BookingStatus,
    Center,
    Organization,
    QuotaRule,
    Room,
    User,
)
from booking.services import audit
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation
from booking.services.rules import message_day

# The statuses that hold a room's time for an organisation.
HOLDING = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.OFFERED)
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Limits:
    """A rule's limits; None is no limit."""

    monthly_hours: int | None = None
    open_requests: int | None = None
    weekly_bookings: int | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in QUOTA_LIMITS)


@dataclass(frozen=True)
class Usage:
    """What an organisation holds of a center this month and week, and the limits."""

    month: str
    hours_used: float
    hours_limit: int | None
    open_requests: int
    open_limit: int | None
    week_count: int
    week_limit: int | None

    @property
    def hours_left(self) -> float | None:
        return None if self.hours_limit is None else max(0.0, self.hours_limit - self.hours_used)


@dataclass(frozen=True)
class Override:
    """A staff member or admin booked past a limit, and said why."""

    reason: str
    exceeded: list[str]


def _rule(session: Session, center_id: int, organization_id: int | None) -> QuotaRule | None:
    return session.scalar(select(QuotaRule).where(
        QuotaRule.center_id == center_id,
        QuotaRule.organization_id.is_(None) if organization_id is None
        else QuotaRule.organization_id == organization_id))


def limits_for(session: Session, center_id: int, organization_id: int) -> Limits:
    """The center's limits, each replaced by the organisation's own where it
    sets one (one query: it runs before every request)."""
    rules = session.scalars(select(QuotaRule).where(
        QuotaRule.center_id == center_id,
        QuotaRule.organization_id.is_(None) | (QuotaRule.organization_id == organization_id)))
    default = own = None
    for rule in rules:
        if rule.organization_id is None:
            default = rule
        else:
            own = rule
    values: dict[str, int | None] = {}
    for name in QUOTA_LIMITS:
        mine = getattr(own, name) if own is not None else None
        values[name] = mine if mine is not None else (
            getattr(default, name) if default is not None else None)
    return Limits(**values)


# --- what is used ------------------------------------------------------------


def _month_bounds(day: date, center: Center) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (datetime.combine(first, time(), center.tz).astimezone(UTC),
            datetime.combine(following, time(), center.tz).astimezone(UTC))


def _week_bounds(day: date, center: Center) -> tuple[datetime, datetime]:
    monday = day - timedelta(days=day.weekday())
    return (datetime.combine(monday, time(), center.tz).astimezone(UTC),
            datetime.combine(monday + timedelta(days=7), time(), center.tz).astimezone(UTC))


def _held(session: Session, organization_id: int, center_id: int, start: datetime,
          end: datetime, excluding: Sequence[int]) -> list[tuple[datetime, datetime]]:
    """The organisation's bookings in the center that start in [start, end)."""
    query = (select(Booking.start_at, Booking.end_at).join(Room, Room.id == Booking.room_id)
             .where(Booking.organization_id == organization_id, Room.center_id == center_id,
                    Booking.status.in_(HOLDING), Booking.start_at >= start,
                    Booking.start_at < end))
    if excluding:
        query = query.where(Booking.id.not_in(excluding))
    return [(row.start_at, row.end_at) for row in session.execute(query)]


def _hours(intervals: Iterable[tuple[datetime, datetime]]) -> float:
    return sum((end - start).total_seconds() for start, end in intervals) / 3600


def _open_requests(session: Session, organization_id: int, center_id: int, now: datetime,
                   excluding: Sequence[int] = ()) -> int:
    """Pending requests still ahead, a series counted once."""
    query = (select(func.count(func.distinct(func.coalesce(-Booking.series_id, Booking.id))))
             .join(Room, Room.id == Booking.room_id)
             .where(Booking.organization_id == organization_id, Room.center_id == center_id,
                    Booking.status == BookingStatus.PENDING, Booking.end_at > now))
    if excluding:
        query = query.where(Booking.id.not_in(excluding))
    return int(session.scalar(query) or 0)


def _may_see(actor: User, organization_id: int) -> bool:
    return actor.is_staff or actor.organization_id == organization_id


def usage(session: Session, actor: User, organization_id: int, center_id: int,
          now: datetime) -> Usage:
    """This month's and this week's use of a center by an organisation, for its
    members, staff and admins (anyone else: NotFound, as everywhere)."""
    organization = session.get(Organization, organization_id)
    if organization is None or not _may_see(actor, organization_id):
        raise NotFound(_l("Kuruluş bulunamadı."))
    center = session.get(Center, center_id)
    if center is None:
        raise NotFound(_l("Merkez bulunamadı."))
    limits = limits_for(session, center_id, organization_id)
    today = now.astimezone(center.tz).date()
    month = _held(session, organization_id, center_id, *_month_bounds(today, center), ())
    week = _held(session, organization_id, center_id, *_week_bounds(today, center), ())
    return Usage(
        month=today.strftime("%Y-%m"), hours_used=round(_hours(month), 2),
        hours_limit=limits.monthly_hours,
        open_requests=_open_requests(session, organization_id, center_id, now),
        open_limit=limits.open_requests, week_count=len(week), week_limit=limits.weekly_bookings)


# --- the check before a write -------------------------------------------------


def _lock(session: Session, organization_id: int, center_id: int) -> None:
    """Serialise the quota checks of one organisation in one center, so two
    requests at once cannot both take the last free hour. SQLite's BEGIN
    IMMEDIATE already serialises every writer."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                        {"space": 0x51A7, "key": organization_id * 100_003 + center_id})


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _exceeded(session: Session, organization: Organization, center: Center, limits: Limits,
              occurrences: Sequence[tuple[datetime, datetime]], pending: bool, now: datetime,
              excluding: Sequence[int]) -> list[str]:
    """A message for every limit the new occurrences would pass."""
    problems: list[str] = []
    days = [start.astimezone(center.tz).date() for start, _ in occurrences]
    if limits.monthly_hours is not None:
        asked: dict[date, float] = {}
        for day, (start, end) in zip(days, occurrences, strict=True):
            first_day = day.replace(day=1)
            asked[first_day] = asked.get(first_day, 0.0) + (end - start).total_seconds() / 3600
        for first, hours in sorted(asked.items()):
            used = _hours(_held(session, organization.id, center.id,
                                *_month_bounds(first, center), excluding))
            if used + hours > limits.monthly_hours + 1e-9:
                problems.append(str(_l(
                    "Aylık saat kotası aşılıyor: %(month)s ayında bu merkezde %(used)s saat "
                    "kullanıldı, bu talep %(asked)s saat ekliyor; izin verilen %(allowed)s saat.",
                    month=first.strftime("%m.%Y"), used=_number(used), asked=_number(hours),
                    allowed=limits.monthly_hours)))
    if pending and limits.open_requests is not None:
        open_now = _open_requests(session, organization.id, center.id, now, excluding)
        if open_now + 1 > limits.open_requests:
            problems.append(str(_l(
                "Açık talep kotası dolu: bu merkezde bekleyen %(used)s talebiniz var; "
                "izin verilen %(allowed)s.", used=open_now, allowed=limits.open_requests)))
    if limits.weekly_bookings is not None:
        weeks = Counter(day - timedelta(days=day.weekday()) for day in days)
        for monday, count in sorted(weeks.items()):
            used_week = len(_held(session, organization.id, center.id,
                                  *_week_bounds(monday, center), excluding))
            if used_week + count > limits.weekly_bookings:
                problems.append(str(_l(
                    "Haftalık rezervasyon kotası aşılıyor: %(monday)s haftasında bu merkezde "
                    "%(used)s rezervasyon var, bu talep %(asked)s ekliyor; izin verilen "
                    "%(allowed)s.", monday=message_day(monday), used=used_week, asked=count,
                    allowed=limits.weekly_bookings)))
    return problems


def check(session: Session, actor: User, organization: Organization | None, room: Room,
          occurrences: Sequence[tuple[datetime, datetime]], *, pending: bool, now: datetime,
          override_reason: str | None = None, excluding: Sequence[int] = ()) -> Override | None:
    """Refuse (RuleViolation on the field ``quota``) bookings that would pass
    the organisation's limits in the room's center. Staff and admins may book
    past them when they give a reason: the Override returned is for the audit.
    ``excluding`` leaves out bookings being changed."""
    if organization is None or not occurrences:
        return None
    limits = limits_for(session, room.center_id, organization.id)
    if limits.is_empty:
        return None  # one query when the center has no quota
    _lock(session, organization.id, room.center_id)
    problems = _exceeded(session, organization, room.center, limits, occurrences, pending, now,
                         excluding)
    if not problems:
        return None
    reason = " ".join((override_reason or "").split())
    if actor.is_staff and reason:
        return Override(reason=reason[:500], exceeded=problems)
    if actor.is_staff:
        problems.append(str(_l("Kotayı aşarak kaydetmek için bir gerekçe yazın.")))
    raise RuleViolation([FieldError("quota", message) for message in problems])


def record_override(session: Session, actor: User, booking_ids: Iterable[int],
                    override: Override | None, now: datetime) -> None:
    """The audit line of a booking made past a quota."""
    if override is None:
        return
    for booking_id in booking_ids:
        audit.record(session, actor, "booking", booking_id, "quota_override",
                     booking_id=booking_id, reason=override.reason, at=now,
                     details={"exceeded": override.exceeded})


# --- rules, for admins --------------------------------------------------------


def _checked_limits(values: dict[str, Any]) -> Limits:
    errors: list[FieldError] = []
    clean: dict[str, int | None] = {}
    for name in QUOTA_LIMITS:
        value = values.get(name)
        if value in (None, ""):
            clean[name] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors.append(FieldError(name, _l("Bir tam sayı girin ya da boş bırakın.")))
            continue
        if isinstance(value, bool) or not 1 <= number <= MAX_LIMIT:
            errors.append(FieldError(name, _l(
                "Sınır 1 ile %(max)s arasında olmalı; sınır istemiyorsanız boş bırakın.",
                max=MAX_LIMIT)))
            continue
        clean[name] = number
    if errors:
        raise RuleViolation(errors)
    return Limits(**clean)


def set_rule(session: Session, actor: User, center_id: int, organization_id: int | None,
             values: dict[str, Any], now: datetime) -> QuotaRule | None:
    """Admins set a center's rule (organization_id None) or an organisation's
    override; a rule left with no limit at all is removed (None returned)."""
    if not actor.is_admin:
        raise NotAllowed(_l("Kotaları yalnızca yöneticiler belirler."))
    if session.get(Center, center_id) is None:
        raise NotFound(_l("Merkez bulunamadı."))
    if organization_id is not None and session.get(Organization, organization_id) is None:
        raise RuleViolation.single("organization_id", _l("Kuruluş bulunamadı."))
    limits = _checked_limits(values)
    rule = _rule(session, center_id, organization_id)
    if limits.is_empty:
        if rule is not None:
            session.delete(rule)
            audit.record(session, actor, "quota", rule.id, "delete", at=now,
                         details={"center_id": center_id, "organization_id": organization_id})
        return None
    if rule is None:
        rule = QuotaRule(center_id=center_id, organization_id=organization_id)
        session.add(rule)
    for name in QUOTA_LIMITS:
        setattr(rule, name, getattr(limits, name))
    rule.updated_by_id = actor.id
    rule.updated_at = now
    session.flush()
    audit.record(session, actor, "quota", rule.id, "set", at=now,
                 details={"center_id": center_id, "organization_id": organization_id,
                          **{name: getattr(limits, name) for name in QUOTA_LIMITS}})
    return rule


def center_rules(session: Session, actor: User, center_id: int) -> list[QuotaRule]:
    """A center's rule first, then the organisations' overrides by name (staff and admins)."""
    if not actor.is_staff or session.get(Center, center_id) is None:
        raise NotFound(_l("Merkez bulunamadı."))
    rules = session.scalars(select(QuotaRule).where(QuotaRule.center_id == center_id)).all()
    return sorted(rules, key=lambda rule: (rule.organization_id is not None,
                                           rule.organization.name if rule.organization else ""))


def organization_usage(session: Session, actor: User, now: datetime
                       ) -> list[tuple[Center, Usage]]:
    """For a member's page: the centers whose rules apply to the member's
    organisation, with what it has used there."""
    if actor.organization_id is None:
        return []
    center_ids = session.scalars(select(QuotaRule.center_id).distinct().where(
        (QuotaRule.organization_id.is_(None))
        | (QuotaRule.organization_id == actor.organization_id))).all()
    centers = [center for center in (session.get(Center, i) for i in center_ids)
               if center is not None and center.is_active]
    return [(center, usage(session, actor, actor.organization_id, center.id, now))
            for center in sorted(centers, key=lambda c: c.name)]
