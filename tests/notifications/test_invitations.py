"""iTIP invitations in the requester's e-mails (SPEC §12, RFC 5546), read from
a real SMTP server and parsed with python icalendar and ical.js, on SQLite and
PostgreSQL: METHOD, the feed's UID, a SEQUENCE that rises with every change
and equals the feed's, ORGANIZER and ATTENDEE, CANCEL after a rejection that
follows an approval, one invitation per occurrence of a series, none for a
person who turned them off."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Role, utcnow
from booking.notifications import kinds
from booking.notifications.sender import deliver_due
from booking.services.booking_changes import BookingChanges, change_booking
from booking.services.bookings import (
    BookingRequest,
    approve_booking,
    cancel_booking,
    create_booking,
    reject_booking,
)
from booking.services.recurrence import Recurrence
from booking.services.series import cancel_series
from tests.calendar.test_itip import _icaljs as itip_icaljs
from tests.support.factories import make_room, make_user
from tests.support.ical_checks import icaljs
from tests.support.mailbox import Mailbox, attachments
from tests.support.notification_scene import build_scene

SENDER = "rezervasyon@merkez.example.org"


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5,
            "MAIL_FROM": f"Sivil Toplum Merkezleri <{SENDER}>"}


def _start(days: int, hour: int = 14) -> datetime:
    """``hour`` o'clock in Istanbul, ``days`` from today (feeds cover a year from now)."""
    day = (utcnow() + timedelta(days=days)).date()
    return datetime.combine(day, time(hour - 3), tzinfo=UTC)


def _request(room, start: datetime, **values) -> BookingRequest:
    return BookingRequest(room_id=room.id, title="Gönüllü buluşması", start=start,
                          end=start + timedelta(hours=2), expected_attendees=20, **values)


def _deliver(session: Session) -> None:
    session.commit()
    deliver_due(utcnow() + timedelta(seconds=1))


