"""General assemblies (genel kurul, SPEC §9): a first date and a second one.

A call names the place, the first meeting and a second date, 7–60 calendar
days later (in the center's zone), for when the first has no quorum; it is
announced at least 15 days ahead. Both dates are booked together or not at all
(``create_pair``, reached through ``bookings.create_booking`` for the kind
``general_assembly``): a broken rule or a conflict on either refuses both, the
answer naming the date that failed (its fields are ``second_start`` /
``second_end``, its conflict's suggestions are for it). A first date less than
15 days away is a warning returned with the result, not a refusal.

They are one request: approving or rejecting either date decides both
(``follow``, called by the booking services after each change), and
cancelling the first cancels the second (a second date alone calls nobody);
cancelling the second alone leaves the first. "Quorum reached"
(``reach_quorum``) is recorded from the first meeting's start until the second
starts, by the organisation's members or the center's staff; it cancels the
second date through the one cancel path, which frees its time (offered to the
waitlist) and tells the organisation by e-mail.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.database import reads_under_lock
from booking.i18n import force_language
from booking.i18n.dates import heading_day, list_clock
from booking.models import Booking, BookingKind, BookingStatus, GeneralAssembly, Role, Room, User
from booking.services import audit
from booking.services import bookings as booking_service
from booking.services.access import get_visible_booking, require_owner_or_staff
from booking.services.assembly_dates import ACTIVE, assembly_of, days_between, gap_errors
from booking.services.booking_steps import hold
from booking.services.errors import (
    BookingConflict,
    FieldError,
    InvalidTransition,
    NotFound,
    RuleViolation,
)

NOTICE_DAYS = 15
SECOND_FIELDS = {"start": "second_start", "end": "second_end"}


def is_assembly(request: Any) -> bool:
    """The request is a general assembly's (or names a second date, which only one has)."""
    return str(request.kind) == BookingKind.GENERAL_ASSEMBLY.value \
        or request.second_start is not None or request.second_end is not None


def _check_pair(session: Session, actor: User, request: Any) -> Room:
    """The pair's own rules (the rest are every booking's, checked on each date)."""
    if str(request.kind) != BookingKind.GENERAL_ASSEMBLY.value:
        raise RuleViolation.single("second_start", _l("İkinci tarih yalnızca genel kurul için girilir."))
    errors = []
    if request.recurrence is not None:
        errors.append(FieldError("recurrence", _l("Genel kurul tekrarlanan bir seri olarak istenemez.")))
    if actor is not None and actor.role != Role.MEMBER and request.organization_id is None:
        errors.append(FieldError("organization_id",
                                 _l("Genel kurul bir kuruluş adına yapılır; kuruluşu seçin.")))
    if request.second_start is None or request.second_end is None:
        errors.append(FieldError("second_start",
                                 _l("İkinci toplantının tarihini ve saatlerini girin.")))
    room = session.get(Room, request.room_id)
    if room is None:
        errors.append(FieldError("room_id", _l("Salon bulunamadı.")))
    if errors or room is None:
        raise RuleViolation(errors)
    gap = gap_errors(room, request.start, request.second_start, "second_start")
    if gap:
        raise RuleViolation(gap)
    return room


def _book_second(session: Session, actor: User, request: Any, now: datetime, book: Any) -> Booking:
    """The second date, its refusal naming it: its fields, its conflict and suggestions."""
    second = replace(request, start=request.second_start, end=request.second_end,
                     second_start=None, second_end=None)
    try:
        result = book(session, actor, second, now)
    except RuleViolation as exc:
        raise RuleViolation([FieldError(SECOND_FIELDS.get(e.field, e.field), e.message)
                             for e in exc.errors]) from None
    except BookingConflict as exc:
        raise BookingConflict(_l("İkinci toplantı tarihi: %(message)s", message=exc.message),
                              exc.conflicts, exc.suggestions) from None
    return result.bookings[0]


def notice_warnings(room: Room, first_start: datetime, now: datetime) -> list[Any]:
    """The call must be announced 15 days ahead: a first date closer than that is warned of."""
    days = days_between(now, first_start, room)
    if days >= NOTICE_DAYS:
        return []
    return [_l("İlk toplantıya %(days)d gün var: genel kurul çağrısı toplantıdan en az %(min)d gün "
               "önce ilan edilmelidir.", days=days, min=NOTICE_DAYS)]


def create_pair(session: Session, actor: User, request: Any, now: datetime, book: Any) -> Any:
    """Book the first and the second date (``book`` books one), or neither."""
    room = _check_pair(session, actor, request)
    first_request = replace(request, second_start=None, second_end=None)
    first = book(session, actor, first_request, now).bookings[0]
    second = _book_second(session, actor, request, now, book)
    assembly = GeneralAssembly(organization_id=first.organization_id, first_booking_id=first.id,
                               second_booking_id=second.id, created_at=now)
    session.add(assembly)
    session.flush()
    # Not on the dates' own trail: each has its own "create" entry already.
    audit.record(session, actor, "general_assembly", assembly.id, "create",
                 details={"first_booking_id": first.id, "second_booking_id": second.id}, at=now)
    return booking_service.CreateResult([first, second], assembly=assembly,
                                        warnings=notice_warnings(room, first.start_at, now))


