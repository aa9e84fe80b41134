"""Every message kind, in Turkish and English, delivered through a real SMTP server."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import get_domain
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import BookingStatus, OutboxMessage
from booking.notifications import events, kinds
from booking.notifications.sender import deliver_due
from booking.notifications.staff import build_daily_digests, build_escalations
from tests.support.mailbox import Mailbox, attachments, parts
from tests.support.notification_scene import NOW, START, Scene, build_scene

MAIL_FROM = "Sivil Toplum Merkezleri <rezervasyon@stm.example.org>"


@pytest.fixture
def app_config(
    smtp_port: int, request: pytest.FixtureRequest, tmp_path: Path
) -> dict[str, object]:
    config: dict[str, object] = {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "MAIL_FROM": MAIL_FROM,
    }
    if getattr(request, "param", None) == "with-catalog":
        # A tiny English catalogue, as the real one will translate these msgids.
        _english_catalog(tmp_path / "translations")
        config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path / "translations")
    return config


# Each trigger sets up one kind of message for a recipient in `language` and
# returns (recipient e-mail, the instant at which to run the sender).
Trigger = Callable[[Session, Scene, str], tuple[str, object]]


def _request(session: Session, scene: Scene, language: str):
    booking = scene.book(session, scene.member(language))
    events.on_booking_created(session, [booking], NOW)
    return scene.member(language).email, NOW


def _new_request(session: Session, scene: Scene, language: str):
    scene.staff.language = language
    booking = scene.book(session, scene.member_tr)
    events.on_booking_created(session, [booking], NOW)
    return scene.staff.email, NOW


def _change(status: BookingStatus, reason: str | None = None, automatic: bool = False):
    def trigger(session: Session, scene: Scene, language: str):
        booking = scene.book(session, scene.member(language))
        booking.status = status
        booking.status_reason = reason
        events.on_status_changed(session, booking, BookingStatus.PENDING, NOW, automatic=automatic)
        return scene.member(language).email, NOW

    return trigger


def _reminder(session: Session, scene: Scene, language: str):
    booking = scene.book(session, scene.member(language), status=BookingStatus.APPROVED)
    events.on_booking_created(session, [booking], NOW)
    return scene.member(language).email, START - timedelta(hours=24)


def _digest(session: Session, scene: Scene, language: str):
    scene.staff.language = language
    scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    scene.book(session, scene.member_en, start=START + timedelta(days=1), title="Panel")
    morning = START.replace(hour=4, minute=30)  # 07:30 in Istanbul on the booking's day
    build_daily_digests(session, morning)
    return scene.staff.email, morning


def _escalation(session: Session, scene: Scene, language: str):
    scene.staff.language = language
    scene.book(session, scene.member_tr)
    late = START - timedelta(hours=30)
    build_escalations(session, late)
    return scene.staff.email, late


TRIGGERS: dict[str, Trigger] = {
    kinds.REQUEST_RECEIVED: _request,
    kinds.NEW_REQUEST: _new_request,
    kinds.APPROVED: _change(BookingStatus.APPROVED),
    kinds.REJECTED: _change(BookingStatus.REJECTED, "Salon bakımda"),
    kinds.AUTO_REJECTED: _change(BookingStatus.REJECTED, "Çakışan talep onaylandı", True),
    kinds.CANCELLED: _change(BookingStatus.CANCELLED, "Etkinlik ertelendi"),
    kinds.REMINDER: _reminder,
    kinds.DIGEST: _digest,
    kinds.ESCALATION: _escalation,
}

TURKISH_SUBJECTS = {
    kinds.REQUEST_RECEIVED: "Talebiniz alındı: Gönüllü buluşması",
    kinds.NEW_REQUEST: "Yeni rezervasyon talebi: Gönüllü buluşması",
    kinds.APPROVED: "Rezervasyonunuz onaylandı: Gönüllü buluşması",
    kinds.REJECTED: "Rezervasyon talebiniz reddedildi: Gönüllü buluşması",
    kinds.AUTO_REJECTED: "Rezervasyon talebiniz otomatik olarak reddedildi: Gönüllü buluşması",
    kinds.CANCELLED: "Rezervasyonunuz iptal edildi: Gönüllü buluşması",
    kinds.REMINDER: "Hatırlatma: Gönüllü buluşması, 4 Mart 2030 Pazartesi 14:00–16:00",
    kinds.DIGEST: "Günlük özet: Kadıköy Sivil Toplum Merkezi, 4 Mart 2030 Pazartesi",
    kinds.ESCALATION: "Başlangıcı yaklaşan bekleyen talep: Gönüllü buluşması",
}
# The booking's start, shown in the center's zone (11:00 UTC is 14:00 in Istanbul).
LOCAL_START = {"tr": "4 Mart 2030 Pazartesi 14:00", "en": "Monday, 4 March 2030 14:00"}
# A list of bookings (the digest, a series' dates) names each in the lists' style.
LISTED_START = {"tr": "4 Mar 2030 14:00", "en": "4 Mar 2030 14:00"}


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("kind", list(TRIGGERS))
def test_each_message_kind_arrives_in_the_recipients_language(
    session: Session, mailbox: Mailbox, kind: str, language: str
) -> None:
    scene = build_scene(session)
    recipient, at = TRIGGERS[kind](session, scene, language)
    session.commit()

    report = deliver_due(at)

    received = [m for m in mailbox.to(recipient) if m["X-Booking-Notification"] == kind]
    assert len(received) == 1, report
    message = received[0]
    text, html = parts(message)
    assert message["Content-Language"] == language
    assert message["From"] == MAIL_FROM
    assert message["Message-ID"].startswith("<outbox-")
    assert message["Message-ID"].endswith("@stm.example.org>")
    assert f'<html lang="{language}">' in html
    start = (LISTED_START if kind == kinds.DIGEST else LOCAL_START)[language]
    assert start in text
    assert start in html
    assert "Konferans Salonu, Kadıköy Sivil Toplum Merkezi" in text or kind == kinds.DIGEST
    if language == "tr":
        assert message["Subject"] == TURKISH_SUBJECTS[kind]


@pytest.mark.parametrize("kind", [kinds.REJECTED, kinds.AUTO_REJECTED, kinds.CANCELLED])
def test_rejection_and_cancellation_carry_the_reason(
    session: Session, mailbox: Mailbox, kind: str
) -> None:
    scene = build_scene(session)
    recipient, at = TRIGGERS[kind](session, scene, "tr")
    session.commit()
    deliver_due(at)
    (message,) = mailbox.to(recipient)
    text, html = parts(message)
    reason = {kinds.REJECTED: "Salon bakımda", kinds.AUTO_REJECTED: "Çakışan talep onaylandı",
              kinds.CANCELLED: "Etkinlik ertelendi"}[kind]
    assert f"Gerekçe: {reason}" in text
    assert f"Gerekçe: {reason}" in html


def test_approval_carries_an_ics_attachment_in_the_center_zone(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    recipient, at = TRIGGERS[kinds.APPROVED](session, scene, "en")
    session.commit()
    deliver_due(at)
    (message,) = mailbox.to(recipient)
    booking_id = session.scalar(select(OutboxMessage.booking_id))
    (attachment,) = attachments(message)
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename().endswith(".ics")
    calendar = Calendar.from_ical(attachment.get_content())
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2030-03-04T14:00:00+03:00"
    assert event.decoded("DTEND").isoformat() == "2030-03-04T16:00:00+03:00"
    assert str(event["SUMMARY"]).startswith("Gönüllü buluşması")
    # The feeds' UID, so importing the attachment and subscribing keep one event.
    assert str(event["UID"]) == f"booking-{booking_id}@localhost"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Istanbul"]


def test_a_series_gets_one_request_message_listing_every_date(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    series = [scene.book(session, scene.member_tr, start=START + timedelta(weeks=i))
              for i in range(3)]
    events.on_booking_created(session, series, NOW)
    session.commit()
    deliver_due(NOW)
    (to_member,) = mailbox.to(scene.member_tr.email)
    (to_staff,) = mailbox.to(scene.staff.email)
    for message in (to_member, to_staff):
        text, _ = parts(message)
        assert "4 Mar 2030 14:00" in text
        assert "18 Mar 2030 14:00" in text


def test_the_digest_lists_today_pending_and_unrecorded_attendance(
    session: Session, mailbox: Mailbox
) -> None:
    scene = build_scene(session)
    scene.book(session, scene.member_tr, status=BookingStatus.APPROVED, title="Bugünkü panel")
    scene.book(session, scene.member_tr, start=START + timedelta(days=2), title="Bekleyen atölye")
    scene.book(session, scene.member_tr, start=START - timedelta(days=2),
               status=BookingStatus.APPROVED, title="Geçen toplantı")
    morning = START.replace(hour=4, minute=30)
    build_daily_digests(session, morning)
    build_daily_digests(session, morning + timedelta(minutes=5))  # a second run adds nothing
    session.commit()
    deliver_due(morning + timedelta(minutes=5))
    (message,) = mailbox.to(scene.staff.email)
    text, html = parts(message)
    for title in ("Bugünkü panel", "Bekleyen atölye", "Geçen toplantı"):
        assert title in text and title in html
    assert "Bugünkü rezervasyonlar (1)" in text
    assert "Onay bekleyen talepler (1)" in text
    assert "Katılımı kaydedilmemiş etkinlikler (1)" in text


def _english_catalog(directory: Path) -> None:
    catalog = Catalog(locale="en")
    catalog.add("Rezervasyonunuz onaylandı: %(title)s", "Your booking is approved: %(title)s",
                flags=["python-format"])
    catalog.add("Rezervasyonunuz onaylandı. Takviminize eklemek için ekteki .ics dosyasını "
                "açabilirsiniz.",
                "Your booking is approved. Open the attached .ics file to add it to your calendar.")
    target = directory / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)


@pytest.fixture
def fresh_translations(session: Session) -> Iterator[None]:
    """Flask-Babel caches catalogues per process: start and end with an empty cache."""
    get_domain().cache.clear()
    yield
    get_domain().cache.clear()


@pytest.mark.parametrize("app_config", ["with-catalog"], indirect=True)
def test_one_batch_renders_each_message_in_its_own_recipients_language(
    session: Session, mailbox: Mailbox, fresh_translations: None
) -> None:
    scene = build_scene(session)
    for days, member in enumerate((scene.member_en, scene.member_tr)):
        booking = scene.book(session, member, start=START + timedelta(days=days))
        booking.status = BookingStatus.APPROVED
        events.on_status_changed(session, booking, BookingStatus.PENDING, NOW)
    session.commit()
    deliver_due(NOW)
    (english,) = mailbox.to(scene.member_en.email)
    (turkish,) = mailbox.to(scene.member_tr.email)
    assert english["Subject"] == "Your booking is approved: Gönüllü buluşması"
    assert "Open the attached .ics file" in parts(english)[0]
    assert turkish["Subject"] == "Rezervasyonunuz onaylandı: Gönüllü buluşması"
    assert "Takviminize eklemek için" in parts(turkish)[0]
