"""VTIMEZONE components that every client reads the same way.

Why not ``Calendar.add_missing_timezones`` (icalendar 7.3)? Checked here:

- it lists a zone's later transitions as *one* multi-valued RDATE; Mozilla's
  ical.js (Thunderbird's parser, Nextcloud's calendar) reads only the first
  value of each RDATE and ignores DTSTART once an RDATE exists, so every
  summer event in Europe/Berlin came out an hour off;
- it writes a spring onset as the local time *after* the jump (03:00) where
  RFC 5545 §3.6.5 wants the local time before it, in TZOFFSETFROM (02:00).

So the transitions are read from ``zoneinfo`` and written the way Google,
Apple and Thunderbird write them: a yearly RRULE per kind of change when the
dates follow one (last Sunday of March…), otherwise one RDATE line per
transition. Only transitions from 2017 on are written (Turkey's old
summer time has shifted events in Outlook, Nextcloud calendar #4429).
"""
from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

FIRST_YEAR = 2017
LAST_YEAR = 2037
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# (is_dst, utc offset, name) of a zone at one instant.
State = tuple[bool, timedelta, str]


def _state(zone: ZoneInfo, instant: datetime) -> State:
    local = instant.astimezone(zone)
    return bool(local.dst()), local.utcoffset() or timedelta(0), local.tzname() or ""


@lru_cache(maxsize=64)
def transitions(tzid: str) -> tuple[State, tuple[tuple[datetime, State, State], ...]]:
    """The zone's state on 1 January FIRST_YEAR and each change until LAST_YEAR ends.

    A change is (first UTC instant of the new state, state before, state after).
    Scans day by day, then bisects to the second: cached, a few ms per zone.
    """
    zone = ZoneInfo(tzid)
    instant = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    first = current = _state(zone, instant)
    changes = []
    while instant < end:
        following = instant + timedelta(days=1)
        if _state(zone, following) != current:
            low, high = instant, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            after = _state(zone, high)
            changes.append((high.replace(microsecond=0), current, after))
            current = after
        instant = following
    return first, tuple(changes)


def _yearly_rule(onsets: list[datetime]) -> dict[str, object] | None:
    """An RRULE for onsets that fall on the same weekday rule each year, else None."""
    if len(onsets) < 2:
        return None
    first = onsets[0]
    same = all(
        (o.month, o.time(), o.weekday()) == (first.month, first.time(), first.weekday())
        and o.year == first.year + i
        for i, o in enumerate(onsets)
    )
    if not same:
        return None
    day_code = WEEKDAY_CODES[first.weekday()]
    if all(o.day + 7 > calendar.monthrange(o.year, o.month)[1] for o in onsets):
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"-1{day_code}"}
    nth = (first.day - 1) // 7 + 1
    if all((o.day - 1) // 7 + 1 == nth for o in onsets):
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{nth}{day_code}"}
    return None


def _observance(
    state: State, before: timedelta, start: datetime
) -> TimezoneStandard | TimezoneDaylight:
    is_dst, offset, name = state
    component = TimezoneDaylight() if is_dst else TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", before)
    component.add("tzoffsetto", offset)
    if name:
        component.add("tzname", name)
    return component


def vtimezone(tzid: str) -> Timezone:
    """A VTIMEZONE for ``tzid`` valid from FIRST_YEAR to LAST_YEAR (a new component)."""
    first, changes = transitions(tzid)
    tz = Timezone()
    tz.add("tzid", tzid)
    tz.add_component(_observance(first, first[1], datetime(FIRST_YEAR, 1, 1)))
    groups: dict[tuple[State, State], list[tuple[datetime, datetime]]] = {}
    for instant, before, after in changes:
        # The onset in local time before the change (RFC 5545 §3.6.5).
        onset = (instant + before[1]).replace(tzinfo=None)
        groups.setdefault((before, after), []).append((onset, instant))
    for (before, after), items in groups.items():
        onsets = [onset for onset, _ in items]
        component = _observance(after, before[1], onsets[0])
        rule = _yearly_rule(onsets)
        if rule is not None:
            if onsets[-1].year < LAST_YEAR:
                rule["UNTIL"] = items[-1][1]
            component.add("rrule", rule)
        else:
            for onset in onsets[1:]:
                component.add("rdate", onset)
        tz.add_component(component)
    return tz
