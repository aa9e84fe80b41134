"""Centers and rooms service: defaults, validation, admin-only, audit."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.models import AuditEntry, BookingStatus, Role
from booking.services import places
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from tests.support.factories import make_booking, make_center, make_room, make_user


@pytest.fixture
def admin(session):
    user = make_user(session, Role.ADMIN)
    session.commit()
    return user


def _fields(exc: pytest.ExceptionInfo[RuleViolation]) -> set[str]:
    return {error.field for error in exc.value.errors}


def test_creating_a_center_defaults_to_istanbul_and_is_audited(session, admin):
    center = places.create_center(session, admin, name="  Kadıköy Merkezi ", address="Moda")
    assert (center.name, center.timezone, center.address, center.is_active) == \
        ("Kadıköy Merkezi", "Europe/Istanbul", "Moda", True)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "center"))
    assert entry.action == "create" and entry.entity_id == center.id and entry.actor_id == admin.id


def test_center_names_are_unique_ignoring_case_and_zones_must_exist(session, admin):
    places.create_center(session, admin, name="Bornova")
    with pytest.raises(RuleViolation) as exc:
        places.create_center(session, admin, name="BORNOVA", timezone="Mars/Olympus")
    assert _fields(exc) == {"name", "timezone"}


@pytest.mark.parametrize("zone", ["../etc/passwd", "/abs", "Europe/Istanbul\x00", 7, "x" * 100])
def test_invalid_time_zones_are_a_field_error_not_a_crash(session, admin, zone):
    with pytest.raises(RuleViolation) as exc:
        places.create_center(session, admin, name="Merkez", timezone=zone)
    assert _fields(exc) == {"timezone"}


def test_only_admins_manage_centers_and_rooms(session):
    staff = make_user(session, Role.STAFF)
    center = make_center(session)
    session.commit()
    with pytest.raises(NotAllowed):
        places.create_center(session, staff, name="Yeni")
    with pytest.raises(NotAllowed):
        places.create_room(session, staff, center_id=center.id, name="Salon", capacity=10)
    with pytest.raises(NotAllowed):
        places.update_center(session, None, center.id, name="Başka")


def test_room_defaults_follow_the_spec(session, admin):
    center = make_center(session)
    room = places.create_room(session, admin, center_id=center.id, name="Salon A", capacity=30,
                              features=["projector", "wifi", "projector"])
    assert room.requires_approval is True and room.buffer_minutes == 0
    assert (room.opening_time, room.closing_time) == (time(8, 0), time(22, 0))
    assert (room.min_duration_minutes, room.max_duration_minutes, room.max_advance_days) == \
        (30, 480, 180)
    assert room.features == ["projector", "wifi"]


def test_room_validation_names_every_broken_field(session, admin):
    center = make_center(session)
    places.create_room(session, admin, center_id=center.id, name="Salon A", capacity=30)
    with pytest.raises(RuleViolation) as exc:
        places.create_room(
            session, admin, center_id=center.id, name="salon a", capacity=0,
            buffer_minutes=-5, opening_time=time(20, 0), closing_time=time(9, 0),
            min_duration_minutes=120, max_duration_minutes=60, features=["jacuzzi"],
            max_advance_days=True,
        )
    assert _fields(exc) == {"name", "capacity", "buffer_minutes", "closing_time",
                            "max_duration_minutes", "features", "max_advance_days"}


def test_a_room_needs_an_existing_center(session, admin):
    with pytest.raises(RuleViolation) as exc:
        places.create_room(session, admin, center_id=999_999, name="Salon", capacity=5)
    assert _fields(exc) == {"center_id"}


def test_updating_a_room_changes_only_the_given_fields_and_records_the_difference(session, admin):
    center = make_center(session)
    room = places.create_room(session, admin, center_id=center.id, name="Salon", capacity=30)
    places.update_room(session, admin, room.id, capacity=45, closing_time=time(23, 0),
                       features=["kitchen"])
    assert (room.capacity, room.closing_time, room.features, room.name) == \
        (45, time(23, 0), ["kitchen"], "Salon")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "room",
                                                    AuditEntry.action == "update"))
    assert entry.details["capacity"] == {"from": 30, "to": 45}
    assert entry.details["closing_time"] == {"from": "22:00", "to": "23:00"}


def test_an_update_that_breaks_a_rule_changes_nothing(session, admin):
    center = make_center(session)
    room = places.create_room(session, admin, center_id=center.id, name="Salon", capacity=30)
    with pytest.raises(RuleViolation):
        places.update_room(session, admin, room.id, capacity=10, min_duration_minutes=600)
    assert room.capacity == 30


def test_updating_a_missing_room_or_center_is_not_found(session, admin):
    with pytest.raises(NotFound):
        places.update_room(session, admin, 424242, capacity=3)
    with pytest.raises(NotFound):
        places.update_center(session, admin, 424242, name="x")


def test_update_center_keeps_its_own_name_and_changes_zone(session, admin):
    center = places.create_center(session, admin, name="Çankaya")
    places.update_center(session, admin, center.id, name="Çankaya", timezone="Europe/Berlin",
                         is_active=False)
    assert (center.timezone, center.is_active) == ("Europe/Berlin", False)


def test_names_clash_regardless_of_turkish_case(session, admin):
    center = places.create_center(session, admin, name="Üsküdar Merkezi")
    with pytest.raises(RuleViolation) as exc:
        places.create_center(session, admin, name="üsküdar merkezi")
    assert _fields(exc) == {"name"}
    places.create_room(session, admin, center_id=center.id, name="Çalıştay Odası", capacity=5)
    with pytest.raises(RuleViolation):
        places.create_room(session, admin, center_id=center.id, name="çalıştay odası", capacity=5)


def test_a_room_or_center_with_approved_bookings_ahead_cannot_be_closed(session, admin):
    center = make_center(session)
    room = make_room(session, center)
    now = datetime(2030, 1, 1, 9, tzinfo=UTC)
    past = make_booking(session, room, now - timedelta(days=2), 60, status=BookingStatus.APPROVED)
    ahead = make_booking(session, room, now + timedelta(days=2), 60, status=BookingStatus.APPROVED)
    make_booking(session, room, now + timedelta(days=3), 60, status=BookingStatus.CANCELLED)
    for close in (lambda: places.update_room(session, admin, room.id, is_active=False, now=now),
                  lambda: places.update_center(session, admin, center.id, is_active=False, now=now)):
        with pytest.raises(RuleViolation) as caught:
            close()
        assert _fields(caught) == {"is_active"} and " 1 " in str(caught.value.errors[0].message)
    ahead.status = BookingStatus.CANCELLED
    session.flush()
    assert places.update_room(session, admin, room.id, is_active=False, now=now).is_active is False
    assert past.status == BookingStatus.APPROVED  # the past is left as it was
