"""Subject, plain text and HTML of each message kind, in the recipient's language.

Templates live in ``templates/email/<kind>.txt`` and ``<kind>.html``. Times are
shown in the booking's center zone. Rendering needs an application context
(templates, Babel) but no request.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import format_date, format_time, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.calendar import ical
from booking.i18n import force_language
from booking.models import Booking, Center, Organization, OutboxMessage, User
from booking.notifications import kinds
from booking.notifications.mailer import Attachment


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    recipient_name: str | None
    attachments: tuple[Attachment, ...] = ()


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def when(booking: Booking) -> str:
    """'3 Mart 2030 Pazar 14:00–16:00' in the current locale and the center's zone."""
    zone = booking.room.center.tz
    start, end = _local(booking.start_at, zone), _local(booking.end_at, zone)
    day = format_date(start, "full", rebase=False)
    span = f"{format_time(start, 'short', rebase=False)}–{format_time(end, 'short', rebase=False)}"
    if end.date() != start.date():
        span = f"{span} ({format_date(end, 'medium', rebase=False)})"
    return f"{day} {span}"


def _subject(kind: str, ctx: dict[str, Any]) -> str:
    title = ctx["booking"].title if ctx.get("booking") is not None else ""
    subjects: dict[str, Callable[[], str]] = {
        kinds.REQUEST_RECEIVED: lambda: gettext("Talebiniz alındı: %(title)s", title=title),
        kinds.NEW_REQUEST: lambda: (
            gettext("Değiştirilen rezervasyon talebi: %(title)s", title=title)
            if ctx.get("changed")
            else gettext("Yeni rezervasyon talebi: %(title)s", title=title)
        ),
        kinds.APPROVED: lambda: gettext("Rezervasyonunuz onaylandı: %(title)s", title=title),
        kinds.REJECTED: lambda: gettext("Rezervasyon talebiniz reddedildi: %(title)s", title=title),
        kinds.AUTO_REJECTED: lambda: gettext(
            "Rezervasyon talebiniz otomatik olarak reddedildi: %(title)s", title=title
        ),
        kinds.CANCELLED: lambda: gettext("Rezervasyonunuz iptal edildi: %(title)s", title=title),
        kinds.REMINDER: lambda: gettext(
            "Hatırlatma: %(title)s, %(when)s", title=title, when=ctx.get("when", "")
        ),
        kinds.DIGEST: lambda: gettext(
            "Günlük özet: %(center)s, %(date)s", center=ctx["center"].name, date=ctx["day"]
        ),
        kinds.ESCALATION: lambda: gettext(
            "Başlangıcı yaklaşan bekleyen talep: %(title)s", title=title
        ),
        kinds.ORGANIZATION_VERIFIED: lambda: gettext(
            "Kuruluşunuz doğrulandı: %(name)s", name=ctx["organization"].name
        ),
    }
    return subjects[kind]()


def _bookings(session: Session, ids: list[int]) -> list[Booking]:
    if not ids:
        return []
    rows = session.scalars(select(Booking).where(Booking.id.in_(ids))).all()
    return sorted(rows, key=lambda b: (b.start_at, b.id))


def _context(session: Session, message: OutboxMessage) -> dict[str, Any]:
    data = dict(message.context or {})
    base_url = str(current_app.config["BASE_URL"]).rstrip("/")
    user = session.get(User, message.user_id) if message.user_id else None
    ctx: dict[str, Any] = {
        "message": message,
        "recipient_name": user.name if user else None,
        "base_url": base_url,
        "changed": bool(data.get("changed")),
        "reason": data.get("reason") or "",
        "offset_minutes": data.get("offset_minutes"),
        "when_of": when,
    }
    booking = message.booking
    if booking is not None:
        bookings = _bookings(session, data.get("booking_ids") or [booking.id]) or [booking]
        ctx.update(
            booking=booking,
            bookings=bookings,
            room=booking.room,
            center=booking.room.center,
            organization=booking.organization,
            booking_url=f"{base_url}/bookings/{booking.id}",
        )
        ctx["when"] = when(booking)
    if message.kind == kinds.ORGANIZATION_VERIFIED:
        ctx.update(organization=session.get(Organization, data["organization_id"]),
                   centers_url=f"{base_url}/centers", profile_url=f"{base_url}/profile")
    if message.kind == kinds.DIGEST:
        center = session.get(Center, data["center_id"])
        ctx.update(
            center=center,
            day=format_date(datetime.fromisoformat(data["date"]), "full", rebase=False),
            today=_bookings(session, data.get("today_ids", [])),
            pending=_bookings(session, data.get("pending_ids", [])),
            unrecorded=_bookings(session, data.get("unrecorded_ids", [])),
        )
    return ctx


def _attachments(message: OutboxMessage, ctx: dict[str, Any]) -> tuple[Attachment, ...]:
    """The approval's .ics: the same UIDs and SEQUENCE as the calendar feeds."""
    if message.kind != kinds.APPROVED or not ctx.get("bookings"):
        return ()
    bookings: list[Booking] = ctx["bookings"]
    first: Booking = ctx["booking"]
    if len(bookings) == 1:
        calendar = ical.single_booking_calendar(
            first, base_url=ctx["base_url"], language=message.language
        )
    else:
        options = ical.EventOptions(base_url=ctx["base_url"], private=True,
                                    language=message.language)
        calendar = ical.build_calendar(bookings, options, name=first.title,
                                       timezone=first.room.center.timezone)
    return (
        Attachment(
            filename=f"rezervasyon-{first.id}.ics",
            content=ical.serialize(calendar),
            maintype="text",
            subtype="calendar",
            params={"method": "PUBLISH", "charset": "utf-8"},
        ),
    )


def render(session: Session, message: OutboxMessage) -> Rendered:
    """Render one outbox message in its recipient's language."""
    with force_language(message.language):
        ctx = _context(session, message)
        subject = _subject(message.kind, ctx)
        text = render_template(f"email/{message.kind}.txt", **ctx)
        html = render_template(f"email/{message.kind}.html", subject=subject, **ctx)
    return Rendered(
        subject=subject,
        text=text,
        html=html,
        recipient_name=ctx.get("recipient_name"),
        attachments=_attachments(message, ctx),
    )


def digest_of(key: str) -> str:
    """A short, stable digest of a dedupe key, used in the Message-ID."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]
