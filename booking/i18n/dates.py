"""The dates of the interface: one style per context, in the reader's locale
(docs/web.md, "Dates"). Pages, e-mails and messages format dates only here.

=================  ==============================  ================================
context            Turkish                         English (en_GB)
=================  ==============================  ================================
heading, detail    9 Aralık 2026 Çarşamba          Wednesday, 9 December 2026
day in a list      9 Ara 2026                      9 Dec 2026
moment in a list   9 Ara 2026 14:05                9 Dec 2026, 14:05
clock              14:05                           14:05
=================  ==============================  ================================

Form inputs, CSV files, the API and calendar feeds are numeric (ISO 8601) and
never pass through these.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time, get_locale


def _wall(value: datetime, tz: str | ZoneInfo | None) -> datetime:
    """``value`` on the wall clock of ``tz`` (naive), or as given without a zone."""
    if tz is None or value.tzinfo is None:
        return value.replace(tzinfo=None)
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return value.astimezone(zone).replace(tzinfo=None)


def heading_day(value: date) -> str:
    """A day named in full, for headings, detail pages and e-mails."""
    return format_date(value, "full", rebase=False)


def list_day(value: date) -> str:
    """A day in a table, a list or a sentence: the medium date, no weekday."""
    return format_date(value, "medium", rebase=False)


def list_clock(value: datetime, tz: str | ZoneInfo | None = None) -> str:
    """A clock time on the 24-hour clock, in ``tz``."""
    return format_time(_wall(value, tz), "short", rebase=False)


def list_moment(value: datetime, tz: str | ZoneInfo | None = None) -> str:
    """A date and clock time in a table or a list (when something was written,
    sent, changed), in ``tz``: the medium date without the weekday."""
    wall = _wall(value, tz)
    pattern = get_locale().datetime_formats["medium"]
    return str(pattern).format(list_clock(wall), format_date(wall, "medium", rebase=False))


def span(start: datetime, end: datetime, tz: str | ZoneInfo, day: str = "heading") -> str:
    """A booking's time: its day (``heading`` or ``list`` style) and clock span,
    "9 Aralık 2026 Çarşamba 14:00–16:00"; an end on another day is named."""
    first, last = _wall(start, tz), _wall(end, tz)
    named = heading_day(first) if day == "heading" else list_day(first)
    text = f"{named} {list_clock(first)}–{list_clock(last)}"
    if last.date() != first.date():
        text = f"{text} ({list_day(last)})"
    return text
