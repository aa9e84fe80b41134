"""Verifications (SPEC §9): each one is recorded with who, when, how and a
note, and holds VERIFICATION_VALID_DAYS; an organisation whose verification
ran out may not request anew (its bookings stay), staff see the ones due and
renewing unblocks; the representatives are reminded once, a month before,
in their language, through the outbox and SMTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import (
    Booking,
    BookingStatus,
    OrganizationVerification,
    OutboxMessage,
    Role,
    VerificationMethod,
)
from booking.notifications import kinds
from booking.notifications.sender import deliver_due
from booking.services import verification, verification_records
from booking.services.bookings import approve_booking, create_booking
from booking.services.errors import NotFound, RuleViolation
from booking.services.rules import verification_lapsed
from tests.support.factories import make_organization, make_user
from tests.support.mailbox import Mailbox, parts
from tests.support.scene import NOW, Scene, local


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5,
            "BASE_URL": "https://rezervasyon.example.org"}


def _verify(session: Session, scene: Scene, days_ago: int, method: str = "document_seen",
            note: str | None = None) -> OrganizationVerification:
    record = verification_records.verify(session, scene.staff, scene.org.id, method=method,
                                         note=note, now=NOW - timedelta(days=days_ago))
    session.commit()
    return record


def test_a_verification_records_who_when_how_and_the_note(session: Session, scene: Scene) -> None:
    newcomer = make_organization(session, is_verified=False)
    session.commit()
    record = verification_records.verify(session, scene.staff, newcomer.id,
                                         method="registry_checked", note="DERBİS'te baktım",
                                         now=NOW, valid_days=200)
    session.commit()
    assert (record.verified_by_id, record.verified_at, record.method, record.note) == (
        scene.staff.id, NOW, VerificationMethod.REGISTRY_CHECKED, "DERBİS'te baktım")
    assert record.expires_at == NOW + timedelta(days=200)
    assert (newcomer.is_verified, newcomer.verified_at, newcomer.verification_expires_at) == (
        True, NOW, NOW + timedelta(days=200))


@pytest.mark.parametrize("method", [None, "", "legacy", "guessed"])
def test_staff_must_say_how_and_nothing_is_recorded_otherwise(session: Session, scene: Scene,
                                                              method) -> None:
    newcomer = make_organization(session, is_verified=False)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        verification_records.verify(session, scene.staff, newcomer.id, method=method, note=None,
                                    now=NOW)
    assert [e.field for e in caught.value.errors] == ["method"]
    session.rollback()
    assert not newcomer.is_verified
    assert session.scalar(select(OrganizationVerification.id)) is None


def test_a_member_cannot_verify_even_their_own_organisation(session: Session,
                                                            scene: Scene) -> None:
    scene.org.is_verified = False
    session.commit()
    with pytest.raises(NotFound):
        verification_records.verify(session, scene.member, scene.org.id, method="document_seen",
                                    note=None, now=NOW)
    session.rollback()
    assert not scene.org.is_verified


def test_staff_of_any_center_verify_as_in_the_inbox(session: Session, scene: Scene) -> None:
    """Organisations are not a center's: every staff member sees the inbox and verifies."""
    other = make_user(session, Role.STAFF, centers=[])
    session.commit()
    record = verification_records.verify(session, other, scene.org.id, method="document_seen",
                                         note=None, now=NOW)
    assert record.verified_by_id == other.id


def test_an_expired_verification_refuses_new_requests_but_keeps_existing_bookings(
        session: Session, scene: Scene) -> None:
    _verify(session, scene, days_ago=360)  # runs out in five days
    existing = create_booking(session, scene.member, scene.request(local(20, 10), 60), NOW)
    session.commit()
    later = NOW + timedelta(days=6)
    assert verification_lapsed(scene.org, later)
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(local(21, 10), 60), later)
    [error] = caught.value.errors
    assert error.field == "organization_id"
    assert "doğrulamayı yeniletin" in str(error.message)
    assert "Mevcut rezervasyonlarınız geçerliliğini korur." in str(error.message)
    session.rollback()
    booking = session.get(Booking, existing.bookings[0].id)
    assert booking.status == BookingStatus.PENDING
    approve_booking(session, scene.staff, booking.id, later)
    assert booking.status == BookingStatus.APPROVED
    session.commit()
    # Staff booking for the organisation are told to renew first.
    with pytest.raises(RuleViolation) as by_staff:
        create_booking(session, scene.staff,
                       scene.request(local(22, 10), 60, organization_id=scene.org.id), later)
    assert "doğrulamayı yenileyin" in str(by_staff.value.errors[0].message)
    session.rollback()


