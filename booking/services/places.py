"""Centers and rooms: creation and changes by admins, validated and audited.

The JSON API and the web admin pages both call these functions. Each one
checks every field, raises one ``RuleViolation`` naming all the broken ones,
changes the rows, writes an audit entry and flushes; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from booking.i18n.floors import MAX_LEVEL, MIN_LEVEL
from booking.i18n.text import one_line
from booking.models import (
    ACCESSIBILITY,
    FEATURES,
    HOLDING_TIME,
    Booking,
    Center,
    Room,
    User,
    utcnow,
)
from booking.models.places import ROOM_DEFAULTS
from booking.services import audit
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation, claiming

DEFAULT_TIMEZONE = "Europe/Istanbul"
MAX_NAME = 200
MAX_CAPACITY = 100_000
MAX_BUFFER_MINUTES = 24 * 60
MAX_DURATION_MINUTES = 24 * 60
MAX_ADVANCE_DAYS = 3 * 366
# Column lengths of the optional text fields (see booking/models/places.py).
CENTER_TEXT_LIMITS = {"district": 100, "address": 500, "postal_code": 10, "phone": 40,
                      "email": 254, "description": 5000}
ROOM_TEXT_LIMITS = {"description": 5000}
CENTER_FIELDS = {"name", "timezone", "is_active", "latitude", "longitude", "checkin_required",
                 *CENTER_TEXT_LIMITS}
ROOM_FIELDS = {
    "name", "capacity", "features", "accessibility", "requires_approval", "buffer_minutes",
    "opening_time", "closing_time", "min_duration_minutes", "max_duration_minutes",
    "max_advance_days", "is_active", "floor_level", "checkin_required", *ROOM_TEXT_LIMITS,
}
COORDINATE_RANGES = {"latitude": 90.0, "longitude": 180.0}


def _require_admin(actor: User | None) -> None:
    if actor is None or not actor.is_admin:
        raise NotAllowed(_l("Merkezleri ve salonları yalnızca yöneticiler düzenleyebilir."))


def valid_timezone(name: Any) -> bool:
    """True when ``name`` is an IANA zone this machine knows (e.g. Europe/Istanbul)."""
    if not isinstance(name, str) or not name or len(name) > 64 or "\x00" in name:
        return False
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - ZoneInfo raises several types for bad keys
        return False
    return True


def _clean_text(values: dict[str, Any], limits: dict[str, int], errors: list[FieldError]) -> None:
    for key, limit in limits.items():
        if key not in values:
            continue
        value = values[key]
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append(FieldError(key, _l("Metin olmalı.")))
            continue
        value = value.strip() if key == "description" else one_line(value)
        if len(value) > limit:
            errors.append(FieldError(key, _l("En fazla %(n)d karakter olabilir.", n=limit)))
        values[key] = value or None


def _clean_name(values: dict[str, Any], errors: list[FieldError]) -> None:
    name = values.get("name")
    name = one_line(name) if isinstance(name, str) else ""
    if not name:
        errors.append(FieldError("name", _l("Ad gerekli.")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", _l("Ad en fazla %(n)d karakter olabilir.", n=MAX_NAME)))
    values["name"] = name


def _check_int(values: dict[str, Any], key: str, low: int, high: int,
               errors: list[FieldError]) -> bool:
    value = values.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.append(FieldError(key, _l("%(low)d ile %(high)d arasında bir tam sayı olmalı.",
                                         low=low, high=high)))
        return False
    return True


CENTER_NAME_TAKEN = _l("Bu adla bir merkez zaten var.")
ROOM_NAME_TAKEN = _l("Bu merkezde bu adla bir salon zaten var.")
# A name another admin saved between the check and the write (see ``claiming``).
CENTER_NAME = {"uq_centers_name": FieldError("name", CENTER_NAME_TAKEN)}
ROOM_NAME = {"uq_rooms_center_id_name": FieldError("name", ROOM_NAME_TAKEN)}


def _name_taken(session: Session, rows: Select[int, str], name: str, own_id: int | None) -> bool:
    """Names compare without case in Python: SQLite's lower() knows only ASCII,
    and "Üsküdar" must clash with "üsküdar". Centers and rooms are few."""
    wanted = name.casefold()
    return any(other.casefold() == wanted and row_id != own_id
               for row_id, other in session.execute(rows))


def _check_coordinates(values: dict[str, Any], errors: list[FieldError]) -> None:
    """Latitude within ±90°, longitude within ±180°, both given or neither."""
    given = []
    for key, limit in COORDINATE_RANGES.items():
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not -limit <= value <= limit:
            errors.append(FieldError(key, _l("-%(limit)d ile %(limit)d arasında bir sayı olmalı.",
                                             limit=int(limit))))
            continue
        values[key] = float(value)
        given.append(key)
    if len(given) == 1:
        missing = "longitude" if given == ["latitude"] else "latitude"
        errors.append(FieldError(missing, _l("Enlem ve boylam birlikte girilmeli.")))


def _check_codes(values: dict[str, Any], key: str, known: Iterable[str],
                 errors: list[FieldError]) -> None:
    """A list of known codes (features, accessibility attributes), sorted, once each."""
    codes = values.get(key)
    if codes is None:
        codes = values[key] = []
    if not isinstance(codes, list | tuple | set) or not all(isinstance(c, str) for c in codes):
        errors.append(FieldError(key, _l("Bir liste olmalı.")))
        return
    unknown = sorted(set(codes) - set(known))
    if unknown:
        errors.append(FieldError(key, _l("Bilinmeyen değer: %(codes)s. Geçerli olanlar: "
                                         "%(known)s", codes=", ".join(unknown),
                                         known=", ".join(known))))
    values[key] = sorted(set(codes))


def _validate_center(session: Session, values: dict[str, Any], center_id: int | None) -> None:
    errors: list[FieldError] = []
    _clean_name(values, errors)
    _clean_text(values, CENTER_TEXT_LIMITS, errors)
    _check_coordinates(values, errors)
    if not valid_timezone(values.get("timezone")):
        errors.append(FieldError("timezone", _l("Geçerli bir saat dilimi girin (ör. Europe/Istanbul).")))
    for key in ("is_active", "checkin_required"):
        if not isinstance(values.get(key), bool):
            errors.append(FieldError(key, _l("Doğru ya da yanlış olmalı.")))
    if values["name"] and _name_taken(session, select(Center.id, Center.name), values["name"],
                                      center_id):
        errors.append(FieldError("name", CENTER_NAME_TAKEN))
    if errors:
        raise RuleViolation(errors)


def _validate_room(session: Session, values: dict[str, Any], center_id: int,
                   room_id: int | None) -> None:
    errors: list[FieldError] = []
    _clean_name(values, errors)
    _clean_text(values, ROOM_TEXT_LIMITS, errors)
    _check_int(values, "capacity", 1, MAX_CAPACITY, errors)
    _check_int(values, "buffer_minutes", 0, MAX_BUFFER_MINUTES, errors)
    _check_int(values, "max_advance_days", 1, MAX_ADVANCE_DAYS, errors)
    short = _check_int(values, "min_duration_minutes", 1, MAX_DURATION_MINUTES, errors)
    long = _check_int(values, "max_duration_minutes", 1, MAX_DURATION_MINUTES, errors)
    if short and long and values["max_duration_minutes"] < values["min_duration_minutes"]:
        errors.append(FieldError("max_duration_minutes",
                                 _l("En uzun süre en kısa süreden az olamaz.")))
    opening, closing = values.get("opening_time"), values.get("closing_time")
    for key, value in (("opening_time", opening), ("closing_time", closing)):
        if not isinstance(value, time) or value.tzinfo is not None:
            errors.append(FieldError(key, _l("Saat SS:DD biçiminde olmalı.")))
    if isinstance(opening, time) and isinstance(closing, time) and closing <= opening:
        errors.append(FieldError("closing_time", _l("Kapanış saati açılış saatinden sonra olmalı.")))
    for key in ("requires_approval", "is_active"):
        if not isinstance(values.get(key), bool):
            errors.append(FieldError(key, _l("Doğru ya da yanlış olmalı.")))
    if values.get("checkin_required") not in (None, True, False):
        errors.append(FieldError("checkin_required",
                                 _l("Doğru, yanlış ya da boş (merkezin ayarı) olmalı.")))
    _check_codes(values, "features", FEATURES, errors)
    _check_codes(values, "accessibility", ACCESSIBILITY, errors)
    if values.get("floor_level") is not None:
        _check_int(values, "floor_level", MIN_LEVEL, MAX_LEVEL, errors)
    if values["name"] and _name_taken(
            session, select(Room.id, Room.name).where(Room.center_id == center_id),
            values["name"], room_id):
        errors.append(FieldError("name", ROOM_NAME_TAKEN))
    if errors:
        raise RuleViolation(errors)


def _reject_unknown(changes: Iterable[str], allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple | set):
        return sorted(value)
    return value


def _diff(obj: Any, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {"from": _jsonable(getattr(obj, key)), "to": _jsonable(value)}
        for key, value in values.items()
        if _jsonable(getattr(obj, key)) != _jsonable(value)
    }


def get_center(session: Session, center_id: int) -> Center:
    center = session.get(Center, center_id)
    if center is None:
        raise NotFound(_l("Merkez bulunamadı."))
    return center


def get_room(session: Session, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound(_l("Salon bulunamadı."))
    return room


def _refuse_closing_with_bookings(session: Session, room_ids: Select, now: datetime) -> None:
    """A room (or center) cannot be closed for good while approved bookings
    still lie ahead: they would vanish from feeds and pages, their holders
    never told. Cancelling or moving them is a decision with a reason."""
    ahead = session.scalar(select(func.count()).select_from(Booking).where(
        Booking.room_id.in_(room_ids), Booking.status.in_(HOLDING_TIME),
        Booking.end_at > now)) or 0
    if ahead:
        raise RuleViolation.single("is_active", _l(
            "İleride %(n)d onaylı rezervasyon var; önce onları iptal edin ya da başka salona taşıyın.",
            n=ahead))


def create_center(session: Session, actor: User | None, *, name: str,
                  timezone: str | None = None, now: datetime | None = None,
                  **fields: Any) -> Center:
    """An admin opens a new center. ``fields``: district, address (the street
    line), postal_code, latitude and longitude (both or neither), phone, email,
    description, is_active. ``timezone`` defaults to Europe/Istanbul."""
    _require_admin(actor)
    _reject_unknown(fields, CENTER_FIELDS)
    values = dict.fromkeys([*CENTER_TEXT_LIMITS, *COORDINATE_RANGES]) \
        | {"is_active": True, "checkin_required": True} | fields
    values |= {"name": name, "timezone": timezone or DEFAULT_TIMEZONE}
    _validate_center(session, values, None)
    now = now or utcnow()
    center = Center(**values, created_at=now, updated_at=now)
    session.add(center)
    with claiming(CENTER_NAME):
        session.flush()
    audit.record(session, actor, "center", center.id, "create", at=now,
                 details={"name": center.name, "timezone": center.timezone})
    return center


def update_center(session: Session, actor: User | None, center_id: int, *,
                  now: datetime | None = None, **changes: Any) -> Center:
    """Change some of a center's fields (the others stay as they are)."""
    _require_admin(actor)
    _reject_unknown(changes, CENTER_FIELDS)
    center = get_center(session, center_id)
    values = {key: getattr(center, key) for key in CENTER_FIELDS} | changes
    _validate_center(session, values, center.id)
    changed = _diff(center, values)
    now = now or utcnow()
    if "is_active" in changed and not values["is_active"]:
        _refuse_closing_with_bookings(session, select(Room.id).where(Room.center_id == center.id), now)
    if changed:
        for key in changed:
            setattr(center, key, values[key])
        center.updated_at = now
        with claiming(CENTER_NAME):
            session.flush()
        audit.record(session, actor, "center", center.id, "update", at=now, details=changed)
    return center


