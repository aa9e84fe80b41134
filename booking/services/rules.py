"""The booking rules of SPEC §2, each failure naming its field."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from booking.i18n.dates import list_day
from booking.models import Organization, Room, User
from booking.models.places import MAX_DURATION_MINUTES
from booking.services.errors import FieldError, RuleViolation

MAX_TITLE = 200


def message_day(value: date | datetime) -> str:
    """A day as the services' messages name it, as lists do ("24 Kas 2026", "24 Nov 2026";
    ``booking.i18n.dates``)."""
    return list_day(value)


def local_instant(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    """A wall-clock time in ``tz`` (naive) as an aware instant.

    A time the clocks skip on a spring-forward night does not exist and is
    refused (else it would silently move by an hour, and an hour-long request
    could come out empty); a time repeated on an autumn night means its first
    pass (``fold=0``), the earlier instant. Aware input is kept as it is.
    """
    if value.tzinfo is not None:
        return value
    aware = value.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != value.replace(fold=0):
        raise RuleViolation.single(field, _l(
            "%(day)s günü saat %(time)s yok: o gece saatler ileri alınıyor. Başka bir saat seçin.",
            day=message_day(value), time=value.strftime("%H:%M"),
        ))
    return aware


def wall_clock(day: date, clock: time, tz: ZoneInfo, field: str) -> datetime:
    """``day`` at ``clock`` in ``tz`` (see ``local_instant``)."""
    return local_instant(datetime.combine(day, clock), tz, field)


# Control characters a title may not hold (RFC 5545 TEXT allows none of them):
# line breaks, tabs and the separators U+001C-U+001F become spaces instead
# (i18n.text.one_line), NUL is refused with its own message before this.
_CONTROL = re.compile("[\x01-\x08\x0e-\x1b\x7f]")


def check_request_fields(
    room: Room,
    title: str,
    expected_attendees: int,
    organization: Organization | None,
    actor: User,
    now: datetime | None = None,
) -> list[FieldError]:
    """Rules that do not depend on the occurrence's time. ``now`` is given for
    a new request (not for a change of an existing booking): an organisation
    whose verification ran out may not request anew."""
    errors: list[FieldError] = []
    if not room.is_active:
        errors.append(FieldError("room_id", _l("Bu salon şu anda rezervasyona kapalı.")))
    if not (title or "").strip():
        errors.append(FieldError("title", _l("Başlık gerekli.")))
    elif len(title) > MAX_TITLE:
        errors.append(FieldError("title", _l("Başlık en fazla %(n)d karakter olabilir.", n=MAX_TITLE)))
    elif _CONTROL.search(title):
        errors.append(FieldError("title", _l("Başlık görünmeyen denetim karakterleri içeremez.")))
    if not isinstance(expected_attendees, int) or isinstance(expected_attendees, bool) \
            or expected_attendees < 1:
        errors.append(FieldError("expected_attendees", _l("Beklenen katılımcı sayısı en az 1 olmalı.")))
    elif expected_attendees > room.capacity:
        errors.append(FieldError(
            "expected_attendees",
            _l("Bu salon en fazla %(n)d kişiliktir.", n=room.capacity),
        ))
    if organization is not None and organization.closed_at is not None:
        errors.append(FieldError("organization_id", _l("Bu kuruluş kapatıldı; adına rezervasyon "
                                                       "yapılamaz.")))
    elif organization is not None and not organization.is_verified:
        # SPEC §2: staff may override the advance window and hours, not this.
        errors.append(FieldError("organization_id", _l(
            "Bu kuruluş henüz doğrulanmadı; önce doğrulayın, sonra adına rezervasyon yapın."
        ) if actor.is_staff else _l(
            "Kuruluşunuz henüz doğrulanmadı; doğrulandıktan sonra rezervasyon yapabilirsiniz."
        )))
    elif organization is not None and now is not None and verification_lapsed(organization, now):
        errors.append(lapsed_error(organization, actor))
    return errors


def verification_lapsed(organization: Organization, now: datetime) -> bool:
    """Whether the organisation's latest verification ran out by ``now``
    (SPEC §9: VERIFICATION_VALID_DAYS after it). An organisation verified
    without a recorded verification (by a command) never lapses."""
    expires = organization.verification_expires_at
    return organization.is_verified and expires is not None and expires <= now


def lapsed_error(organization: Organization, actor: User) -> FieldError:
    """What a request of an organisation whose verification ran out is told:
    what to do (existing bookings stay as they are)."""
    day = message_day(organization.verification_expires_at or datetime.min)
    if actor.is_staff:
        return FieldError("organization_id", _l(
            "Bu kuruluşun doğrulamasının süresi %(day)s günü doldu; adına yeni rezervasyon "
            "yapmadan önce doğrulamayı yenileyin (Kuruluşlar → Doğrulaması yaklaşanlar).", day=day))
    return FieldError("organization_id", _l(
        "Kuruluşunuzun doğrulamasının süresi %(day)s günü doldu; yeni talepte bulunmak için "
        "doğrulamayı yeniletin: merkeze kuruluşunuzun güncel kayıt belgesini (DERBİS, VGM ya da "
        "MERSİS kaydı) ve temsilcinin yetki belgesini gösterin. Mevcut rezervasyonlarınız "
        "geçerliliğini korur.", day=day))


def check_times(
    room: Room,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    override: bool = False,
) -> list[FieldError]:
    """Rules about one occurrence's interval. ``override``: staff may ignore
    opening hours and the advance window (never the past, never durations)."""
    errors: list[FieldError] = []
    if end <= start:
        return [FieldError("end", _l("Bitiş zamanı başlangıçtan sonra olmalı."))]
    minutes = (end - start).total_seconds() / 60
    if minutes < room.min_duration_minutes:
        errors.append(FieldError(
            "end", _l("Rezervasyon en az %(n)d dakika sürmeli.", n=room.min_duration_minutes)
        ))
    if minutes > min(room.max_duration_minutes, MAX_DURATION_MINUTES):
        errors.append(FieldError(
            "end", _l("Rezervasyon en fazla %(n)d dakika sürebilir.", n=room.max_duration_minutes)
        ))
    if start < now:
        errors.append(FieldError("start", _l("Geçmiş bir zaman için rezervasyon yapılamaz.")))
    if override:
        return errors
    tz = room.center.tz
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if (
        local_start.date() != local_end.date()
        or local_start.time() < room.opening_time
        or local_end.time() > room.closing_time
    ):
        errors.append(FieldError(
            "start",
            _l(
                "Salon %(open)s ile %(close)s arasında kullanılabilir.",
                open=room.opening_time.strftime("%H:%M"),
                close=room.closing_time.strftime("%H:%M"),
            ),
        ))
    if start > now + timedelta(days=room.max_advance_days):
        errors.append(FieldError(
            "start",
            _l("En fazla %(n)d gün sonrası için rezervasyon yapılabilir.", n=room.max_advance_days),
        ))
    return errors
