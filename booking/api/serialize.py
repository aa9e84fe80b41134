"""ORM objects to the API's output models, datetimes in the center's offset;
and the reverse for inputs: a datetime without an offset is read in a zone."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo

from flask import current_app

from booking.api import schemas as s
from booking.extensions import db
from booking.models import (
    ApiToken,
    Booking,
    Center,
    Closure,
    GeneralAssembly,
    Organization,
    Role,
    Room,
    RoomPhoto,
    User,
    WaitlistEntry,
    WaitlistState,
)
from booking.services import general_assembly
from booking.services.access import can_view
from booking.services.intervals import Interval, SkippedOccurrence
from booking.services.rules import local_instant
from booking.web.photos import photo_url


def default_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])


def localize(value: datetime, tz: ZoneInfo, field: str = "time") -> datetime:
    """An input instant: kept when it carries an offset, else read in ``tz``; UTC out.
    A local time skipped by a spring clock change is a 422 on ``field``."""
    return local_instant(value, tz, field).astimezone(UTC)


@overload
def _in(value: datetime, tz: ZoneInfo) -> datetime: ...
@overload
def _in(value: datetime | None, tz: ZoneInfo) -> datetime | None: ...
def _in(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.astimezone(tz) if value is not None else None


def booking(b: Booking) -> s.BookingOut:
    tz = b.room.center.tz
    return s.BookingOut(
        id=b.id, room_id=b.room_id, center_id=b.room.center_id,
        organization_id=b.organization_id, title=b.title, description=b.description,
        kind=b.kind, category=b.category, start=_in(b.start_at, tz), end=_in(b.end_at, tz),
        expected_attendees=b.expected_attendees, actual_attendees=b.actual_attendees,
        status=b.status, status_reason=b.status_reason, is_public=b.is_public,
        series_id=b.series_id, offer_expires_at=_in(b.offer_expires_at, tz),
        created_at=_in(b.created_at, tz), updated_at=_in(b.updated_at, tz),
        checked_in_at=_in(b.checked_in_at, tz), requires_checkin=b.room.requires_checkin,
        assembly=_assembly_of(b),
    )


def _assembly_of(b: Booking) -> s.AssemblyOut | None:
    found = general_assembly.assembly_of(db.session(), b)
    return assembly(found) if found is not None else None


def _date(b: Booking) -> s.AssemblyDateOut:
    tz = b.room.center.tz
    return s.AssemblyDateOut(booking_id=b.id, start=_in(b.start_at, tz), end=_in(b.end_at, tz),
                             status=b.status)


def assembly(a: GeneralAssembly) -> s.AssemblyOut:
    """A general assembly's pair, with the call text in the answer's language."""
    return s.AssemblyOut(
        id=a.id, organization_id=a.organization_id, first=_date(a.first), second=_date(a.second),
        quorum_reached_at=_in(a.quorum_reached_at, a.first.room.center.tz),
        call_text=general_assembly.call_text(a).text,
    )


def waitlist_entry(e: WaitlistEntry) -> s.WaitlistEntryOut:
    tz = e.room.center.tz
    offer = e.booking if e.state == WaitlistState.OFFERED else None
    return s.WaitlistEntryOut(
        id=e.id, room_id=e.room_id, center_id=e.room.center_id, organization_id=e.organization_id,
        title=e.title, start=_in(e.start_at, tz), end=_in(e.end_at, tz),
        expected_attendees=e.expected_attendees, state=e.state, created_at=_in(e.created_at, tz),
        closed_at=_in(e.closed_at, tz), booking_id=e.booking_id,
        offer_expires_at=_in(offer.offer_expires_at, tz) if offer is not None else None,
    )


def shows_booking(viewer: User | None, booking: Booking | None) -> bool:
    """May ``viewer`` learn which booking this is (its id, its title)? Only a
    caller who may open it: asking for it by id would answer them 404 otherwise.
    Availability's busy times and conflicts in 409 answers both follow this."""
    return booking is not None and viewer is not None and can_view(viewer, booking)