def follow(session: Session, actor: User, booking: Booking, action: str, reason: str | None,
           now: datetime) -> None:
    """After ``action`` on one date of an assembly: approving or rejecting it
    decides the other date still pending; cancelling the first cancels the second."""
    assembly = assembly_of(session, booking)
    if assembly is None:
        return
    other = assembly.second if booking.id == assembly.first_booking_id else assembly.first
    if reads_under_lock(session):
        session.refresh(other)  # as it is now: another writer may have decided it meanwhile
    if action == "approve" and other.status == BookingStatus.PENDING and other.start_at > now:
        try:
            booking_service.approve_booking(session, actor, other.id, now)
        except BookingConflict as exc:  # neither is approved: the caller rolls back
            raise BookingConflict(_l("Genel kurulun diğer tarihi: %(message)s",
                                     message=exc.message), exc.conflicts, exc.suggestions) from None
    elif action == "reject" and other.status == BookingStatus.PENDING:
        booking_service.reject_booking(session, actor, other.id, reason or "-", now)
    elif action == "cancel" and other is assembly.second and other.status in ACTIVE \
            and other.end_at > now:
        booking_service.cancel_loaded(session, actor, other, reason, now)


def _quorum_reason(booking: Booking) -> str:
    language = booking.created_by.language if booking.created_by else "tr"
    with force_language(language):
        return gettext("Genel kurul ilk toplantıda toplantı yeter sayısına ulaştı; "
                       "ikinci tarihe gerek kalmadı.")


def reach_quorum(session: Session, actor: User, booking_id: int, now: datetime) -> GeneralAssembly:
    """Record that the first meeting reached its quorum (toplantı yeter sayısı
    sağlandı) and cancel the second date: from the first's start until the
    second's. Members of the organisation and the center's staff; anyone else
    is told the booking does not exist."""
    booking = get_visible_booking(session, actor, booking_id)
    require_owner_or_staff(actor, booking)
    assembly = assembly_of(session, booking)
    if assembly is None:
        raise NotFound(_l("Bu rezervasyon bir genel kurul toplantısı değil."))
    first, second = assembly.first, assembly.second
    hold(session, first, second.room_id)
    if reads_under_lock(session):  # as they are now that both rooms are locked
        session.refresh(assembly)
        session.refresh(second)
    if assembly.quorum_reached_at is not None:
        raise InvalidTransition(_l("Toplantı yeter sayısının sağlandığı zaten kaydedildi."))
    if first.status != BookingStatus.APPROVED:
        raise InvalidTransition(_l("İlk toplantı onaylı değil; yeter sayı kaydedilemez."))
    if now < first.start_at:
        raise RuleViolation.single("quorum", _l(
            "Toplantı yeter sayısı ilk toplantı başladıktan sonra kaydedilebilir."))
    if now >= second.start_at:
        raise RuleViolation.single("quorum", _l(
            "İkinci toplantının zamanı geldi; yeter sayı artık ilk toplantı için kaydedilemez."))
    assembly.quorum_reached_at = now
    assembly.quorum_reached_by_id = actor.id
    audit.record(session, actor, "general_assembly", assembly.id, "quorum_reached",
                 booking_id=first.id, details={"second_booking_id": second.id}, at=now)
    if second.status in ACTIVE:
        booking_service.cancel_loaded(session, actor, second, _quorum_reason(second), now)
    return assembly


@dataclass(frozen=True)
class CallText:
    """The call's facts and its text, ready to copy (in the current language)."""

    first: Booking
    second: Booking
    text: str


def _when(booking: Booking) -> str:
    tz = booking.room.center.tz
    return gettext("%(day)s, saat %(start)s–%(end)s", day=heading_day(booking.start_at.astimezone(tz)
                                                                       .date()),
                   start=list_clock(booking.start_at, tz), end=list_clock(booking.end_at, tz))


def call_text(assembly: GeneralAssembly) -> CallText:
    """The çağrı metni: organisation, place (center, room, full address), both dates."""
    first, second = assembly.first, assembly.second
    center = first.room.center
    parts = [center.address, center.postal_code, center.district]
    if center.district and center.address and center.district in center.address:
        parts.remove(center.district)  # older rows name the district in the address
    address = ", ".join(part for part in parts if part)
    organization = first.organization.name if first.organization else center.name
    lines = [
        gettext("%(organization)s — Genel Kurul Toplantısı Çağrısı", organization=organization),
        "",
        gettext("%(organization)s genel kurul toplantısı aşağıda belirtilen yer ve tarihte "
                "yapılacaktır.", organization=organization),
        "",
        gettext("Yer: %(center)s, %(room)s", center=center.name, room=first.room.name),
        gettext("Adres: %(address)s", address=address or "-"),
        gettext("Birinci toplantı: %(when)s", when=_when(first)),
        gettext("İkinci toplantı (çoğunluk sağlanamadığı takdirde): %(when)s", when=_when(second)),
        "",
        gettext("İlk toplantıda çoğunluk sağlanamadığı takdirde ikinci toplantı aynı yerde, "
                "belirtilen tarih ve saatte yapılacaktır."),
    ]
    return CallText(first, second, "\n".join(lines))
