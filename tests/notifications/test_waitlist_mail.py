"""Waitlist e-mail through a real SMTP server (SPEC §8): the offer, in the
requester's language, with a link to the page where it is accepted; the
expiry; and the expiry job run by its command with an injected now."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from booking import jobs
from booking.models import Booking, BookingStatus, WaitlistEntry, WaitlistState
from booking.notifications.sender import deliver_due
from booking.services import bookings as booking_service
from booking.services import waitlist
from tests.support.factories import make_booking
from tests.support.mailbox import Mailbox, parts
from tests.support.scene import NOW, Scene, build_scene, local
from tests.support.web import login


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5,
            "BASE_URL": "http://localhost"}


def _offer(session: Session, scene: Scene) -> WaitlistEntry:
    taken = make_booking(session, scene.room, local(3, 10), 120, status=BookingStatus.APPROVED,
                         organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    entry = waitlist.join(session, scene.member, waitlist.WaitlistRequest(
        room_id=scene.room.id, title="Gönüllü buluşması", start=local(3, 10),
        end=local(3, 12), expected_attendees=20), NOW)
    booking_service.cancel_booking(session, scene.other_member, taken.id, None, NOW)
    session.commit()
    assert entry.state == WaitlistState.OFFERED
    return entry


def _mail(mailbox: Mailbox, address: str, kind: str):
    [message] = [m for m in mailbox.to(address) if m["X-Booking-Notification"] == kind]
    return message


def test_the_offer_mail_arrives_in_turkish_with_a_working_link(
        app: Flask, session: Session, mailbox: Mailbox) -> None:
    scene = build_scene(session)
    entry = _offer(session, scene)
    offer_id, email, password_user = entry.booking_id, scene.member.email, scene.member
    report = deliver_due(NOW)
    assert report.sent, str(report)
    message = _mail(mailbox, email, "waitlist_offer")
    assert message["Subject"] == "Beklediğiniz saat boşaldı, sizin için ayrıldı: Gönüllü buluşması"
    text, html = parts(message)
    assert "Teklif " in text and "saatine kadar geçerli" in text
    link = re.search(r"http://localhost(/waitlist)\b", text)
    assert link and 'href="http://localhost/waitlist"' in html
    session.commit()
    client = app.test_client()
    login(client, password_user)
    page = client.get(link.group(1)).get_data(as_text=True)
    assert f'action="/bookings/{offer_id}/accept"' in page
    accepted = client.post(f"/bookings/{offer_id}/accept")
    assert accepted.status_code == 302
    session.expire_all()
    assert session.get(Booking, offer_id).status == BookingStatus.PENDING


def test_an_english_speaker_gets_the_offer_in_english(
        session: Session, mailbox: Mailbox) -> None:
    scene = build_scene(session)
    scene.member.language = "en"
    session.commit()
    _offer(session, scene)
    deliver_due(NOW)
    message = _mail(mailbox, scene.member.email, "waitlist_offer")
    assert message["Subject"] == "The time you waited for is free and held for you: " \
                                 "Gönüllü buluşması"
    text, _html = parts(message)
    assert "To accept or decline it (you will be asked to sign in): http://localhost/waitlist" \
        in text


def test_the_expiry_command_with_now_expires_the_offer_and_mails_it(
        app: Flask, session: Session, mailbox: Mailbox) -> None:
    scene = build_scene(session)
    entry = _offer(session, scene)
    offer_id, email = entry.booking_id, scene.member.email
    runner = app.test_cli_runner()
    early = runner.invoke(args=["waitlist", "expire-offers", "--now",
                                (NOW + timedelta(minutes=30)).isoformat()])
    assert early.exit_code == 0, early.output
    assert "Waitlist: expired 0, offered 0, dropped 0." in early.output
    late = runner.invoke(args=["waitlist", "expire-offers", "--now",
                               (NOW + timedelta(hours=3)).isoformat()])
    assert "Waitlist: expired 1, offered 0, dropped 0." in late.output
    bad = runner.invoke(args=["waitlist", "expire-offers", "--now", "soon"])
    assert bad.exit_code == 2 and "not an ISO 8601 date and time" in bad.output
    jobs._bound.clear()
    session.expire_all()
    assert session.get(Booking, offer_id).status == BookingStatus.EXPIRED
    deliver_due(NOW + timedelta(hours=3))
    message = _mail(mailbox, email, "offer_expired")
    assert message["Subject"] == "Teklifin süresi doldu: Gönüllü buluşması"


def test_the_scheduler_job_is_safe_to_run_twice(app: Flask, session: Session) -> None:
    scene = build_scene(session)
    entry = _offer(session, scene)
    later = NOW + timedelta(hours=3)
    jobs.bind_app(app)
    try:
        assert jobs.expire_waitlist_offers(later) == "expired 1, offered 0, dropped 0"
        assert jobs.expire_waitlist_offers(later) == "expired 0, offered 0, dropped 0"
    finally:
        jobs._bound.clear()
    session.expire_all()
    assert session.get(WaitlistEntry, entry.id).state == WaitlistState.EXPIRED