def visible_booking_id(viewer: User | None, booking_id: int | None) -> int | None:
    """``booking_id`` if ``viewer`` may see that booking, else None."""
    if booking_id is None or viewer is None:
        return None
    return booking_id if shows_booking(viewer, db.session.get(Booking, booking_id)) else None


def interval(i: Interval, tz: ZoneInfo, viewer: User | None) -> s.IntervalOut:
    """A conflicting booking or closure; ``booking_id`` only for who may see the booking."""
    return s.IntervalOut(start=_in(i.start, tz), end=_in(i.end, tz), kind=i.kind,
                         booking_id=visible_booking_id(viewer, i.booking_id), room_id=i.room_id)


def skipped(item: SkippedOccurrence, tz: ZoneInfo, viewer: User | None) -> s.SkippedOut:
    return s.SkippedOut(start=_in(item.start, tz), end=_in(item.end, tz), reason=str(item.reason),
                        conflicts=[interval(c, tz, viewer) for c in item.conflicts])


def center(c: Center) -> s.CenterOut:
    return s.CenterOut.model_validate(c)


def photo(p: RoomPhoto) -> s.PhotoOut:
    root = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return s.PhotoOut(url=root + photo_url(p), thumbnail_url=root + photo_url(p, "thumbnail"),
                      width=p.width, height=p.height, content_type=p.content_type,
                      alt_text=p.alt_text, alt_text_en=p.alt_text_en)


def room(r: Room) -> s.RoomOut:
    return s.RoomOut(
        id=r.id, center_id=r.center_id, name=r.name, description=r.description,
        floor_level=r.floor_level, capacity=r.capacity, features=r.features,
        accessibility=r.accessibility, photos=[photo(p) for p in r.photos],
        requires_approval=r.requires_approval,
        buffer_minutes=r.buffer_minutes, opening_time=r.opening_time.strftime("%H:%M"),
        closing_time=r.closing_time.strftime("%H:%M"),
        min_duration_minutes=r.min_duration_minutes, max_duration_minutes=r.max_duration_minutes,
        max_advance_days=r.max_advance_days, is_active=r.is_active, timezone=r.center.timezone,
        checkin_required=r.checkin_required, requires_checkin=r.requires_checkin,
    )


def closure(c: Closure) -> s.ClosureOut:
    tz = c.center.tz
    return s.ClosureOut(id=c.id, center_id=c.center_id, room_id=c.room_id,
                        start=_in(c.start_at, tz), end=_in(c.end_at, tz), reason=c.reason,
                        source=c.source)


def organization(o: Organization) -> s.OrganizationOut:
    tz = default_tz()
    return s.OrganizationOut(
        id=o.id, name=o.name, kind=o.kind, registry_number=o.registry_number, email=o.email,
        phone=o.phone, website=o.website, description=o.description, is_verified=o.is_verified,
        verified_at=_in(o.verified_at, tz),
        verification_expires_at=_in(o.verification_expires_at, tz),
        created_at=_in(o.created_at, tz),
    )


def user(u: User) -> s.UserOut:
    return s.UserOut(id=u.id, email=u.email, name=u.name, role=u.role,
                     organization_id=u.organization_id,
                     organization_role=u.organization_role if u.role == Role.MEMBER else None,
                     center_ids=sorted(u.center_ids),
                     language=u.language, calendar_invitations=u.calendar_invitations,
                     is_active=u.is_active,
                     created_at=_in(u.created_at, default_tz()))


def token(t: ApiToken) -> s.TokenOut:
    tz = default_tz()
    return s.TokenOut(id=t.id, name=t.name, prefix=t.prefix, created_at=_in(t.created_at, tz),
                      last_used_at=_in(t.last_used_at, tz), revoked_at=_in(t.revoked_at, tz))