def test_renewing_unblocks_and_a_new_record_is_kept_beside_the_old(session: Session,
                                                                   scene: Scene) -> None:
    first = _verify(session, scene, days_ago=400)
    with pytest.raises(RuleViolation):
        create_booking(session, scene.member, scene.request(local(3, 10), 60), NOW)
    session.rollback()
    renewal = _verify(session, scene, days_ago=0, method="registry_checked", note="yenilendi")
    created = create_booking(session, scene.member, scene.request(local(3, 10), 60), NOW)
    assert created.bookings[0].organization_id == scene.org.id
    session.commit()
    assert [r.id for r in verification_records.history(session, scene.org.id)] == [
        renewal.id, first.id]
    assert scene.org.verification_expires_at == NOW + timedelta(days=365)


def test_the_due_list_holds_expired_and_soon_expiring_ones_soonest_first(
        session: Session, scene: Scene) -> None:
    soon = make_organization(session, name="Yakında Derneği")
    later = make_organization(session, name="Sonra Derneği")
    make_organization(session, name="Bekleyen Derneği", is_verified=False)
    session.commit()
    for organization, days_ago in ((soon, 350), (later, 100), (scene.other_org, 370)):
        verification_records.verify(session, scene.staff, organization.id, method="document_seen",
                                    note=None, now=NOW - timedelta(days=days_ago))
    session.commit()
    counts = verification.counts(session, NOW)
    assert counts.due == 2 and counts.awaiting == 1
    assert counts.all == counts.awaiting + counts.verified
    rows = verification.inbox(session, verification.Status.DUE, now=NOW)
    assert [r.organization.name for r in rows] == [scene.other_org.name, "Yakında Derneği"]
    # Renewing takes it off the list.
    verification_records.verify(session, scene.staff, soon.id, method="document_seen", note=None,
                                now=NOW)
    session.commit()
    assert verification.counts(session, NOW).due == 1


def _reminders(session: Session) -> list[OutboxMessage]:
    found = list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == kinds.VERIFICATION_DUE).order_by(OutboxMessage.recipient)))
    session.commit()
    return found


def test_the_reminder_goes_once_a_month_before_to_active_members_in_their_language(
        session: Session, scene: Scene, mailbox: Mailbox) -> None:
    organization = make_organization(session, name="Işıklı Yarınlar Derneği")
    make_user(session, organization=organization, name="Ayşe Işık", email="ayse@example.org")
    make_user(session, organization=organization, name="Jane Doe", email="jane@example.org",
              language="en")
    make_user(session, organization=organization, email="eski@example.org", is_active=False)
    gone = make_user(session, organization=organization, email="anon@example.org")
    gone.anonymised_at = NOW
    session.commit()
    verification_records.verify(session, scene.staff, organization.id, method="document_seen",
                                note=None, now=NOW - timedelta(days=300))
    session.commit()
    # Sixty-five days before: nothing yet.
    assert verification_records.send_reminders(session, NOW) == 0
    in_window = NOW + timedelta(days=40)  # 25 days before it runs out
    assert verification_records.send_reminders(session, in_window) == 1
    session.commit()
    assert verification_records.send_reminders(session, in_window + timedelta(days=1)) == 0
    session.commit()
    assert [m.recipient for m in _reminders(session)] == ["ayse@example.org", "jane@example.org"]

    assert len(deliver_due(in_window).sent) == 2
    mailbox.wait_for(2)
    [tr_mail] = mailbox.to("ayse@example.org")
    [en_mail] = mailbox.to("jane@example.org")
    assert "Işıklı Yarınlar Derneği" in tr_mail["Subject"]
    assert tr_mail["Subject"].startswith("Kuruluşunuzun doğrulaması")
    assert en_mail["Subject"].startswith("Your organisation's verification runs out")
    text, _html = parts(tr_mail)
    assert "Merhaba Ayşe Işık," in text and "DERBİS, VGM ya da MERSİS" in text
    english, _ = parts(en_mail)
    assert "current registry record" in english


def test_a_renewed_verification_is_reminded_again_when_it_runs_out(session: Session,
                                                                   scene: Scene) -> None:
    _verify(session, scene, days_ago=340)
    assert verification_records.send_reminders(session, NOW) == 1
    session.commit()
    _verify(session, scene, days_ago=0)
    assert verification_records.send_reminders(session, NOW) == 0
    assert verification_records.send_reminders(session, NOW + timedelta(days=340)) == 1
    session.commit()
    assert len(_reminders(session)) == 2


def test_an_expired_or_unverified_organisation_gets_no_reminder(session: Session,
                                                                 scene: Scene) -> None:
    _verify(session, scene, days_ago=400)
    scene.other_org.is_verified = False
    session.commit()
    assert verification_records.send_reminders(session, NOW) == 0
