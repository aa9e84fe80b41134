"""The waitlist of SPEC §8: joining, the order of offers, the hold, accepting,
declining, expiry, quotas, rights, and the database's guard over offers."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from booking.models import (
    AuditEntry,
    BookingStatus,
    OutboxMessage,
    WaitlistEntry,
    WaitlistState,
)
from booking.notifications import kinds
from booking.services import bookings as svc
from booking.services import closures, quotas, waitlist
from booking.services.errors import InvalidTransition, NotAllowed, NotFound, RuleViolation
from booking.services.waitlist import WaitlistRequest
from booking.services.waitlist_offers import offer_freed
from tests.support.factories import make_booking, make_organization, make_user
from tests.support.scene import NOW, local

S = BookingStatus


def _taken(session, scene, start, minutes=120, room=None, org=None):
    """An approved booking of another organisation on the room."""
    booking = make_booking(session, room or scene.room, start, minutes, status=S.APPROVED,
                           organization=org or scene.other_org, created_by=scene.other_member)
    session.commit()
    return booking


def _join(session, scene, start, minutes=120, member=None, room=None, now=NOW):
    request = WaitlistRequest(room_id=(room or scene.room).id, title="Gönüllü buluşması",
                              start=start, end=start + timedelta(minutes=minutes),
                              expected_attendees=20)
    entry = waitlist.join(session, member or scene.member, request, now)
    session.commit()
    return entry


def test_a_member_joins_the_waitlist_for_a_taken_interval(session, scene):
    _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    assert entry.state == WaitlistState.WAITING and entry.organization_id == scene.org.id
    audit = session.scalar(select(AuditEntry).where(AuditEntry.entity == "waitlist"))
    assert audit.action == "join" and audit.entity_id == entry.id


def test_a_free_interval_is_refused_with_advice_to_book_it(session, scene):
    with pytest.raises(RuleViolation) as caught:
        _join(session, scene, local(3, 10))
    assert "doğrudan rezervasyon" in str(caught.value.errors[0].message)


def test_a_pending_request_alone_does_not_make_an_interval_taken(session, scene):
    make_booking(session, scene.room, local(3, 10), 120, status=S.PENDING,
                 organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    with pytest.raises(RuleViolation):
        _join(session, scene, local(3, 10))


def test_joining_keeps_the_rooms_rules_and_refuses_closures(session, scene):
    _taken(session, scene, local(3, 10))
    with pytest.raises(RuleViolation) as caught:
        _join(session, scene, local(3, 6))  # before the room opens
    assert caught.value.errors[0].field == "start"
    with pytest.raises(RuleViolation) as caught:
        _join(session, scene, local(3, 12), minutes=-30)
    assert caught.value.errors[0].field == "end"
    closures.add_closure(session, scene.staff, start=local(4, 8), end=local(4, 20), reason="Bakım",
                         center_id=scene.center.id, room_id=scene.room.id, now=NOW)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        _join(session, scene, local(4, 10))
    assert "kapalı" in str(caught.value.errors[0].message)


def test_an_unverified_organisation_and_staff_cannot_join(session, scene):
    _taken(session, scene, local(3, 10))
    unverified = make_organization(session, name="Yeni Dernek", is_verified=False)
    newcomer = make_user(session, organization=unverified, name="Yeni Üye")
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        _join(session, scene, local(3, 10), member=newcomer)
    assert caught.value.errors[0].field == "organization_id"
    with pytest.raises(NotAllowed):
        _join(session, scene, local(3, 10), member=scene.staff)


def test_joining_twice_for_the_same_time_is_refused(session, scene):
    _taken(session, scene, local(3, 10))
    _join(session, scene, local(3, 10))
    with pytest.raises(RuleViolation):
        _join(session, scene, local(3, 10))


def test_cancelling_offers_the_time_to_the_oldest_entry_whose_interval_is_wholly_free(
        session, scene):
    taken = _taken(session, scene, local(3, 10), 120)            # 10:00-12:00
    _taken(session, scene, local(3, 13), 60)                      # 13:00-14:00 stays
    too_long = _join(session, scene, local(3, 11), 150)           # 11:00-13:30: not wholly free
    fitting = _join(session, scene, local(3, 10), 60, member=scene.other_member)
    later = _join(session, scene, local(3, 10, 30), 60)           # overlaps the offer
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    assert too_long.state == WaitlistState.WAITING
    assert fitting.state == WaitlistState.OFFERED
    offer = fitting.booking
    assert offer.status == S.OFFERED and offer.organization_id == scene.other_org.id
    assert offer.offer_expires_at == NOW + timedelta(minutes=120)
    assert later.state == WaitlistState.WAITING  # one offer per piece of time
    entry = session.scalar(select(AuditEntry).where(AuditEntry.booking_id == offer.id))
    assert entry.action == "create" and entry.to_status == "offered"
    assert entry.details["waitlist_entry_id"] == fitting.id
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.booking_id == offer.id))
    assert message.kind == kinds.WAITLIST_OFFER and message.recipient == scene.other_member.email


def test_the_hold_never_lasts_past_the_bookings_start(session, scene):
    start = NOW + timedelta(minutes=45)
    start = start.replace(second=0, microsecond=0)
    taken = make_booking(session, scene.open_room, start, 60, status=S.APPROVED,
                         organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    entry = _join(session, scene, start, 60, room=scene.open_room)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    assert entry.booking.offer_expires_at == start


def test_an_offer_blocks_requests_and_approvals_like_an_approved_booking(session, scene):
    taken = _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    pending = make_booking(session, scene.room, local(3, 10), 120, status=S.PENDING,
                           organization=scene.other_org, created_by=scene.other_member)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    assert entry.state == WaitlistState.OFFERED
    from booking.services.errors import BookingConflict
    with pytest.raises(BookingConflict):
        svc.approve_booking(session, scene.staff, pending.id, NOW)
    session.rollback()
    with pytest.raises(BookingConflict):
        svc.create_booking(session, scene.staff, scene.request(local(3, 11), 60), NOW)


@pytest.mark.parametrize("room_name, expected", [("room", S.PENDING), ("open_room", S.APPROVED)])
def test_accepting_makes_a_request_as_the_room_requires(session, scene, room_name, expected):
    room = getattr(scene, room_name)
    taken = _taken(session, scene, local(3, 10), room=room)
    entry = _join(session, scene, local(3, 10), room=room)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    accepted = waitlist.accept_offer(session, scene.member, entry.booking_id, NOW)
    session.commit()
    assert accepted.status == expected and accepted.offer_expires_at is None
    assert entry.state == WaitlistState.ACCEPTED
    audit = session.scalar(select(AuditEntry).where(AuditEntry.booking_id == accepted.id,
                                                    AuditEntry.action == "accept_offer"))
    assert (audit.from_status, audit.to_status) == ("offered", expected.value)
    told = {m.kind for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.booking_id == accepted.id))}
    assert (kinds.REQUEST_RECEIVED if expected == S.PENDING else kinds.APPROVED) in told


def test_declining_expires_the_offer_and_offers_the_next_entry(session, scene):
    taken = _taken(session, scene, local(3, 10))
    first = _join(session, scene, local(3, 10))
    second = _join(session, scene, local(3, 10), 60, member=scene.other_member)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    declined = waitlist.decline_offer(session, scene.member, first.booking_id, NOW)
    session.commit()
    assert declined.status == S.EXPIRED and first.state == WaitlistState.DECLINED
    assert second.state == WaitlistState.OFFERED and second.booking.status == S.OFFERED
    with pytest.raises(InvalidTransition):
        waitlist.accept_offer(session, scene.member, declined.id, NOW)


def test_the_expiry_job_with_an_injected_now_expires_offers_and_drops_past_entries(
        session, scene):
    taken = _taken(session, scene, local(3, 10))
    first = _join(session, scene, local(3, 10))
    second = _join(session, scene, local(3, 10), 60, member=scene.other_member)
    _taken(session, scene, local(1, 10), room=scene.big_room)
    past = _join(session, scene, local(1, 10), room=scene.big_room)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    early = waitlist.expire_offers(session, NOW + timedelta(minutes=119))
    assert early.expired == [] and first.state == WaitlistState.OFFERED
    later = NOW + timedelta(days=2)
    report = waitlist.expire_offers(session, later)
    session.commit()
    assert report.expired == [first.booking_id] and first.state == WaitlistState.EXPIRED
    assert report.offered == [second.booking_id]
    assert second.booking.offer_expires_at == later + timedelta(minutes=120)
    assert report.dropped == [past.id] and past.state == WaitlistState.DROPPED
    assert str(waitlist.expire_offers(session, later)) == "expired 0, offered 0, dropped 0"
    with pytest.raises(InvalidTransition) as caught:
        waitlist.accept_offer(session, scene.member, first.booking_id, later)
    assert "süresi doldu" in str(caught.value.message)


def test_an_offer_past_its_deadline_cannot_be_accepted_before_the_job_runs(session, scene):
    taken = _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    with pytest.raises(InvalidTransition):
        waitlist.accept_offer(session, scene.member, entry.booking_id, NOW + timedelta(hours=3))


def test_a_normal_booking_is_not_an_offer(session, scene):
    booking = _taken(session, scene, local(3, 10), org=scene.org)
    with pytest.raises(InvalidTransition) as caught:
        waitlist.accept_offer(session, scene.member, booking.id, NOW)
    assert "teklifi değil" in str(caught.value.message)


def test_another_organisation_sees_neither_the_entry_nor_the_offer(session, scene):
    taken = _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    with pytest.raises(NotFound):
        waitlist.accept_offer(session, scene.other_member, entry.booking_id, NOW)
    with pytest.raises(NotFound):
        waitlist.leave(session, scene.other_member, entry.id, NOW)
    with pytest.raises(NotFound):
        waitlist.leave(session, scene.other_staff, entry.id, NOW)
    assert waitlist.list_entries(session, scene.other_member, NOW) == []
    assert [e.id for e in waitlist.list_entries(session, scene.staff, NOW)] == [entry.id]


def test_leaving_with_an_open_offer_passes_the_time_on(session, scene):
    taken = _taken(session, scene, local(3, 10))
    first = _join(session, scene, local(3, 10))
    second = _join(session, scene, local(3, 10), member=scene.other_member)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    offer = first.booking
    waitlist.leave(session, scene.member, first.id, NOW)
    session.commit()
    assert first.state == WaitlistState.LEFT and offer.status == S.EXPIRED
    assert second.state == WaitlistState.OFFERED
    with pytest.raises(InvalidTransition):
        waitlist.leave(session, scene.member, first.id, NOW)


def test_rejecting_moving_and_removing_a_closure_offer_freed_time(session, scene):
    # Move: the old interval goes to the waitlist.
    moved = _taken(session, scene, local(3, 10))
    waiting_move = _join(session, scene, local(3, 10))
    svc.change_booking(session, scene.staff, moved.id,
                       svc.BookingChanges(start=local(3, 15), end=local(3, 17)), NOW)
    session.commit()
    assert waiting_move.state == WaitlistState.OFFERED
    # A closure removed.
    result = closures.add_closure(session, scene.staff, start=local(5, 8), end=local(5, 20),
                                  reason="Bakım", center_id=scene.center.id, room_id=None,
                                  now=NOW)
    session.commit()
    taken = _taken(session, scene, local(6, 10))
    waiting_closure = _join(session, scene, local(6, 10))
    session.execute(text("UPDATE waitlist_entries SET start_at = :s, end_at = :e WHERE id = :i"),
                    {"s": local(5, 10), "e": local(5, 12), "i": waiting_closure.id})
    session.commit()
    session.refresh(waiting_closure)
    closures.delete_closure(session, scene.staff, result.closure.id, NOW)
    session.commit()
    assert waiting_closure.state == WaitlistState.OFFERED
    assert taken.status == S.APPROVED


def test_offer_freed_skips_a_time_still_held(session, scene):
    _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    assert offer_freed(session, scene.room.id, local(3, 8), local(3, 20), NOW) == []
    assert entry.state == WaitlistState.WAITING


def test_quotas_count_offered_hours(session, scene):
    quotas.set_rule(session, scene.admin, scene.center.id, None, {"monthly_hours": 50}, NOW)
    taken = _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    before = quotas.usage(session, scene.member, scene.org.id, scene.center.id, NOW).hours_used
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    assert entry.booking.status == S.OFFERED
    after = quotas.usage(session, scene.member, scene.org.id, scene.center.id, NOW).hours_used
    assert after == before + 2


def test_accepting_checks_the_quota_like_a_request(session, scene):
    quotas.set_rule(session, scene.admin, scene.center.id, None, {"monthly_hours": 3}, NOW)
    make_booking(session, scene.small_room, local(3, 15), 120, status=S.APPROVED,
                 organization=scene.org, created_by=scene.member)
    taken = _taken(session, scene, local(3, 10))
    entry = _join(session, scene, local(3, 10))
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        waitlist.accept_offer(session, scene.member, entry.booking_id, NOW)
    assert caught.value.errors[0].field == "quota"


def test_the_database_refuses_an_approved_booking_overlapping_an_offer(session, scene):
    """A raw insert, past every service: the exclusion constraint (PostgreSQL)
    and the triggers (SQLite) count offers like approved bookings."""
    make_booking(session, scene.room, local(3, 10), 120, status=S.OFFERED,
                 organization=scene.org, offer_expires_at=NOW + timedelta(hours=2))
    session.commit()
    with pytest.raises(IntegrityError):
        make_booking(session, scene.room, local(3, 11), 60, status=S.APPROVED,
                     organization=scene.other_org)
    session.rollback()
    with pytest.raises(IntegrityError):
        make_booking(session, scene.room, local(3, 11), 60, status=S.OFFERED,
                     organization=scene.other_org)
    session.rollback()
    # Pending requests and expired offers hold nothing.
    make_booking(session, scene.room, local(3, 11), 60, status=S.PENDING)
    make_booking(session, scene.room, local(3, 11), 60, status=S.EXPIRED)
    session.commit()
    count = session.scalar(select(WaitlistEntry.id).limit(1))
    assert count is None


def test_an_offer_is_busy_in_the_rooms_availability_like_an_approved_booking(session, scene):
    from booking.services import availability

    make_booking(session, scene.room, local(3, 10), 120, status=S.OFFERED,
                 organization=scene.org, offer_expires_at=NOW + timedelta(hours=2))
    make_booking(session, scene.room, local(3, 14), 60, status=S.EXPIRED, organization=scene.org)
    session.commit()
    one = availability.room_availability(session, scene.room.id, local(3, 8), local(3, 20), NOW)
    busy = [(b.start, b.end) for b in one.busy]
    assert (local(3, 10), local(3, 12)) in busy
    assert not any(start <= local(3, 14) < end for start, end in busy)
    [center_room] = [r for r in availability.center_availability(
        session, scene.center.id, local(3, 8), local(3, 20), NOW) if r.room.id == scene.room.id]
    assert (local(3, 10), local(3, 12)) in [(b.start, b.end) for b in center_room.busy]


def test_an_accepted_offer_awaiting_approval_keeps_the_queue_behind_it(session, scene):
    taken = _taken(session, scene, local(3, 10))
    first = _join(session, scene, local(3, 10))
    second = _join(session, scene, local(3, 10), 60, member=scene.other_member)
    svc.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    accepted = waitlist.accept_offer(session, scene.member, first.booking_id, NOW)
    session.commit()
    assert accepted.status == S.PENDING
    # Time freed over the second entry while staff have not decided yet.
    rival = make_booking(session, scene.room, local(3, 10), 60, status=S.PENDING,
                         organization=scene.other_org, created_by=scene.other_member)
    svc.reject_booking(session, scene.staff, rival.id, "Yer yok", NOW)
    session.commit()
    assert second.state == WaitlistState.WAITING
    approved = svc.approve_booking(session, scene.staff, accepted.id, NOW)
    assert approved.booking.status == S.APPROVED
    # Staff turning it down instead gives the next entry its turn.
    session.rollback()
    svc.reject_booking(session, scene.staff, accepted.id, "Salon bakımda", NOW)
    session.commit()
    assert second.state == WaitlistState.OFFERED
