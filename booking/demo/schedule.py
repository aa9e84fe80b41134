"""Plans a believable year of bookings for the demo city, in memory.

Nothing here touches the database: ``plan_year`` returns closures, series and
bookings that already satisfy every rule of SPEC §2 (opening hours, durations,
capacity, buffers, closures, no overlap), and whose approved bookings add up to
exactly the requested meetings, programs and recorded attendees.
``booking.demo.seed`` writes them in bulk.
"""
from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.demo.city import (
    CANCEL_REASONS,
    GENERIC_MEETINGS,
    MEETING_TITLES,
    PROGRAM_TITLES,
    REJECT_REASONS,
    SERIES_TITLES,
    OrgPlan,
)
from booking.demo.plan import (
    ATTENDEES,
    DAY,
    MEETING_MINUTES,
    MEETINGS,
    MONTH_WEIGHT,
    PROGRAM_MINUTES,
    PROGRAMS,
    WEEKDAY_CODES,
    WEEKDAY_PARTS,
    WEEKDAY_WEIGHT,
    WEEKEND_PARTS,
    Calendar,
    PlannedBooking,
    PlannedClosure,
    PlannedSeries,
    RoomSlot,
    YearPlan,
    minute_of_day,
    utc_instant,
)
from booking.models import BookingKind, BookingStatus, Category
from booking.services.closures import LEAVE_REASON, LEAVE_SOURCE, turkish_holidays
from booking.services.leave_days import bridge_days

__all__ = ["ATTENDEES", "MEETINGS", "PROGRAMS", "RoomSlot", "YearPlan", "fit_total", "plan_upcoming",
           "plan_year", "upcoming_window"]