def create_room(session: Session, actor: User | None, *, center_id: int, name: str,
                capacity: int, now: datetime | None = None, **fields: Any) -> Room:
    """An admin adds a room to a center. Unnamed settings take SPEC §3's defaults:
    approval required, no buffer, 08:00–22:00, 30–480 minutes, 180 days ahead."""
    _require_admin(actor)
    _reject_unknown(fields, ROOM_FIELDS)
    center = session.get(Center, center_id)
    if center is None:
        raise RuleViolation.single("center_id", _l("Merkez bulunamadı."))
    values = dict(ROOM_DEFAULTS) | fields | {"name": name, "capacity": capacity}
    _validate_room(session, values, center.id, None)
    now = now or utcnow()
    features, accessibility = values.pop("features"), values.pop("accessibility")
    room = Room(center=center, **values, created_at=now, updated_at=now)
    room.features, room.accessibility = features, accessibility
    session.add(room)
    with claiming(ROOM_NAME):
        session.flush()
    audit.record(session, actor, "room", room.id, "create", at=now,
                 details={"center_id": center.id, "name": room.name, "capacity": room.capacity})
    return room


def update_room(session: Session, actor: User | None, room_id: int, *,
                now: datetime | None = None, **changes: Any) -> Room:
    """Change some of a room's settings. Existing bookings are left as they are;
    the new rules apply to requests and changes from now on."""
    _require_admin(actor)
    _reject_unknown(changes, ROOM_FIELDS)
    room = get_room(session, room_id)
    values = {key: getattr(room, key) for key in ROOM_FIELDS} | changes
    _validate_room(session, values, room.center_id, room.id)
    changed = _diff(room, values)
    now = now or utcnow()
    if "is_active" in changed and not values["is_active"]:
        _refuse_closing_with_bookings(session, select(Room.id).where(Room.id == room.id), now)
    if changed:
        for key in changed:
            setattr(room, key, values[key])
        room.updated_at = now
        with claiming(ROOM_NAME):
            session.flush()
        audit.record(session, actor, "room", room.id, "update", at=now, details=changed)
    return room
