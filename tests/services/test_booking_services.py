"""Services with a booking (SPEC §9): what a request may ask of its center's
catalogue, the stock rule at creation, approval and move, and what moving or
cancelling a booking does to its items."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import AuditEntry, BookingServiceItem, BookingStatus, ServiceItemStatus
from booking.services import service_catalogue
from booking.services.booking_changes import BookingChanges, change_booking
from booking.services.booking_services import ServiceRequest, items_of
from booking.services.bookings import (
    approve_booking,
    cancel_booking,
    create_booking,
    reject_booking,
)
from booking.services.errors import RuleViolation
from booking.services.service_catalogue import ItemValues
from tests.support.factories import make_center
from tests.support.scene import NOW, local

S = ServiceItemStatus


@pytest.fixture
def items(session, scene):
    def add(center_id, name, unit, stock=None, active=True):
        return service_catalogue.add_item(session, scene.admin, center_id,
                                          ItemValues(name, unit, stock, active), NOW)
    made = {
        "tea": add(scene.center.id, "Çay ikramı", "kişi"),
        "projector": add(scene.center.id, "Projeksiyon", "adet", stock=2),
        "old": add(scene.center.id, "Eski tepegöz", "adet", stock=1, active=False),
        "elsewhere": add(make_center(session, name="Kadıköy Merkezi").id, "Çay", "kişi"),
    }
    session.commit()
    return made


def _ask(scene, items, start, room=None, minutes=120, **wanted):
    services = [ServiceRequest(items[key].id, quantity) for key, quantity in wanted.items()]
    return scene.request(start, minutes, room=room, services=services)


def _refused(session, actor, request) -> str:
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, actor, request, NOW)
    session.rollback()
    assert {error.field for error in caught.value.errors} == {"services"}
    return " ".join(str(error.message) for error in caught.value.errors)


def _rows(session) -> int:
    return session.scalar(select(func.count()).select_from(BookingServiceItem))


@pytest.mark.parametrize("quantity", [0, -1, 3, 1.5, True])
def test_a_quantity_of_zero_negative_fractional_or_above_stock_is_refused_and_nothing_is_kept(
        session, scene, items, quantity):
    message = _refused(session, scene.member, _ask(scene, items, local(3, 10),
                                                   projector=quantity))
    assert "Projeksiyon" in message
    assert _rows(session) == 0 and session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "booking")) == 0


def test_an_inactive_item_or_another_centers_item_is_refused(session, scene, items):
    assert "artık sunulmuyor" in _refused(session, scene.member,
                                          _ask(scene, items, local(3, 10), old=1))
    assert "merkezinde sunulmuyor" in _refused(session, scene.member,
                                               _ask(scene, items, local(3, 10), elsewhere=5))
    assert _rows(session) == 0


def test_a_request_keeps_its_items_requested_and_approval_promises_them(session, scene, items):
    booking = create_booking(session, scene.member, _ask(scene, items, local(3, 10), tea=30,
                                                         projector=2), NOW).bookings[0]
    session.commit()
    assert [(r.item.name, r.quantity, r.status) for r in items_of(session, booking)] == [
        ("Çay ikramı", 30, S.REQUESTED), ("Projeksiyon", 2, S.REQUESTED)]
    approve_booking(session, scene.staff, booking.id, NOW)
    session.commit()
    assert {r.status for r in items_of(session, booking)} == {S.PROMISED}


def test_pending_requests_hold_no_stock(session, scene, items):
    first = create_booking(session, scene.member, _ask(scene, items, local(3, 10),
                                                       projector=2), NOW).bookings[0]
    second = create_booking(session, scene.other_member, _ask(
        scene, items, local(3, 11), room=scene.big_room, projector=2), NOW).bookings[0]
    session.commit()
    assert first.status == second.status == BookingStatus.PENDING


def test_approval_beyond_stock_of_overlapping_bookings_names_the_item_and_what_is_left(
        session, scene, items):
    held = create_booking(session, scene.staff, _ask(scene, items, local(3, 10),
                                                     projector=1), NOW).bookings[0]
    session.commit()
    assert held.status == BookingStatus.APPROVED
    asking = create_booking(session, scene.member, _ask(scene, items, local(3, 11),
                                                        room=scene.big_room, projector=2),
                            NOW).bookings[0]
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        approve_booking(session, scene.staff, asking.id, NOW)
    session.rollback()
    message = str(caught.value.errors[0].message)
    assert "Projeksiyon" in message and "1 adet kaldı" in message
    session.refresh(asking)
    assert asking.status == BookingStatus.PENDING
    assert {r.status for r in items_of(session, asking)} == {S.REQUESTED}


def test_bookings_that_do_not_overlap_each_other_may_each_take_the_whole_stock(
        session, scene, items):
    for hour in (9, 12):
        create_booking(session, scene.staff, _ask(scene, items, local(3, hour), minutes=60,
                                                  projector=2), NOW)
    session.commit()
    # 10:00–12:30 meets both, but never both at once: one projector is left at every moment.
    booking = create_booking(session, scene.staff, _ask(scene, items, local(3, 10),
                                                        room=scene.big_room, minutes=90,
                                                        projector=2), NOW).bookings[0]
    assert booking.status == BookingStatus.APPROVED


def test_a_room_that_approves_by_itself_checks_stock_at_creation(session, scene, items):
    create_booking(session, scene.staff, _ask(scene, items, local(3, 10), projector=2), NOW)
    session.commit()
    message = _refused(session, scene.member, _ask(scene, items, local(3, 11),
                                                   room=scene.open_room, projector=1))
    assert "0 adet kaldı" in message


def test_a_move_onto_a_time_without_stock_is_refused_and_the_booking_stays(
        session, scene, items):
    create_booking(session, scene.staff, _ask(scene, items, local(4, 10), projector=2), NOW)
    moving = create_booking(session, scene.staff, _ask(scene, items, local(3, 10),
                                                       room=scene.big_room, projector=1),
                            NOW).bookings[0]
    session.commit()
    with pytest.raises(RuleViolation):
        change_booking(session, scene.staff, moving.id,
                       BookingChanges(start=local(4, 11), end=local(4, 13)), NOW)
    session.rollback()
    session.refresh(moving)
    assert moving.start_at == local(3, 10)
    change_booking(session, scene.staff, moving.id,
                   BookingChanges(start=local(5, 11), end=local(5, 13)), NOW)
    session.commit()
    assert {r.status for r in items_of(session, moving)} == {S.PROMISED}


def test_a_move_to_another_centers_room_with_services_is_refused(session, scene, items):
    from tests.support.factories import make_room
    elsewhere = make_room(session, items["elsewhere"].center, name="Uzak Salon", capacity=50)
    booking = create_booking(session, scene.staff, _ask(scene, items, local(3, 10), tea=10),
                             NOW).bookings[0]
    session.commit()
    with pytest.raises(RuleViolation):
        change_booking(session, scene.admin, booking.id, BookingChanges(room_id=elsewhere.id), NOW)


@pytest.mark.parametrize("end", ["cancel", "reject"])
def test_cancelling_or_rejecting_cancels_the_items_with_an_audit_entry(session, scene, items,
                                                                       end):
    booking = create_booking(session, scene.member, _ask(scene, items, local(3, 10), tea=20,
                                                         projector=2), NOW).bookings[0]
    session.commit()
    if end == "cancel":
        cancel_booking(session, scene.member, booking.id, None, NOW)
    else:
        reject_booking(session, scene.staff, booking.id, "Salon bakımda", NOW)
    session.commit()
    assert {r.status for r in items_of(session, booking, live=False)} == {S.CANCELLED}
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "booking_service_item", AuditEntry.action == "cancelled")) == 2
    # The stock is free again.
    other = create_booking(session, scene.staff, _ask(scene, items, local(3, 10),
                                                      room=scene.big_room, projector=2), NOW)
    assert other.bookings[0].status == BookingStatus.APPROVED


def test_an_approved_booking_sent_back_to_pending_by_a_move_gives_back_its_stock(
        session, scene, items):
    booking = create_booking(session, scene.member, _ask(scene, items, local(3, 10),
                                                         projector=2), NOW).bookings[0]
    session.commit()
    approve_booking(session, scene.staff, booking.id, NOW)
    session.commit()
    change_booking(session, scene.member, booking.id,
                   BookingChanges(start=local(3, 10) + timedelta(hours=1),
                                  end=local(3, 13)), NOW)
    session.commit()
    assert booking.status == BookingStatus.PENDING
    assert {r.status for r in items_of(session, booking)} == {S.REQUESTED}


def test_catalogue_values_are_checked_and_only_admins_manage_them(session, scene, items):
    from booking.services.errors import NotAllowed
    with pytest.raises(RuleViolation) as caught:
        service_catalogue.add_item(session, scene.admin, scene.center.id,
                                   ItemValues(" ", "", -1), NOW)
    assert {e.field for e in caught.value.errors} == {"name", "unit", "stock"}
    with pytest.raises(NotAllowed):
        service_catalogue.add_item(session, scene.staff, scene.center.id,
                                   ItemValues("Kahve", "kişi"), NOW)
    changed = service_catalogue.change_item(session, scene.admin, items["projector"].id,
                                            ItemValues("Projeksiyon", "adet", 3, False), NOW)
    assert (changed.stock, changed.is_active) == (3, False)


def test_a_no_show_release_cancels_the_items_and_frees_the_stock(session, scene, items):
    from booking.services.checkin import release_no_shows
    booking = create_booking(session, scene.staff, _ask(scene, items, local(1, 10),
                                                        projector=2), NOW).bookings[0]
    session.commit()
    released = release_no_shows(session, booking.start_at + timedelta(minutes=45))
    session.commit()
    assert [r.booking.id for r in released] == [booking.id]
    assert {r.status for r in items_of(session, booking, live=False)} == {S.CANCELLED}


def test_approving_a_request_auto_rejects_an_overlapping_one_and_cancels_its_items(
        session, scene, items):
    first = create_booking(session, scene.member, _ask(scene, items, local(3, 10), tea=10),
                           NOW).bookings[0]
    rival = create_booking(session, scene.other_member, _ask(scene, items, local(3, 11),
                                                             tea=5), NOW).bookings[0]
    session.commit()
    approval = approve_booking(session, scene.staff, first.id, NOW)
    session.commit()
    assert [b.id for b in approval.auto_rejected] == [rival.id]
    assert {r.status for r in items_of(session, rival, live=False)} == {S.CANCELLED}
    assert {r.status for r in items_of(session, first)} == {S.PROMISED}


def test_a_series_gives_every_occurrence_its_items_and_checks_stock_at_each(
        session, scene, items):
    from booking.services.recurrence import Recurrence
    create_booking(session, scene.staff, _ask(scene, items, local(17, 10), room=scene.big_room,
                                              projector=2), NOW)
    session.commit()
    weekly = _ask(scene, items, local(3, 10), projector=1)
    weekly.recurrence = Recurrence(freq="weekly", count=3)
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.staff, weekly, NOW)
    session.rollback()
    assert "0 adet kaldı" in str(caught.value.errors[0].message)
    weekly.recurrence = Recurrence(freq="weekly", count=2)
    result = create_booking(session, scene.staff, weekly, NOW)
    session.commit()
    assert [len(items_of(session, b)) for b in result.bookings] == [1, 1]


def test_marking_done_is_for_the_centers_staff_once_and_only_for_promised_items(
        session, scene, items):
    from booking.services.errors import InvalidTransition, NotFound
    from booking.services.service_tasks import center_tasks, mark_done
    pending = create_booking(session, scene.member, _ask(scene, items, local(3, 10), tea=10),
                             NOW).bookings[0]
    held = create_booking(session, scene.staff, _ask(scene, items, local(3, 10),
                                                     room=scene.big_room, tea=40), NOW).bookings[0]
    session.commit()
    [requested] = items_of(session, pending)
    [promised] = items_of(session, held)
    assert [t.row.id for t in center_tasks(session, scene.staff, scene.center.id,
                                           local(3, 10).date())] == [promised.id]
    for actor in (scene.member, scene.other_staff):
        with pytest.raises(NotFound):
            mark_done(session, actor, promised.id, NOW)
        with pytest.raises(NotFound):
            center_tasks(session, actor, scene.center.id, local(3, 10).date())
    with pytest.raises(InvalidTransition):
        mark_done(session, scene.staff, requested.id, NOW)
    mark_done(session, scene.staff, promised.id, NOW)
    mark_done(session, scene.staff, promised.id, NOW + timedelta(minutes=5))
    session.commit()
    assert (promised.status, promised.done_by_id, promised.done_at) == (
        S.DONE, scene.staff.id, NOW)
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "booking_service_item", AuditEntry.action == "done")) == 1
