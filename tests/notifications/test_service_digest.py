"""The 07:30 digest lists the day's services to prepare (SPEC §9), through the
outbox and a real SMTP server; cancelled bookings' tasks are not in it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from booking.models import BookingServiceItem, BookingStatus, ServiceItem, ServiceItemStatus
from booking.notifications import kinds
from booking.notifications.sender import deliver_due
from booking.notifications.staff import build_daily_digests
from tests.support.mailbox import Mailbox, parts
from tests.support.notification_scene import START, build_scene


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


def _item(session, booking, item, quantity, status, note=None):
    session.add(BookingServiceItem(booking_id=booking.id, item_id=item.id, quantity=quantity,
                                   status=status, note=note, created_at=START))


def test_the_digest_lists_the_days_promised_services_and_not_cancelled_ones(
        session: Session, mailbox: Mailbox) -> None:
    scene = build_scene(session)
    tea = ServiceItem(center_id=scene.center.id, name="Çay ikramı", unit="kişi")
    projector = ServiceItem(center_id=scene.center.id, name="Projeksiyon", unit="adet", stock=2)
    session.add_all([tea, projector])
    session.flush()
    today = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    gone = scene.book(session, scene.member_en, start=START + timedelta(hours=3),
                      status=BookingStatus.CANCELLED, title="Panel")
    tomorrow = scene.book(session, scene.member_en, start=START + timedelta(days=1),
                          status=BookingStatus.APPROVED, title="Yarın")
    _item(session, today, tea, 25, ServiceItemStatus.PROMISED, "Şekersiz çay da olsun")
    _item(session, gone, projector, 2, ServiceItemStatus.CANCELLED)
    _item(session, tomorrow, projector, 1, ServiceItemStatus.PROMISED)
    session.commit()
    morning = START.replace(hour=4, minute=30)  # 07:30 in Istanbul
    build_daily_digests(session, morning)
    session.commit()

    deliver_due(morning)

    digests = [m for m in mailbox.messages if m["X-Booking-Notification"] == kinds.DIGEST]
    assert [m["To"].addresses[0].addr_spec for m in digests] == [scene.staff.email]
    text, html = parts(digests[0])
    assert "Bugünkü ikram ve hizmet görevleri (1)" in text
    assert "14:00" in text and "25 kişi Çay ikramı" in text and "Şekersiz çay da olsun" in text
    assert "/staff/tasks?center_id=" in text and "25 kişi Çay ikramı" in html
    assert "Projeksiyon" not in text and "Projeksiyon" not in html
