"""The no-show release gives the rest of the booking's time to the waitlist
(SPEC §8: "frees the rest of their time for the waitlist"), in the release's
own transaction, on both engines."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.models import BookingStatus, OutboxMessage, WaitlistState
from booking.notifications import kinds
from booking.services import checkin, waitlist
from booking.services.waitlist import WaitlistRequest
from tests.support.factories import make_booking
from tests.support.scene import local


def test_a_no_show_release_offers_the_rest_of_its_time_to_the_oldest_fitting_entry(
        session, scene) -> None:
    taken = make_booking(session, scene.room, local(3, 15), 120, status=BookingStatus.APPROVED,
                         organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    # Waits for 16:00–17:00, inside the taken 15:00–17:00, and made before the release.
    request = WaitlistRequest(room_id=scene.room.id, title="Gönüllü buluşması",
                              start=local(3, 16), end=local(3, 17), expected_attendees=20)
    entry = waitlist.join(session, scene.member, request, local(1, 9))
    session.commit()

    released = checkin.release_no_shows(session, local(3, 15, 20))
    session.commit()
    assert [r.booking.id for r in released] == [taken.id]
    assert taken.status == BookingStatus.NO_SHOW
    session.refresh(entry)
    assert entry.state == WaitlistState.OFFERED
    offer = entry.booking
    assert offer.status == BookingStatus.OFFERED and offer.organization_id == scene.org.id
    assert (offer.start_at, offer.end_at) == (local(3, 16), local(3, 17))
    assert offer.offer_expires_at <= offer.start_at
    mailed = session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.booking_id == offer.id)).all()
    assert kinds.WAITLIST_OFFER in mailed


def test_an_entry_starting_before_the_release_is_not_offered_the_past(session, scene) -> None:
    taken = make_booking(session, scene.room, local(3, 15), 120, status=BookingStatus.APPROVED,
                         organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    request = WaitlistRequest(room_id=scene.room.id, title="Erken başlayan",
                              start=local(3, 15), end=local(3, 16), expected_attendees=20)
    entry = waitlist.join(session, scene.member, request, local(1, 9))
    session.commit()
    checkin.release_no_shows(session, local(3, 15, 20) + timedelta(seconds=1))
    session.commit()
    session.refresh(entry)
    assert taken.status == BookingStatus.NO_SHOW
    assert entry.state != WaitlistState.OFFERED and entry.booking_id is None
