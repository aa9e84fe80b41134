"""Delivery through a real SMTP server: retries, back-off, claims, reminders that
must never arrive, reminders that must arrive at a new time, and downtime."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from booking.models import BookingStatus, OutboxStatus, Role
from booking.notifications import events, kinds, outbox
from booking.notifications.sender import deliver_due
from booking.services.bookings import (
    BookingChanges,
    BookingRequest,
    approve_booking,
    cancel_booking,
    change_booking,
    create_booking,
)
from tests.support.factories import make_user
from tests.support.mailbox import Mailbox, eventually, parts, smtp_server
from tests.support.notification_scene import NOW, START, build_scene
from tests.support.processes import ROOT, rows, sender_env


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


def of_kind(mailbox: Mailbox, kind: str) -> list:
    return [m for m in mailbox.messages if m["X-Booking-Notification"] == kind]


def test_enqueueing_the_same_message_twice_keeps_one_row(session: Session) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    events.on_booking_created(session, [booking], NOW)
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    assert [(m.kind, m.recipient) for m in rows(session)] == [
        (kinds.REQUEST_RECEIVED, scene.member_tr.email),
        (kinds.NEW_REQUEST, scene.staff.email),
    ]


def test_a_series_is_one_request_message_and_reminders_per_occurrence(session: Session) -> None:
    scene = build_scene(session)
    pending = [scene.book(session, scene.member_tr, start=START + timedelta(weeks=i))
               for i in range(3)]
    events.on_booking_created(session, pending, NOW)
    for booking in pending:
        booking.status = BookingStatus.APPROVED
        events.on_status_changed(session, booking, BookingStatus.PENDING, NOW)
    session.commit()
    assert len(rows(session, kinds.REQUEST_RECEIVED)) == 1
    assert len(rows(session, kinds.NEW_REQUEST)) == 1
    assert rows(session, kinds.REQUEST_RECEIVED)[0].context == {
        "booking_ids": [b.id for b in pending]
    }
    assert len(rows(session, kinds.REMINDER)) == 6


def test_reminders_are_planned_only_for_offsets_still_in_the_future(session: Session) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    events.on_booking_created(session, [booking], START - timedelta(hours=5))
    session.commit()
    assert [m.due_at for m in rows(session, kinds.REMINDER)] == [START - timedelta(hours=2)]


def test_internal_bookings_without_a_requester_send_nothing_to_anyone_but_staff(
    session: Session,
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    booking.created_by = None
    events.on_booking_created(session, [booking], NOW)
    booking.status = BookingStatus.APPROVED
    events.on_status_changed(session, booking, BookingStatus.PENDING, NOW)
    session.commit()
    assert [m.recipient for m in rows(session)] == [scene.staff.email]


def test_smtp_down_then_up_the_message_arrives_after_a_retry(
    session: Session, smtp_port: int
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    events.on_booking_created(session, [booking], NOW)
    session.commit()

    report = deliver_due(NOW)  # nothing listens on the port yet
    assert len(report.retrying) == 2 and not report.sent
    for row in rows(session):
        assert row.status == OutboxStatus.PENDING
        assert row.attempts == 1
        assert "Connection refused" in (row.last_error or "")
        assert row.next_attempt_at == NOW + timedelta(minutes=1)

    with smtp_server(smtp_port) as mailbox:
        assert deliver_due(NOW + timedelta(seconds=30)).sent == []  # back-off not over
        assert len(deliver_due(NOW + timedelta(minutes=1)).sent) == 2
        assert len(mailbox) == 2
        assert deliver_due(NOW + timedelta(minutes=5)).sent == []
    assert {(r.status, r.attempts) for r in rows(session)} == {(OutboxStatus.SENT, 2)}


def test_after_the_attempt_limit_a_message_is_failed_with_exponential_back_off(
    session: Session,
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    booking.created_by = None  # only the staff message
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    at = NOW
    delays = []
    for _ in range(outbox.MAX_ATTEMPTS):
        deliver_due(at)
        (row,) = rows(session)
        if row.status == OutboxStatus.FAILED:
            break
        delays.append(row.next_attempt_at - at)
        at = row.next_attempt_at
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert deliver_due(at + timedelta(days=1)).sent == []

    assert outbox.retry(session, row.id, at)
    session.commit()
    (row,) = rows(session)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


def test_a_recipient_refused_for_good_fails_at_once_and_the_others_arrive(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    mailbox.refused.add(scene.member_tr.email)
    events.on_booking_created(session, [scene.book(session, scene.member_tr)], NOW)
    session.commit()
    report = deliver_due(NOW)
    assert len(report.failed) == 1 and len(report.sent) == 1
    refused = next(r for r in rows(session) if r.recipient == scene.member_tr.email)
    assert (refused.status, refused.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in refused.last_error and "Mailbox unavailable" in refused.last_error
    assert [m["To"].addresses[0].addr_spec for m in mailbox.messages] == [scene.staff.email]


def test_an_escalation_is_skipped_once_the_request_is_decided_or_started(
    session: Session, mailbox: Mailbox
) -> None:
    from booking.notifications.staff import build_escalations

    scene = build_scene(session)
    decided = scene.book(session, scene.member_tr)
    started = scene.book(session, scene.member_en, start=START + timedelta(hours=3))
    decided.created_by = started.created_by = None
    build_escalations(session, START - timedelta(hours=40))
    decided.status = BookingStatus.APPROVED  # decided by some path that sent nothing
    session.commit()
    report = deliver_due(START + timedelta(hours=4))  # the sender was down until now
    assert report.sent == [] and len(report.skipped) == 2
    assert sorted(r.last_error.split(":")[0] for r in rows(session, kinds.ESCALATION)) == [
        "booking approved", "too late",
    ]
    assert len(mailbox) == 0


def test_a_cancelled_bookings_reminder_never_arrives(session: Session, mailbox: Mailbox) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    deliver_due(NOW)
    booking.status = BookingStatus.CANCELLED
    booking.status_reason = "Etkinlik ertelendi"
    events.on_status_changed(session, booking, BookingStatus.APPROVED, NOW + timedelta(hours=1))
    session.commit()

    for at in (START - timedelta(hours=24), START - timedelta(hours=2), START):
        deliver_due(at)

    assert [m["X-Booking-Notification"] for m in mailbox.messages] == [
        kinds.APPROVED, kinds.CANCELLED,
    ]
    reminders = rows(session, kinds.REMINDER)
    assert [(r.status, r.last_error) for r in reminders] == [
        (OutboxStatus.SKIPPED, "booking cancelled")
    ] * 2


def test_a_moved_bookings_reminder_arrives_at_the_new_time(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    new_start = START + timedelta(days=1, hours=2)  # Tuesday 16:00 in Istanbul
    booking.start_at, booking.end_at = new_start, new_start + timedelta(hours=2)
    booking.block_end = booking.end_at
    events.on_booking_moved(session, booking, NOW + timedelta(hours=1))
    session.commit()

    deliver_due(START - timedelta(hours=24))
    deliver_due(START - timedelta(hours=2))
    assert of_kind(mailbox, kinds.REMINDER) == []

    deliver_due(new_start - timedelta(hours=24))
    (reminder,) = of_kind(mailbox, kinds.REMINDER)
    assert "5 Mart 2030 Salı 16:00" in parts(reminder)[0]
    deliver_due(new_start - timedelta(hours=2))
    assert len(of_kind(mailbox, kinds.REMINDER)) == 2
    statuses = sorted((r.due_at, r.status) for r in rows(session, kinds.REMINDER))
    assert statuses == [
        (START - timedelta(hours=24), OutboxStatus.SKIPPED),
        (START - timedelta(hours=2), OutboxStatus.SKIPPED),
        (new_start - timedelta(hours=24), OutboxStatus.SENT),
        (new_start - timedelta(hours=2), OutboxStatus.SENT),
    ]


def test_after_downtime_reminders_before_the_start_are_sent_and_late_ones_skipped(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    early = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    later = scene.book(session, scene.member_en, start=START + timedelta(hours=3),
                       status=BookingStatus.APPROVED, title="Akşam paneli")
    events.on_booking_created(session, [early], NOW)
    events.on_booking_created(session, [later], NOW)
    session.commit()
    deliver_due(NOW)  # the approvals
    # The sender was down from NOW until 90 minutes after the first booking started.
    report = deliver_due(START + timedelta(minutes=90))

    assert len(report.sent) == 2 and len(report.skipped) == 2
    assert {m["To"].addresses[0].addr_spec for m in of_kind(mailbox, kinds.REMINDER)} == {
        scene.member_en.email
    }
    skipped = [r for r in rows(session, kinds.REMINDER) if r.status == OutboxStatus.SKIPPED]
    assert {r.booking_id for r in skipped} == {early.id}
    assert all(r.last_error.startswith("too late: the booking started at") for r in skipped)


def test_the_booking_engine_enqueues_and_the_sender_delivers(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    admin = make_user(session, Role.ADMIN)
    request = BookingRequest(room_id=scene.room.id, title="Gönüllü buluşması", start=START,
                             end=START + timedelta(hours=2), expected_attendees=20)
    mine = create_booking(session, scene.member_tr, request, NOW).bookings[0]
    rival = create_booking(session, scene.member_en, request, NOW).bookings[0]
    session.commit()
    approve_booking(session, scene.staff, mine.id, NOW + timedelta(hours=1))
    session.commit()
    change_booking(session, admin, mine.id,
                   BookingChanges(start=START + timedelta(hours=1),
                                  end=START + timedelta(hours=3)), NOW + timedelta(hours=2))
    session.commit()
    deliver_due(NOW + timedelta(hours=2))
    deliver_due(START - timedelta(hours=23))
    cancel_booking(session, scene.member_tr, mine.id, "Vazgeçtik", START - timedelta(hours=10))
    session.commit()
    deliver_due(START)

    to_mine = [m["X-Booking-Notification"] for m in mailbox.to(scene.member_tr.email)]
    to_rival = [m["X-Booking-Notification"] for m in mailbox.to(scene.member_en.email)]
    assert to_mine == [kinds.REQUEST_RECEIVED, kinds.APPROVED, kinds.CHANGED, kinds.REMINDER,
                       kinds.CANCELLED]
    assert to_rival == [kinds.REQUEST_RECEIVED, kinds.AUTO_REJECTED]
    assert rival.id != mine.id


def test_claims_are_exclusive_until_they_expire(session: Session) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    first = outbox.claim_due(session, NOW, "sender-a", lease=timedelta(minutes=10))
    assert len(first) == 2
    assert outbox.claim_due(session, NOW + timedelta(minutes=9), "sender-b") == []
    assert outbox.claim_due(session, NOW + timedelta(minutes=11), "sender-b") == first
    # The first sender's late result is refused: the claim is no longer its own.
    assert not outbox.mark_sent(session, first[0], "sender-a", NOW, "<x@y>")


def _tarpit() -> socket.socket:
    """A port that accepts TCP connections but never says hello: SMTP hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener


