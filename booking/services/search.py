"""The one search of SPEC §11: every free room across all centers, best fit first.

A search names a day and either a start and an end (wall-clock times, read in
each center's own time zone, or aware instants) or a length and "any time that
day"; the attendees; features every room must offer; and optionally one center
or one district. Each hit is a room with the slot(s) it is free in: the asked
interval, or the first free slots of the length within the room's opening
hours that day.

Six queries whatever the number of centers: the candidate rooms with their
centers, their features, accessibility attributes and photos, the approved
blocks of all of them (one ``IN`` over the room ids, the partial index) and
the closures of their centers. The rules
(durations, opening hours, the advance window) are ``rules.check_times``, as
for a request; staff and admins may book outside opening hours and the advance
window of the centers they manage, so those rooms are searched with the
override.

Accessibility needs (SPEC §11) filter as features do: a room must have
every attribute asked for (``booking/models/room_details.ACCESSIBILITY``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from booking.i18n.text import turkish_casefold, turkish_sort_key
from booking.models import (
    ACCESSIBILITY,
    FEATURES,
    Center,
    Closure,
    Room,
    RoomAccessibility,
    RoomFeature,
    User,
)
from booking.models.places import MAX_DURATION_MINUTES, room_details
from booking.services.access import overrides_rules, visible_rooms
from booking.services.availability import opening_windows, subtract
from booking.services.conflicts import approved_spans, is_free_in
from booking.services.errors import FieldError, RuleViolation
from booking.services.rules import check_times, local_instant

MAX_ATTENDEES = 100_000
SLOT_STEP = timedelta(minutes=15)  # "any time" slots start on the quarter hour
SLOTS_PER_ROOM = 3

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class SearchQuery:
    """``start``/``end`` (naive: each center's wall clock; aware: instants), or
    ``day`` and ``minutes`` for the first free slots of that length that day."""

    attendees: int = 1
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None
    minutes: int | None = None
    features: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    center_id: int | None = None
    district: str | None = None


@dataclass
class SearchHit:
    room: Room
    slots: list[Span] = field(default_factory=list)

    @property
    def center(self) -> Center:
        return self.room.center


def check_query(query: SearchQuery) -> None:
    """The search's own input rules, each naming its field (RuleViolation)."""
    errors: list[FieldError] = []
    if not 1 <= query.attendees <= MAX_ATTENDEES:
        errors.append(FieldError("attendees", _l(
            "Katılımcı sayısı 1 ile %(n)d arasında olmalı.", n=MAX_ATTENDEES)))
    unknown = sorted(set(query.features) - set(FEATURES))
    if unknown:
        errors.append(FieldError("features", _l("Bilinmeyen olanak: %(codes)s",
                                                codes=", ".join(unknown))))
    unknown = sorted(set(query.accessibility) - set(ACCESSIBILITY))
    if unknown:
        errors.append(FieldError("accessibility", _l(
            "Bilinmeyen erişilebilirlik özelliği: %(codes)s", codes=", ".join(unknown))))
    if query.minutes is not None:
        if query.day is None:
            errors.append(FieldError("day", _l("Bir tarih girin.")))
        if not 1 <= query.minutes <= MAX_DURATION_MINUTES:
            errors.append(FieldError("minutes", _l(
                "Süre 1 ile %(n)d dakika arasında olmalı.", n=MAX_DURATION_MINUTES)))
    elif query.start is None or query.end is None:
        errors.append(FieldError("start", _l("Başlangıç ve bitiş zamanı ya da bir süre girin.")))
    elif (query.start.tzinfo is None) != (query.end.tzinfo is None):
        errors.append(FieldError("end", _l("Başlangıç ve bitiş aynı biçimde verilmeli.")))
    elif query.end <= query.start:
        errors.append(FieldError("end", _l("Bitiş zamanı başlangıçtan sonra olmalı.")))
    elif query.end - query.start > timedelta(minutes=MAX_DURATION_MINUTES):
        errors.append(FieldError("end", _l(
            "Rezervasyon en fazla %(n)d dakika sürebilir.", n=MAX_DURATION_MINUTES)))
    if errors:
        raise RuleViolation(errors)


def candidate_rooms(session: Session, actor: User | None, query: SearchQuery) -> list[Room]:
    """Active rooms of active centers the actor may see that hold the attendees,
    offer every feature and have every accessibility attribute asked for, in
    the center or district asked; best fit first."""
    stmt = (visible_rooms(actor)
            .where(Room.is_active.is_(True), Center.is_active.is_(True),
                   Room.capacity >= query.attendees)
            .options(contains_eager(Room.center), *room_details()))
    if query.center_id is not None:
        stmt = stmt.where(Room.center_id == query.center_id)
    for code in sorted(set(query.features)):
        stmt = stmt.where(Room.feature_rows.any(RoomFeature.code == code))
    for code in sorted(set(query.accessibility)):
        stmt = stmt.where(Room.accessibility_rows.any(RoomAccessibility.code == code))
    rooms = list(session.scalars(stmt))
    if query.district:
        wanted = turkish_casefold(query.district.strip())
        rooms = [r for r in rooms if turkish_casefold((r.center.district or "").strip()) == wanted]
    return sorted(rooms, key=best_fit)


def best_fit(room: Room) -> tuple:
    """Smallest room that fits first, then center and room name in Turkish order."""
    return (room.capacity, turkish_sort_key(room.center.name), turkish_sort_key(room.name),
            room.id)


def _interval(room: Room, query: SearchQuery) -> Span:
    """The asked interval as instants of the room's center (UTC)."""
    assert query.start is not None and query.end is not None
    tz = room.center.tz
    return (local_instant(query.start, tz, "start").astimezone(UTC),
            local_instant(query.end, tz, "end").astimezone(UTC))


def _whole_day(room: Room, day: date) -> Span:
    tz = room.center.tz
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    return midnight.astimezone(UTC), (midnight + timedelta(days=1)).astimezone(UTC)


def _closures(session: Session, center_ids: set[int], start: datetime,
              end: datetime) -> dict[int, list[Closure]]:
    """Closures of these centers or their rooms that meet [start, end), by center."""
    found: dict[int, list[Closure]] = {}
    if not center_ids:
        return found
    rows = session.scalars(
        select(Closure)
        .where(Closure.center_id.in_(sorted(center_ids)), Closure.start_at < end,
               Closure.end_at > start)
        .order_by(Closure.start_at))
    for closure in rows:
        found.setdefault(closure.center_id, []).append(closure)
    return found


def find_free_rooms(session: Session, actor: User | None, query: SearchQuery,
                    now: datetime) -> list[SearchHit]:
    """Every room free for the search, best fit first (see the module's text).
    A broken input rule is a RuleViolation naming the query's field."""
    check_query(query)
    now = now.astimezone(UTC)
    rooms = candidate_rooms(session, actor, query)
    if query.minutes is not None:
        assert query.day is not None
        spans = {room.id: _whole_day(room, query.day) for room in rooms}
    else:
        spans = {room.id: _interval(room, query) for room in rooms}
    rooms = [room for room in rooms if _may_fit(room, spans[room.id], query, actor, now)]
    if not rooms:
        return []
    lo = min(start for start, _ in spans.values())
    hi = max(end for _, end in spans.values())
    pad = timedelta(minutes=max(room.buffer_minutes for room in rooms))
    blocks = approved_spans(session, [room.id for room in rooms], lo - pad, hi + pad)
    closures = _closures(session, {room.center_id for room in rooms}, lo, hi)
    hits = []
    for room in rooms:
        room_blocks = blocks.get(room.id, [])
        room_closures = [c for c in closures.get(room.center_id, [])
                         if c.room_id in (None, room.id)]
        if query.minutes is None:
            start, end = spans[room.id]
            if is_free_in(room, room_blocks, room_closures, start, end):
                hits.append(SearchHit(room, [(start, end)]))
            continue
        slots = first_slots(room, room_blocks, room_closures, spans[room.id], query.minutes,
                            now, _override(actor, room))
        if slots:
            hits.append(SearchHit(room, slots))
    return hits


def _override(actor: User | None, room: Room) -> bool:
    return overrides_rules(actor, room.center_id)


def _may_fit(room: Room, span: Span, query: SearchQuery, actor: User | None,
             now: datetime) -> bool:
    """The rules alone (no database) allow a booking of the room: the asked
    interval, or for "any time" a slot of the length at the room's opening."""
    override = _override(actor, room)
    if query.minutes is None:
        return not check_times(room, span[0], span[1], now, override=override)
    minutes = query.minutes
    if not room.min_duration_minutes <= minutes <= room.max_duration_minutes:
        return False
    return span[1] > now


def first_slots(
    room: Room,
    blocks: Sequence[tuple[datetime, datetime, datetime]],
    closures: list[Closure],
    day: Span,
    minutes: int,
    now: datetime,
    override: bool = False,
    limit: int = SLOTS_PER_ROOM,
) -> list[Span]:
    """The first slots of ``minutes`` in the room's free time of ``day`` within
    its opening hours, one per free interval (the earliest quarter hour in it
    that fits), at most ``limit``; each passes ``check_times``."""
    buffer = timedelta(minutes=room.buffer_minutes)
    taken = [(start - buffer, block_end) for start, _, block_end in blocks]
    taken += [(c.start_at, c.end_at) for c in closures]
    free_from = max(day[0], now)
    if free_from >= day[1]:
        return []
    length = timedelta(minutes=minutes)
    tz = room.center.tz
    slots: list[Span] = []
    for lo, hi in subtract(opening_windows(room, free_from, day[1]), taken):
        start = _next_step(lo, tz)
        if start + length <= hi and not check_times(room, start, start + length, now,
                                                    override=override):
            slots.append((start, start + length))
            if len(slots) >= limit:
                break
    return slots


def _next_step(instant: datetime, tz: ZoneInfo) -> datetime:
    """``instant`` rounded up to the next SLOT_STEP of the local wall clock."""
    local = instant.astimezone(tz)
    step = int(SLOT_STEP.total_seconds() // 60)
    floor = local.replace(minute=local.minute - local.minute % step, second=0, microsecond=0)
    if floor < local:
        floor += SLOT_STEP
    return floor.astimezone(UTC)
