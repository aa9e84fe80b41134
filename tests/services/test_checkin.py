"""Check-in (one service for every way in) and the no-show release, with an
injected ``now``, on both engines (SPEC §8)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.models import AuditEntry, Booking, BookingStatus, OutboxMessage
from booking.notifications import kinds
from booking.services import checkin, freed_time
from booking.services.bookings import cancel_booking
from booking.services.errors import InvalidTransition, NotFound, RuleViolation
from tests.support.factories import make_booking
from tests.support.scene import local

SECOND = timedelta(seconds=1)


def approved(session, scene, start, room=None, **values):
    values.setdefault("created_by", scene.member)
    return make_booking(session, room or scene.room, start, minutes=120,
                        status=BookingStatus.APPROVED, organization=scene.org, **values)


def audit_actions(session, booking):
    return session.scalars(select(AuditEntry.action).where(AuditEntry.booking_id == booking.id)
                           .order_by(AuditEntry.id)).all()


def test_the_window_opens_15_minutes_before_the_start_and_not_a_second_earlier(session, scene):
    booking = approved(session, scene, local(3, 15))
    with pytest.raises(RuleViolation) as refused:
        checkin.check_in(session, scene.member, booking.id, local(3, 14, 45) - SECOND)
    assert refused.value.errors[0].field == "checkin"
    assert "14:45" in str(refused.value.errors[0].message)
    done = checkin.check_in(session, scene.member, booking.id, local(3, 14, 45))
    assert done.checked_in_at == local(3, 14, 45)
    assert done.checked_in_by_id == scene.member.id
    assert done.status == BookingStatus.APPROVED


def test_the_window_closes_when_the_grace_minutes_after_the_start_are_over(session, scene):
    late = approved(session, scene, local(3, 15))
    too_late = approved(session, scene, local(4, 15))
    assert checkin.check_in(session, scene.member, late.id,
                            local(3, 15, 20) - SECOND).checked_in_at is not None
    with pytest.raises(RuleViolation) as refused:
        checkin.check_in(session, scene.member, too_late.id, local(4, 15, 20))
    assert "15:20" in str(refused.value.errors[0].message)


@pytest.mark.parametrize("app_config", [{"CHECKIN_GRACE_MINUTES": 5}])
def test_the_grace_is_the_configured_number_of_minutes(session, scene):
    booking = approved(session, scene, local(3, 15))
    with pytest.raises(RuleViolation):
        checkin.check_in(session, scene.member, booking.id, local(3, 15, 5))
    assert checkin.window(booking).closes_at == local(3, 15, 5)


def test_a_second_check_in_keeps_the_first_time_and_is_audited_once(session, scene):
    booking = approved(session, scene, local(3, 15))
    checkin.check_in(session, scene.member, booking.id, local(3, 14, 50), via="room_qr")
    again = checkin.check_in(session, scene.staff, booking.id, local(3, 15, 5),
                             via="staff_today")
    assert again.checked_in_at == local(3, 14, 50)
    assert again.checked_in_by_id == scene.member.id
    assert audit_actions(session, booking) == ["check_in"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.booking_id == booking.id))
    assert entry.details == {"via": "room_qr"}


def test_staff_of_the_center_and_admins_may_check_in(session, scene):
    one, two = approved(session, scene, local(3, 15)), approved(session, scene, local(4, 15))
    assert checkin.check_in(session, scene.staff, one.id, local(3, 15)).checked_in_by_id \
        == scene.staff.id
    assert checkin.check_in(session, scene.admin, two.id, local(4, 15)).checked_in_by_id \
        == scene.admin.id


def test_another_organisations_member_and_another_centers_staff_do_not_find_the_booking(
        session, scene):
    booking = approved(session, scene, local(3, 15))
    for outsider in (scene.other_member, scene.other_staff):
        with pytest.raises(NotFound):
            checkin.check_in(session, outsider, booking.id, local(3, 15))
    assert session.get(Booking, booking.id).checked_in_at is None


def test_a_pending_or_cancelled_booking_cannot_be_checked_in(session, scene):
    pending = make_booking(session, scene.room, local(3, 15), minutes=60,
                           organization=scene.org, created_by=scene.member)
    with pytest.raises(InvalidTransition):
        checkin.check_in(session, scene.member, pending.id, local(3, 15))


# --- release ---------------------------------------------------------------


def test_the_release_turns_exactly_the_unchecked_bookings_whose_window_closed_into_no_shows(
        session, scene):
    now = local(3, 15, 20)
    due = approved(session, scene, local(3, 15))
    checked = approved(session, scene, local(3, 15), room=scene.small_room,
                       checked_in_at=local(3, 14, 50))
    still_open = approved(session, scene, local(3, 15, 1), room=scene.big_room)
    scene.open_room.checkin_required = False
    exempt = approved(session, scene, local(3, 14), room=scene.open_room)
    pending = make_booking(session, scene.room, local(3, 12), minutes=60, organization=scene.org)
    long_ago = approved(session, scene, local(1, 15))
    session.flush()

    released = checkin.release_no_shows(session, now)

    assert [item.booking.id for item in released] == [due.id]
    assert due.status == BookingStatus.NO_SHOW and due.status_reason
    assert audit_actions(session, due) == ["no_show"]
    for untouched in (checked, still_open, exempt, long_ago):
        assert untouched.status == BookingStatus.APPROVED
    assert pending.status == BookingStatus.PENDING


def test_a_center_without_check_in_is_left_alone_unless_the_room_asks_for_it(session, scene):
    scene.center.checkin_required = False
    scene.small_room.checkin_required = True
    left = approved(session, scene, local(3, 10))
    asked = approved(session, scene, local(3, 10), room=scene.small_room)
    released = checkin.release_no_shows(session, local(3, 11))
    assert [item.booking.id for item in released] == [asked.id]
    assert left.status == BookingStatus.APPROVED


def test_releasing_twice_releases_once_and_tells_requester_and_organisation_once(
        session, scene):
    booking = approved(session, scene, local(3, 15))
    assert len(checkin.release_no_shows(session, local(3, 15, 21))) == 1
    session.commit()
    assert checkin.release_no_shows(session, local(3, 15, 22)) == []
    session.commit()
    messages = session.scalars(select(OutboxMessage).where(
        OutboxMessage.booking_id == booking.id, OutboxMessage.kind == kinds.NO_SHOW)).all()
    assert sorted(m.recipient for m in messages) == sorted([scene.member.email, scene.org.email])
    assert audit_actions(session, booking) == ["no_show"]


def test_the_freed_rest_of_the_time_is_announced_and_can_be_booked_at_once(session, scene):
    heard: list[freed_time.FreedTime] = []

    def listener(_session, freed, _now):
        heard.append(freed)

    freed_time.listen(listener)
    try:
        booking = approved(session, scene, local(3, 15))
        checkin.release_no_shows(session, local(3, 15, 20))
    finally:
        freed_time.forget(listener)
    assert heard == [freed_time.FreedTime(scene.room.id, local(3, 15, 20), booking.block_end,
                                          booking.id, "no_show")]
    # The database's no-overlap guard no longer counts the no-show.
    other = make_booking(session, scene.room, local(3, 15, 30), minutes=60,
                         status=BookingStatus.APPROVED, organization=scene.other_org)
    session.commit()
    assert other.status == BookingStatus.APPROVED


def test_a_no_show_is_final_it_cannot_be_cancelled_nor_checked_in(session, scene):
    booking = approved(session, scene, local(3, 15))
    checkin.release_no_shows(session, local(3, 15, 20))
    with pytest.raises(InvalidTransition):
        cancel_booking(session, scene.staff, booking.id, None, local(3, 15, 30))
    with pytest.raises(InvalidTransition):
        checkin.check_in(session, scene.member, booking.id, local(3, 15, 10))


def test_no_shows_per_organisation_count_against_the_bookings_that_had_to_check_in(
        session, scene):
    approved(session, scene, local(-3, 10), checked_in_at=local(-3, 10))
    approved(session, scene, local(-2, 10))
    approved(session, scene, local(-1, 10), checked_in_at=local(-1, 10))
    checkin.release_no_shows(session, local(-2, 11))
    counts = checkin.count_no_shows(session, [scene.org.id, scene.other_org.id],
                                    local(-90, 0), local(0, 0))
    assert counts == {scene.org.id: (1, 3)}
