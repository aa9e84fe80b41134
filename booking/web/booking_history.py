"""A booking's history as people read it: each change of the audit trail as
(what, before, after) in the visitor's language and the center's zone."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_decimal, gettext

from booking.extensions import db
from booking.i18n import local_time
from booking.models import Room
from booking.web.ui import clock


def _when_text(start: datetime, end: datetime, tz: Any) -> str:
    """'24.11.2026 10:00–11:00' in the center's zone (the end's date only when it differs)."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    tail = clock(end, tz) if end.date() == start.date() else local_time(end, tz)
    return f"{local_time(start, tz)}–{tail}"


def describe_changes(details: dict[str, Any] | None, tz: Any) -> list[tuple[str, str, str]]:
    """An audit entry's {field: {from, to}} as (what, before, after) in the
    visitor's language and the center's zone: a moved booking reads
    "Zaman: 24.11.2026 10:00–11:00 → 24.11.2026 14:00–16:00"."""
    if not isinstance(details, dict):
        return []

    def pair(field: str) -> tuple[Any, Any]:
        value = details.get(field)
        return (value.get("from"), value.get("to")) if isinstance(value, dict) else (None, None)

    rows: list[tuple[str, str, str]] = []
    if "start" in details or "end" in details:
        # One line for the time: both ends of the interval, before and after.
        start, end = pair("start"), pair("end")
        try:
            times = [None if v is None else datetime.fromisoformat(v) for v in (*start, *end)]
        except (TypeError, ValueError):
            times = []
        if len(times) == 4:
            start_before, start_after, end_before, end_after = times
            # A field that did not change is not in the details: it kept its value.
            start_before = start_before or start_after
            start_after = start_after or start_before
            end_before = end_before or end_after
            end_after = end_after or end_before
            if start_before and end_before and start_after and end_after:
                rows.append((gettext("Zaman"), _when_text(start_before, end_before, tz),
                             _when_text(start_after, end_after, tz)))
    if "room_id" in details:
        names = []
        for room_id in pair("room_id"):
            room = db.session.get(Room, room_id) if isinstance(room_id, int) else None
            names.append(room.name if room is not None else str(room_id or "—"))
        rows.append((gettext("Salon"), names[0], names[1]))
    if "title" in details:
        before, after = pair("title")
        rows.append((gettext("Başlık"), str(before or ""), str(after or "")))
    if "expected_attendees" in details:
        before, after = pair("expected_attendees")
        rows.append((gettext("Beklenen katılımcı"),
                     "—" if before is None else format_decimal(before),
                     "—" if after is None else format_decimal(after)))
    return rows
