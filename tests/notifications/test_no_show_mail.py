"""The no-show release e-mails the requester (in their language) and the
organisation's own address, through the outbox and a real SMTP server."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from booking.models import BookingStatus
from booking.notifications import kinds
from booking.notifications.sender import deliver_due
from booking.services import checkin
from tests.support.mailbox import Mailbox, parts
from tests.support.notification_scene import START, build_scene


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


@pytest.mark.parametrize(("language", "words"), [
    ("tr", ("Varış kaydı yapılmadı, salon serbest bırakıldı", "serbest bırakıldı")),
    ("en", ("Not checked in, room released", "released")),
])
def test_a_released_no_show_reaches_the_requester_and_the_organisation_by_smtp(
        session: Session, mailbox: Mailbox, language: str, words: tuple[str, str]) -> None:
    scene = build_scene(session)
    requester = scene.member(language)
    booking = scene.book(session, requester, status=BookingStatus.APPROVED)
    organization_address = requester.organization.email
    session.commit()
    released = checkin.release_no_shows(session, START + timedelta(minutes=20))
    assert [item.booking.id for item in released] == [booking.id]
    session.commit()

    report = deliver_due(START + timedelta(minutes=21))

    assert len(report.sent) == 2
    sent = [m for m in mailbox.messages if m["X-Booking-Notification"] == kinds.NO_SHOW]
    assert sorted(m["To"].addresses[0].addr_spec for m in sent) == sorted(
        [requester.email, organization_address])
    to_requester = next(m for m in sent if m["To"].addresses[0].addr_spec == requester.email)
    assert words[0] in to_requester["Subject"]
    text, html = parts(to_requester)
    assert words[1] in text and words[1] in html
    assert booking.title in text
