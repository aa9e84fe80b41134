"""Subject, plain text and HTML of each message kind, in the recipient's language.

Templates live in ``templates/email/<kind>.txt`` and ``<kind>.html``. Times are
shown in the booking's center zone. Rendering needs an application context
(templates, Babel) but no request.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.i18n import dates, force_language
from booking.models import Booking, Center, Organization, OutboxMessage, User
from booking.notifications import invitations, kinds
from booking.notifications.mailer import Attachment
from booking.services.service_tasks import task_rows


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    recipient_name: str | None
    attachments: tuple[Attachment, ...] = ()
    # The iTIP invitation, a text/calendar alternative (invitations.py).
    calendar: Attachment | None = None


def when(booking: Booking) -> str:
    """'3 Mart 2030 Pazar 14:00–16:00' in the current locale and the center's
    zone: a booking's time on its page and as the subject of an e-mail."""
    return dates.span(booking.start_at, booking.end_at, booking.room.center.tz)


def when_listed(booking: Booking) -> str:
    """'3 Mar 2030 Paz 14:00–16:00': a booking's time in a table or a list."""
    return dates.span(booking.start_at, booking.end_at, booking.room.center.tz, day="list")


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
        kinds.CHANGED: lambda: gettext("Rezervasyonunuz değişti: %(title)s", title=title),
        kinds.INVITATION: lambda: gettext(
            "Takvim daveti: %(title)s, %(when)s", title=title, when=ctx.get("when", "")
        ),
        kinds.REMINDER: lambda: gettext(
            "Hatırlatma: %(title)s, %(when)s", title=title, when=ctx.get("when", "")
        ),
        kinds.DIGEST: lambda: gettext(
            "Günlük özet: %(center)s, %(date)s", center=ctx["center"].name, date=ctx["day"]
        ),
        kinds.ESCALATION: lambda: gettext(
            "Başlangıcı yaklaşan bekleyen talep: %(title)s", title=title
        ),
        kinds.NO_SHOW: lambda: gettext(
            "Varış kaydı yapılmadı, salon serbest bırakıldı: %(title)s", title=title
        ),
        kinds.ORGANIZATION_VERIFIED: lambda: gettext(
            "Kuruluşunuz doğrulandı: %(name)s", name=ctx["organization"].name
        ),
        kinds.VERIFICATION_DUE: lambda: gettext(
            "Kuruluşunuzun doğrulaması %(day)s tarihinde sona eriyor: %(name)s",
            day=ctx["expires_on"], name=ctx["organization"].name
        ),
        kinds.RETENTION_NOTICE: lambda: gettext(
            "Hesabınız %(day)s tarihinde anonimleştirilecek", day=ctx["on_day"]
        ),
        kinds.WAITLIST_OFFER: lambda: gettext(
            "Beklediğiniz saat boşaldı, sizin için ayrıldı: %(title)s", title=title
        ),
        kinds.OFFER_DECLINED: lambda: gettext("Teklifi geri çevirdiniz: %(title)s", title=title),
        kinds.OFFER_EXPIRED: lambda: gettext("Teklifin süresi doldu: %(title)s", title=title),
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
        "user": user,
        "recipient_name": user.name if user else None,
        "base_url": base_url,
        "changed": bool(data.get("changed")),
        "reason": data.get("reason") or "",
        "offset_minutes": data.get("offset_minutes"),
        "when_of": when_listed,
        "grace_minutes": int(current_app.config["CHECKIN_GRACE_MINUTES"]),
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
        ctx["waitlist_url"] = f"{base_url}/waitlist"
        if booking.offer_expires_at is not None:
            ctx["offer_until"] = dates.list_moment(booking.offer_expires_at,
                                                   booking.room.center.tz)
    if message.kind == kinds.ORGANIZATION_VERIFIED:
        ctx.update(organization=session.get(Organization, data["organization_id"]),
                   centers_url=f"{base_url}/centers", profile_url=f"{base_url}/profile")
    if message.kind == kinds.VERIFICATION_DUE:
        ctx.update(organization=session.get(Organization, data["organization_id"]),
                   expires_on=dates.heading_day(datetime.fromisoformat(data["expires_at"]).date()),
                   centers_url=f"{base_url}/centers")
    if message.kind == kinds.RETENTION_NOTICE:
        ctx.update(on_day=dates.heading_day(date.fromisoformat(data["on"])),
                   login_url=f"{base_url}/login", privacy_url=f"{base_url}/privacy")
    if message.kind == kinds.DIGEST:
        center = session.get(Center, data["center_id"])
        ctx.update(
            center=center,
            day=dates.heading_day(date.fromisoformat(data["date"])),
            today=_bookings(session, data.get("today_ids", [])),
            pending=_bookings(session, data.get("pending_ids", [])),
            unrecorded=_bookings(session, data.get("unrecorded_ids", [])),
            tasks=task_rows(session, data.get("task_ids", [])),
            tasks_url=f"{base_url}/staff/tasks?center_id={center.id if center else ''}"
                      f"&day={data['date']}",
            deletions_open=int(data.get("deletions_open") or 0),
            deletions_overdue=int(data.get("deletions_overdue") or 0),
            deletions_url=f"{base_url}/staff/deletion-requests",
        )
    return ctx


def render(session: Session, message: OutboxMessage) -> Rendered:
    """Render one outbox message in its recipient's language."""
    with force_language(message.language):
        ctx = _context(session, message)
        user = ctx["user"]
        calendar = invitations.calendar_part(session, message, ctx, user)
        ctx["invitation"] = calendar is not None
        subject = _subject(message.kind, ctx)
        text = render_template(f"email/{message.kind}.txt", **ctx)
        html = render_template(f"email/{message.kind}.html", subject=subject, **ctx)
    return Rendered(
        subject=subject,
        text=text,
        html=html,
        recipient_name=ctx.get("recipient_name"),
        attachments=invitations.ics_attachment(message, ctx),
        calendar=calendar,
    )


def digest_of(key: str) -> str:
    """A short, stable digest of a dedupe key, used in the Message-ID."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]