def _calendar_part(message: EmailMessage) -> EmailMessage | None:
    """The text/calendar alternative beside the text and HTML, if any."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar" and part.get_filename() is None:
            return part  # type: ignore[return-value]
    return None


def _invitation(message: EmailMessage):
    part = _calendar_part(message)
    assert part is not None, f"no invitation in {message['X-Booking-Notification']}"
    data = part.get_content().encode("utf-8") if isinstance(part.get_content(), str) \
        else part.get_content()
    calendar = Calendar.from_ical(data)
    assert part.get_param("method") == str(calendar["METHOD"])
    assert part.get_content_charset() == "utf-8"
    [event] = calendar.walk("VEVENT")
    return calendar, event, data


def _mails(mailbox: Mailbox, address: str, kind: str) -> list[EmailMessage]:
    return [m for m in mailbox.to(address) if m["X-Booking-Notification"] == kind]


def _feed_event(client, booking: Booking):
    response = client.get(f"/rooms/{booking.room_id}/calendar.ics")
    assert response.status_code == 200
    found = [e for e in Calendar.from_ical(response.data).walk("VEVENT")
             if str(e["UID"]) == f"booking-{booking.id}@localhost"]
    assert len(found) == 1
    return found[0]


def test_approve_move_and_cancel_send_request_request_cancel_with_rising_sequence(
    session: Session, client, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    other_room = make_room(session, scene.center, name="Atölye")
    member = scene.member_tr
    booking = create_booking(session, member, _request(scene.room, _start(10)),
                             utcnow()).bookings[0]
    _deliver(session)
    assert _calendar_part(_mails(mailbox, member.email, kinds.REQUEST_RECEIVED)[0]) is None

    approve_booking(session, scene.staff, booking.id, utcnow())
    _deliver(session)
    [approval] = _mails(mailbox, member.email, kinds.APPROVED)
    calendar, event, data = _invitation(approval)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["STATUS"]) == "CONFIRMED"
    feed_event = _feed_event(client, booking)
    assert str(event["UID"]) == str(feed_event["UID"]) == f"booking-{booking.id}@localhost"
    assert event.decoded("SEQUENCE") == feed_event.decoded("SEQUENCE")
    organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]
    assert str(organizer) == f"mailto:{SENDER}"
    assert organizer.params["CN"] == "Kadıköy Sivil Toplum Merkezi"
    assert str(attendee) == f"mailto:{member.email}"
    assert (attendee.params["CN"], attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (
        "Mehmet Üye", "ACCEPTED", "FALSE")
    assert [a.get_filename() for a in attachments(approval)] == [f"rezervasyon-{booking.id}.ics"]
    alternative = next(p for p in approval.walk() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain", "text/html", "text/calendar"]
    seen = itip_icaljs(data)
    assert seen["method"] == "REQUEST"
    [read] = seen["events"]
    assert (read["uid"], read["sequence"]) == (str(event["UID"]), event.decoded("SEQUENCE"))
    assert read["organizer"]["value"] == f"mailto:{SENDER}"
    assert [(a["value"], a["partstat"], a["rsvp"]) for a in read["attendees"]] == [
        (f"mailto:{member.email}", "ACCEPTED", "FALSE")]
    assert read["zone"] == "Europe/Istanbul"
    assert icaljs(data)["events"][0]["start"]["utc"] == read["start_utc"]
    sequences = [event.decoded("SEQUENCE")]

    change_booking(session, scene.staff, booking.id,
                   BookingChanges(start=_start(11), end=_start(11) + timedelta(hours=2),
                                  room_id=other_room.id), utcnow())
    _deliver(session)
    [changed] = _mails(mailbox, member.email, kinds.CHANGED)
    calendar, event, _ = _invitation(changed)
    assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("REQUEST", "CONFIRMED")
    assert event.decoded("DTSTART").astimezone(UTC) == _start(11)
    assert str(event["LOCATION"]).startswith("Atölye, ")
    assert str(event["UID"]) == f"booking-{booking.id}@localhost"
    assert event.decoded("SEQUENCE") == _feed_event(client, booking).decoded("SEQUENCE")
    assert attachments(changed), "a change keeps the .ics attachment"
    sequences.append(event.decoded("SEQUENCE"))

    cancel_booking(session, member, booking.id, "Ertelendi", utcnow())
    _deliver(session)
    [cancelled] = _mails(mailbox, member.email, kinds.CANCELLED)
    calendar, event, data = _invitation(cancelled)
    assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
    assert str(event["UID"]) == f"booking-{booking.id}@localhost"
    assert event.decoded("SEQUENCE") == _feed_event(client, booking).decoded("SEQUENCE")
    assert icaljs(data)["method"] == "CANCEL"
    sequences.append(event.decoded("SEQUENCE"))
    assert sequences == sorted(set(sequences)), sequences  # strictly rising


def test_a_rejection_after_an_approval_cancels_the_invitation(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    member = scene.member_en
    booking = create_booking(session, member, _request(scene.room, _start(12)),
                             utcnow()).bookings[0]
    approve_booking(session, scene.staff, booking.id, utcnow())
    _deliver(session)
    first = _invitation(_mails(mailbox, member.email, kinds.APPROVED)[0])[1].decoded("SEQUENCE")

    # The member moves it: the room needs approval, so it is pending again.
    change_booking(session, member, booking.id,
                   BookingChanges(start=_start(13), end=_start(13) + timedelta(hours=2)),
                   utcnow())
    _deliver(session)
    assert session.get(Booking, booking.id).status == BookingStatus.PENDING
    again = _mails(mailbox, member.email, kinds.REQUEST_RECEIVED)[-1]
    calendar, event, _ = _invitation(again)
    assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("REQUEST", "TENTATIVE")
    assert event.decoded("SEQUENCE") > first
    second = event.decoded("SEQUENCE")

    reject_booking(session, scene.staff, booking.id, "Salon bakımda", utcnow())
    _deliver(session)
    [rejected] = _mails(mailbox, member.email, kinds.REJECTED)
    calendar, event, _ = _invitation(rejected)
    assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
    assert str(event["UID"]) == f"booking-{booking.id}@localhost"
    assert event.decoded("SEQUENCE") > second
    assert event["ATTENDEE"].params["CN"] == "Jane Member"


def test_requests_never_approved_get_no_invitation(session: Session, mailbox: Mailbox) -> None:
    scene = build_scene(session)
    member = scene.member_tr
    rejected = create_booking(session, member, _request(scene.room, _start(14)),
                              utcnow()).bookings[0]
    withdrawn = create_booking(session, member, _request(scene.room, _start(15)),
                               utcnow()).bookings[0]
    session.commit()
    reject_booking(session, scene.staff, rejected.id, "Uygun değil", utcnow())
    cancel_booking(session, member, withdrawn.id, None, utcnow())
    _deliver(session)
    mails = mailbox.to(member.email)
    assert {m["X-Booking-Notification"] for m in mails} == {
        kinds.REQUEST_RECEIVED, kinds.REJECTED, kinds.CANCELLED}
    assert all(_calendar_part(m) is None for m in mails)


def test_with_invitations_off_the_mail_keeps_the_ics_but_has_no_method_part(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    member = scene.member_tr
    member.calendar_invitations = False
    booking = create_booking(session, member, _request(scene.room, _start(16)),
                             utcnow()).bookings[0]
    approve_booking(session, scene.staff, booking.id, utcnow())
    _deliver(session)
    cancel_booking(session, member, booking.id, None, utcnow())
    _deliver(session)
    [approval] = _mails(mailbox, member.email, kinds.APPROVED)
    assert _calendar_part(approval) is None
    [ics] = attachments(approval)
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "PUBLISH"
    assert _calendar_part(_mails(mailbox, member.email, kinds.CANCELLED)[0]) is None
    assert "profil" not in approval.get_body(preferencelist=("plain",)).get_content()


def test_a_series_is_invited_occurrence_by_occurrence_and_cancelled_so(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    open_room = make_room(session, scene.center, name="Açık Salon", requires_approval=False)
    member = scene.member_tr
    result = create_booking(session, member, _request(
        open_room, _start(20), recurrence=Recurrence(freq="weekly", count=3)), utcnow())
    ids = [b.id for b in result.bookings]
    _deliver(session)
    [approval] = _mails(mailbox, member.email, kinds.APPROVED)
    assert _calendar_part(approval) is None  # one message, three events: no single UID
    invitations = _mails(mailbox, member.email, kinds.INVITATION)
    uids = [str(_invitation(m)[1]["UID"]) for m in invitations]
    assert sorted(uids) == sorted(f"booking-{i}@localhost" for i in ids)
    assert all(str(_invitation(m)[0]["METHOD"]) == "REQUEST" for m in invitations)

    assert result.series is not None
    cancel_series(session, member, result.series.id, "Dönem bitti", utcnow())
    _deliver(session)
    cancels = _mails(mailbox, member.email, kinds.CANCELLED)
    assert sorted(str(_invitation(m)[1]["UID"]) for m in cancels) == sorted(uids)
    assert all(str(_invitation(m)[0]["METHOD"]) == "CANCEL" for m in cancels)


def test_an_occurrence_cancelled_before_its_invitation_went_out_gets_none(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    open_room = make_room(session, scene.center, name="Açık Salon", requires_approval=False)
    staff = make_user(session, Role.STAFF, centers=[scene.center])
    member = scene.member_tr
    result = create_booking(session, member, _request(
        open_room, _start(30), recurrence=Recurrence(freq="weekly", count=2)), utcnow())
    session.commit()
    cancel_booking(session, staff, result.bookings[0].id, "Tatil", utcnow())
    _deliver(session)
    invitations = _mails(mailbox, member.email, kinds.INVITATION)
    assert [str(_invitation(m)[1]["UID"]) for m in invitations] == [
        f"booking-{result.bookings[1].id}@localhost"]


def test_the_change_mail_and_the_note_speak_the_recipients_language(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    member = scene.member_en
    booking = create_booking(session, member, _request(scene.room, _start(18)),
                             utcnow()).bookings[0]
    approve_booking(session, scene.staff, booking.id, utcnow())
    change_booking(session, scene.staff, booking.id,
                   BookingChanges(start=_start(19), end=_start(19) + timedelta(hours=2)),
                   utcnow())
    _deliver(session)
    [changed] = _mails(mailbox, member.email, kinds.CHANGED)
    assert changed["Subject"] == "Your booking has changed: Gönüllü buluşması"
    text = changed.get_body(preferencelist=("plain",)).get_content()
    assert "your booking stays approved" in text
    assert "You can turn invitations off on your profile: http://localhost/profile" in text
    html = changed.get_body(preferencelist=("html",)).get_content()
    assert 'href="http://localhost/profile"' in html
    assert str(_invitation(changed)[1]["SUMMARY"]).startswith("Gönüllü buluşması")


def test_staff_booking_for_an_organisation_invites_the_organisations_address(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    organization = scene.member_tr.organization
    assert organization is not None
    booking = create_booking(session, scene.staff, _request(
        scene.room, _start(22), organization_id=organization.id), utcnow()).bookings[0]
    _deliver(session)
    [approval] = _mails(mailbox, organization.email, kinds.APPROVED)
    calendar, event, _ = _invitation(approval)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ATTENDEE"]) == f"mailto:{organization.email}"
    assert event["ATTENDEE"].params["CN"] == organization.name
    cancel_booking(session, scene.staff, booking.id, "Salon tadilatta", utcnow())
    _deliver(session)
    [cancelled] = _mails(mailbox, organization.email, kinds.CANCELLED)
    assert str(_invitation(cancelled)[0]["METHOD"]) == "CANCEL"
    assert _mails(mailbox, scene.staff.email, kinds.APPROVED) == []
