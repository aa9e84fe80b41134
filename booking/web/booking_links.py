"""The booking forms' links: a form filled from the query string (the week
grid, a suggested free slot), and the links that fill it."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for
from flask_login import current_user

from booking.forms import BookingForm, ChangeBookingForm
from booking.i18n.labels import FREQUENCY_CHOICES, WEEKDAY_CHOICES


def prefill_when(form: BookingForm | ChangeBookingForm, args: Any) -> None:
    """The day and times a link carries (a malformed one is left out)."""
    for name, parse in (("date", date.fromisoformat), ("start_time", time.fromisoformat),
                        ("end_time", time.fromisoformat)):
        try:
            if args.get(name):
                getattr(form, name).data = parse(args[name])
        except ValueError:
            pass


def prefill_new(form: BookingForm) -> None:
    """Fill a new form from the query string (the week grid and suggestions link here)."""
    args = request.args
    for name in ("room_id", "expected_attendees"):
        if args.get(name, "").isdigit():
            getattr(form, name).data = int(args[name])
    if args.get("organization_id", "").isdigit():
        form.organization_id.data = int(args["organization_id"])
    prefill_when(form, args)
    for name in ("title", "description", "kind", "category"):
        if args.get(name):
            getattr(form, name).data = args[name]
    if args.get("is_public") == "1":
        form.is_public.data = True
    # A suggestion for a series keeps the series (freq, interval, count or until, days).
    if args.get("freq") in {value for value, _ in FREQUENCY_CHOICES if value}:
        form.freq.data = args["freq"]
        for name in ("interval", "count"):
            if args.get(name, "").isdigit():
                getattr(form, name).data = int(args[name])
        try:
            if args.get("until"):
                form.until.data = date.fromisoformat(args["until"])
        except ValueError:
            pass
        days = {value for value, _ in WEEKDAY_CHOICES}
        form.byweekday.data = [d for d in args.getlist("byweekday") if d in days]
        if args.get("skip_conflicts") == "1":
            form.skip_conflicts.data = True


def suggestion_params(form: BookingForm, room_id: int, start: datetime, end: datetime,
                      tz: Any, anchor: date | None = None) -> dict[str, Any]:
    """The request form's fields at a suggested room and time, the rest as typed.

    For a series they keep the repetition; the suggestion is for the
    occurrence that conflicted (on ``anchor``), so the series' first date moves
    by as many days as the suggestion moves that occurrence."""
    day = start.astimezone(tz).date()
    if form.freq.data and anchor is not None and form.date.data is not None:
        day = form.date.data + (day - anchor)
    params: dict[str, Any] = {
        "room_id": room_id, "date": day.isoformat(),
        "start_time": start.astimezone(tz).strftime("%H:%M"),
        "end_time": end.astimezone(tz).strftime("%H:%M"),
        "title": form.title.data or "", "expected_attendees": form.expected_attendees.data or "",
        "kind": form.kind.data or "", "category": form.category.data or "",
        "description": form.description.data or "",
    }
    if form.is_public.data:
        params["is_public"] = "1"
    if current_user.is_staff and form.organization_id.data:
        params["organization_id"] = form.organization_id.data
    if form.freq.data:
        params["freq"] = form.freq.data
        params["interval"] = form.interval.data or 1
        if form.count.data is not None:
            params["count"] = form.count.data
        elif form.until.data is not None:
            params["until"] = form.until.data.isoformat()
        if form.freq.data == "weekly":
            params["byweekday"] = list(form.byweekday.data or [])
        if form.skip_conflicts.data:
            params["skip_conflicts"] = "1"
    return params


def suggestion_link(params: dict[str, Any]) -> str:
    """The request form again, filled with ``params`` (``suggestion_params``)."""
    return url_for("bookings.new") + "?" + urlencode(params, doseq=True)


def prefill_change(form: ChangeBookingForm) -> None:
    """The change form filled from the query string over the booking's own
    values: a suggested free time links here with what was typed so far."""
    args = request.args
    prefill_when(form, args)
    for name in ("title", "description", "kind", "category"):
        if name in args:
            getattr(form, name).data = args[name]
    if args.get("expected_attendees", "").isdigit():
        form.expected_attendees.data = int(args["expected_attendees"])
    if args.get("is_public") in ("0", "1"):
        form.is_public.data = args["is_public"] == "1"


def change_link(form: ChangeBookingForm, booking_id: int, start: datetime, end: datetime,
                tz: Any) -> str:
    """The change form again at a suggested free time, keeping the other fields as typed."""
    params = {
        "date": start.astimezone(tz).date().isoformat(),
        "start_time": start.astimezone(tz).strftime("%H:%M"),
        "end_time": end.astimezone(tz).strftime("%H:%M"),
        "title": form.title.data or "", "description": form.description.data or "",
        "kind": form.kind.data or "", "category": form.category.data or "",
        "expected_attendees": form.expected_attendees.data or "",
        "is_public": "1" if form.is_public.data else "0",
    }
    return url_for("bookings.edit", booking_id=booking_id) + "?" + urlencode(params)