@pytest.mark.slow  # a child process killed mid-send; on a fixed NOW
def test_a_sender_killed_between_claim_and_send_loses_nothing(
    session: Session, mailbox: Mailbox, database_url: str
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    booking.created_by = None
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    tarpit = _tarpit()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notifications", "send-due",
         "--now", NOW.isoformat()],
        cwd=ROOT,
        env=sender_env(database_url, tarpit.getsockname()[1], BOOKING_SMTP_TIMEOUT="300"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert eventually(lambda: rows(session)[0].claimed_by is not None, timeout=60)
        # Claimed and stuck in SMTP: the process dies before the message is sent.
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        tarpit.close()
    (row,) = rows(session)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.PENDING, 0, None)

    assert deliver_due(NOW + timedelta(minutes=5)).sent == []  # the dead claim still holds
    assert len(mailbox) == 0
    assert deliver_due(NOW + outbox.CLAIM_LEASE + timedelta(seconds=1)).sent == [row.id]
    (message,) = mailbox.messages
    assert message["Message-ID"] == rows(session)[0].message_id


def test_when_staff_book_for_an_organisation_the_organisation_hears_of_it(session: Session) -> None:
    scene = build_scene(session)
    organization = scene.member_tr.organization
    session.commit()
    result = create_booking(session, scene.staff, BookingRequest(
        room_id=scene.room.id, title="Gönüllü buluşması", start=START,
        end=START + timedelta(hours=2), expected_attendees=10,
        organization_id=organization.id), NOW)
    session.commit()
    assert result.bookings[0].status == BookingStatus.APPROVED
    sent_to = {(m.kind, m.recipient) for m in rows(session)}
    assert (kinds.APPROVED, organization.email) in sent_to
    assert (kinds.REMINDER, organization.email) in sent_to
    assert not any(recipient == scene.staff.email for _, recipient in sent_to)