class Planner:
    def __init__(self, rng: random.Random, first: date, last: date, now: datetime,
                 rooms: list[RoomSlot], orgs: list[OrgPlan]) -> None:
        self.rng = rng
        self.now = now
        self.rooms = rooms
        self.orgs = [o for o in orgs if o.is_verified]
        self.calendar = Calendar()
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.day_weights = [MONTH_WEIGHT[d.month] * WEEKDAY_WEIGHT[d.weekday()] for d in self.days]
        self.closures: list[PlannedClosure] = []
        self.series: list[PlannedSeries] = []
        self.bookings: list[PlannedBooking] = []

    # -- closures ------------------------------------------------------------------
    def _centers(self) -> dict[int, list[RoomSlot]]:
        centers: dict[int, list[RoomSlot]] = {}
        for room in self.rooms:
            centers.setdefault(room.center_id, []).append(room)
        return centers

    def add_holidays(self) -> None:
        """Every Turkish public holiday in the planned days closes every center."""
        years = sorted({day.year for day in self.days})
        planned = set(self.days)
        for center_id, rooms in self._centers().items():
            for year in years:
                for holiday in turkish_holidays(year):
                    if holiday.day in planned:
                        # Half days close from 13:00 (services.closures).
                        start = holiday.starts.hour * 60 + holiday.starts.minute
                        self._close(center_id, rooms, None, holiday.day, start, DAY,
                                    holiday.name, "holiday")

    def add_leave(self, today: date) -> None:
        """Administrative leave (idari izin) on the next bridge day, may be past the window."""
        days = [d for y in range(today.year, today.year + 3) for d in bridge_days(y) if d > today]
        for (center_id, rooms), day in itertools.product(self._centers().items(), days[:1]):
            self._close(center_id, rooms, None, day, 0, DAY, LEAVE_REASON, LEAVE_SOURCE)

    def add_maintenance(self) -> None:
        """Some rooms close for a few days of works, two centers for a day."""
        centers = self._centers()
        for room in self.rng.sample(self.rooms, k=len(self.rooms) // 3):
            first = self.rng.choice(self.days[:-7])
            length = self.rng.randint(2, 4)
            reason = self.rng.choice(("Bakım: klima ve havalandırma", "Boya ve onarım",
                                      "Ses sistemi yenileme", "Zemin yenileme"))
            for n in range(length):
                self._close(room.center_id, [room], room, first + timedelta(days=n), 0, DAY,
                            reason, "manual")
        for center_id in sorted(centers)[:2]:
            day = self.rng.choice(self.days)
            self._close(center_id, centers[center_id], None, day, 0, DAY,
                        "Elektrik tesisatı bakımı", "manual")

    def _close(self, center_id: int, rooms: list[RoomSlot], room: RoomSlot | None, day: date,
               start: int, end: int, reason: str, source: str) -> None:
        for each in rooms:
            self.calendar.close(each, day, start, end)
        zone_room = rooms[0]
        end_at = utc_instant(zone_room, day + timedelta(days=1), 0) if end >= DAY \
            else utc_instant(zone_room, day, end)
        self.closures.append(PlannedClosure(center_id, room.id if room else None,
                                            utc_instant(zone_room, day, start), end_at, reason, source))

    # -- helpers -------------------------------------------------------------------
    def _created(self, start: datetime, days_before: tuple[int, int]) -> datetime:
        created = start - timedelta(days=self.rng.randint(*days_before),
                                    minutes=self.rng.randint(0, 8 * 60))
        return min(created, self.now - timedelta(minutes=5))

    def _expected(self, room: RoomSlot, low: float, high: float) -> int:
        return max(1, min(room.plan.capacity, round(room.plan.capacity * self.rng.uniform(low, high))))

    def _category(self, org: OrgPlan | None) -> Category:
        if org is not None and self.rng.random() < 0.8:
            return org.category
        return self.rng.choice(list(Category))

    def _title(self, kind: BookingKind, category: Category) -> str:
        if kind == BookingKind.PROGRAM:
            return self.rng.choice(PROGRAM_TITLES[category])
        if self.rng.random() < 0.25:
            return self.rng.choice(GENERIC_MEETINGS)
        return self.rng.choice(MEETING_TITLES[category])

    def _slot(self, room: RoomSlot, durations: tuple[tuple[int, int], ...]
              ) -> tuple[date, int, int] | None:
        """A random free (day, start, minutes) for ``room``, busier when people are free."""
        for _ in range(40):
            day = self.rng.choices(self.days, weights=self.day_weights)[0]
            parts = WEEKEND_PARTS if day.weekday() >= 5 else WEEKDAY_PARTS
            starts = self.rng.choices([p[1] for p in parts], weights=[p[0] for p in parts])[0]
            start = minute_of_day(self.rng.choice(starts))
            minutes = self.rng.choices([d for d, _ in durations], weights=[w for _, w in durations])[0]
            if self.calendar.fits(room, day, start, minutes):
                return day, start, minutes
        return None

    def _book(self, room: RoomSlot, org: OrgPlan | None, day: date, start: int, minutes: int,
              kind: BookingKind, expected: int, *, status: BookingStatus = BookingStatus.APPROVED,
              series: PlannedSeries | None = None, title: str | None = None,
              category: Category | None = None) -> PlannedBooking:
        start_at = utc_instant(room, day, start)
        category = category or self._category(org)
        booking = PlannedBooking(
            room=room, org=org, start=start_at, end=start_at + timedelta(minutes=minutes),
            kind=kind, category=category, title=title or self._title(kind, category),
            expected=expected, status=status,
            created_at=series.created_at if series else self._created(start_at, (3, 45)),
            is_public=self.rng.random() < 0.75, series=series,
        )
        if status == BookingStatus.APPROVED:
            self.calendar.take(room, day, start, minutes)
        self.bookings.append(booking)
        return booking

    # -- the year ------------------------------------------------------------------
    def add_series(self, count: int) -> None:
        """Weekly groups that meet through a school term (spring or autumn)."""
        small = [r for r in self.rooms if not r.plan.is_hall]
        terms = ((date(self.days[0].year, 2, 5), date(self.days[0].year, 6, 14)),
                 (date(self.days[0].year, 9, 16), date(self.days[0].year, 12, 20)))
        made = 0
        for _ in range(count * 100):
            if made == count:
                break
            room = self.rng.choice(small)
            org = self.rng.choice(self.orgs)
            term_start, term_end = self.rng.choice(terms)
            weekday = self.rng.choice((0, 1, 2, 3, 4, 5, 5))
            start = minute_of_day(self.rng.choice(("18:00", "18:30", "19:00")) if weekday < 5
                             else self.rng.choice(("10:00", "11:00", "14:00")))
            minutes = self.rng.choice((90, 120))
            if not self.calendar.within_rules(room, start, minutes):
                continue
            interval = 2 if self.rng.random() < 0.2 else 1
            first = term_start + timedelta(days=(weekday - term_start.weekday()) % 7)
            days = [first + timedelta(days=7 * interval * n)
                    for n in range((term_end - first).days // (7 * interval) + 1)]
            # Occurrences that meet a holiday or a closure are skipped, as the booking
            # engine does with skip_conflicts; a slot another group already holds is
            # not chosen at all.
            free = [day for day in days if self.calendar.fits(room, day, start, minutes)]
            if len(free) < 0.75 * len(days):
                continue
            made += 1
            dtstart = utc_instant(room, first, start)
            until = utc_instant(room, term_end, start + minutes)
            series = PlannedSeries(
                room=room, org=org,
                title=f"{self.rng.choice(SERIES_TITLES)} — {org.name}"[:200],
                rrule=(f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={WEEKDAY_CODES[weekday]};"
                       f"UNTIL={until:%Y%m%dT%H%M%SZ}"),
                dtstart_local=datetime.combine(first, time(start // 60, start % 60)).isoformat(),
                created_at=self._created(dtstart, (7, 20)),
            )
            self.series.append(series)
            expected = self._expected(room, 0.4, 0.85)
            for day in free:
                status = (BookingStatus.CANCELLED if self.rng.random() < 0.04
                          else BookingStatus.APPROVED)
                booking = self._book(room, org, day, start, minutes, BookingKind.MEETING,
                                     expected, status=status, series=series,
                                     title=series.title, category=org.category)
                if status == BookingStatus.CANCELLED:
                    booking.reason = self.rng.choice(CANCEL_REASONS)

    def add_one_offs(self, kind: BookingKind, count: int) -> None:
        weights: list[float]
        durations: tuple[tuple[int, int], ...]
        if kind == BookingKind.PROGRAM:
            rooms = [r for r in self.rooms if r.plan.is_hall]
            weights = [r.plan.capacity for r in rooms]
            durations, low, high = PROGRAM_MINUTES, 0.45, 0.9
        else:
            rooms = self.rooms
            weights = [1.5 if r.plan.is_hall else 2.5 if r.plan.capacity >= 40
                       else 2.5 if r.plan.name.startswith("Toplantı") else 1.2 for r in rooms]
            durations, low, high = MEETING_MINUTES, 0.5, 0.95
        made = 0
        for _ in range(count * 20):
            if made == count:
                break
            room = self.rng.choices(rooms, weights=weights)[0]
            slot = self._slot(room, durations)
            if slot is None:
                continue
            # A few meetings are the center's own (no organisation).
            org = None if kind == BookingKind.MEETING and self.rng.random() < 0.015 \
                else self.rng.choice(self.orgs)
            title = "Merkez koordinasyon toplantısı" if org is None else None
            self._book(room, org, *slot, kind, self._expected(room, low, high), title=title)
            made += 1
        if made < count:
            raise RuntimeError(f"the rooms are too full for {count} {kind.value}s")

    def add_refusals(self, cancelled: int, rejected: int) -> None:
        """Requests that never counted: cancelled by the NGO, or rejected by staff."""
        for _ in range(cancelled):
            room = self.rng.choice(self.rooms)
            slot = self._slot(room, MEETING_MINUTES)
            if slot is not None:
                booking = self._book(room, self.rng.choice(self.orgs), *slot, BookingKind.MEETING,
                                     self._expected(room, 0.3, 0.8),
                                     status=BookingStatus.CANCELLED)
                booking.reason = self.rng.choice(CANCEL_REASONS)
        approval_bookings = [b for b in self.bookings if b.status == BookingStatus.APPROVED
                             and b.room.plan.requires_approval and b.series is None]
        for taken in self.rng.sample(approval_bookings, k=min(rejected, len(approval_bookings))):
            # Another NGO asked for the same hall at the same time.
            rejection = PlannedBooking(
                room=taken.room, org=self.rng.choice(self.orgs), start=taken.start, end=taken.end,
                kind=BookingKind.MEETING, category=self._category(None),
                title=self._title(BookingKind.MEETING, self._category(None)),
                expected=self._expected(taken.room, 0.3, 0.8), status=BookingStatus.REJECTED,
                created_at=min(taken.created_at + timedelta(hours=self.rng.randint(1, 72)),
                               taken.start - timedelta(hours=1)),
                is_public=False, reason=REJECT_REASONS[0] if self.rng.random() < 0.7
                else self.rng.choice(REJECT_REASONS[1:]),
            )
            self.bookings.append(rejection)

    def add_requests(self, count: int) -> None:
        """Requests for halls that still wait for staff (pending may overlap each other)."""
        rooms = [r for r in self.rooms if r.plan.requires_approval]
        made = 0
        for _ in range(count * 20):
            if made == count:
                break
            room = self.rng.choice(rooms)
            slot = self._slot(room, MEETING_MINUTES)
            if slot is None or utc_instant(room, slot[0], slot[1]) <= self.now + timedelta(hours=2):
                continue
            kind = BookingKind.PROGRAM if room.plan.is_hall and self.rng.random() < 0.3 \
                else BookingKind.MEETING
            self._book(room, self.rng.choice(self.orgs), *slot, kind,
                       self._expected(room, 0.3, 0.8), status=BookingStatus.PENDING)
            made += 1

    def record_attendance(self, target: int | None) -> None:
        """Staff record who came to past events; the total is exactly ``target``
        (when given and reachable)."""
        past = [b for b in self.bookings
                if b.status == BookingStatus.APPROVED and b.end <= self.now]
        # Staff forget now and then: "events without recorded attendance" in the digest.
        recorded = [b for b in past if self.rng.random() >= 0.015]
        if not recorded:
            return
        values = [max(1, min(b.room.plan.capacity, round(b.expected * self.rng.uniform(0.7, 1.1))))
                  for b in recorded]
        caps = [b.room.plan.capacity for b in recorded]
        if target is None:
            target = sum(values)
        # A year still under way may have too few past events for the whole figure.
        target = max(len(values), min(target, sum(caps)))
        for booking, value in zip(recorded, fit_total(values, caps, target, self.rng), strict=True):
            booking.actual = value

    def add_history(self) -> None:
        """The audit trail each booking would have: created, decided, attended."""
        for b in self.bookings:
            approval = b.room.plan.requires_approval
            first = BookingStatus.PENDING if approval else BookingStatus.APPROVED
            b.history.append(("create", None, first.value, b.created_at, False, None))
            decided = min(b.created_at + timedelta(hours=self.rng.randint(2, 48)),
                          b.start - timedelta(minutes=30), self.now)
            if b.status == BookingStatus.REJECTED:
                b.history.append(("reject", "pending", "rejected", decided, True, b.reason))
                continue
            if approval and b.status != BookingStatus.PENDING:
                b.history.append(("approve", "pending", "approved", decided, True, None))
            if b.status == BookingStatus.CANCELLED:
                when = min(max(decided, b.start - timedelta(days=self.rng.randint(1, 6))),
                           self.now)
                b.history.append(("cancel", "approved", "cancelled", when, False, b.reason))
            if b.actual is not None:
                when = min(b.end + timedelta(hours=self.rng.randint(1, 40)), self.now)
                b.history.append(("attendance", None, None, when, True, None))


def fit_total(values: list[int], caps: list[int], target: int, rng: random.Random) -> list[int]:
    """Scale ``values`` (each within 1..cap) so they add up to exactly ``target``."""
    total = sum(values)
    if not len(values) <= target <= sum(caps):
        raise ValueError(f"cannot reach {target} attendees with {len(values)} events")
    factor = target / total
    values = [max(1, min(cap, round(v * factor))) for v, cap in zip(values, caps, strict=True)]
    order = list(range(len(values)))
    rng.shuffle(order)
    diff = target - sum(values)
    while diff:
        step = 1 if diff > 0 else -1
        for i in order:
            if diff == 0:
                break
            if (step > 0 and values[i] < caps[i]) or (step < 0 and values[i] > 1):
                values[i] += step
                diff -= step
    return values


UPCOMING_WEEKS = 5


def upcoming_window(now: datetime, zone: str, weeks: int = UPCOMING_WEEKS) -> tuple[date, date]:
    """The first and last day of the weeks planned by ``plan_upcoming``: from this
    week's Monday (local date) on."""
    today = now.astimezone(ZoneInfo(zone)).date()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=7 * weeks - 1)


def plan_upcoming(rng: random.Random, now: datetime, rooms: list[RoomSlot],
                  orgs: list[OrgPlan], weeks: int = UPCOMING_WEEKS) -> YearPlan:
    """The weeks around ``now`` (this week and the next ones), so calendars, the
    staff queue and the daily digest have something to show: approved bookings,
    pending requests, holidays as closures; attendance recorded for what is over."""
    monday, _ = upcoming_window(now, rooms[0].zone, weeks)
    planner = Planner(rng, monday, monday + timedelta(days=7 * weeks - 1), now, rooms, orgs)
    planner.add_holidays()
    planner.add_leave(now.astimezone(ZoneInfo(rooms[0].zone)).date())
    planner.add_one_offs(BookingKind.PROGRAM, 3 * weeks)
    planner.add_one_offs(BookingKind.MEETING, 45 * weeks)
    planner.add_requests(5 * weeks)
    planner.record_attendance(None)
    planner.add_history()
    planner.bookings.sort(key=lambda b: (b.start, b.room.id))
    return YearPlan(planner.closures, planner.series, planner.bookings)


def plan_year(rng: random.Random, year: int, now: datetime, rooms: list[RoomSlot],
              orgs: list[OrgPlan]) -> YearPlan:
    """A whole year: closures, weekly series, programs, meetings, refusals, attendance."""
    planner = Planner(rng, date(year, 1, 1), date(year, 12, 31), now, rooms, orgs)
    planner.add_holidays()
    planner.add_maintenance()
    planner.add_series(34)
    series_meetings = sum(1 for b in planner.bookings if b.status == BookingStatus.APPROVED)
    planner.add_one_offs(BookingKind.PROGRAM, PROGRAMS)
    planner.add_one_offs(BookingKind.MEETING, MEETINGS - series_meetings)
    planner.add_refusals(cancelled=150, rejected=85)
    planner.record_attendance(ATTENDEES)
    planner.add_history()
    planner.bookings.sort(key=lambda b: (b.start, b.room.id))
    return YearPlan(planner.closures, planner.series, planner.bookings)
