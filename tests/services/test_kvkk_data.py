"""KVKK (SPEC §10) in the services, on both engines: a person's export holds
every table that refers to them, anonymising leaves none of their values
anywhere and keeps the reports' figures, and the retention run warns, waits,
anonymises and logs once."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import JSON, Enum, String, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from booking.models import (
    AuditEntry,
    Base,
    BookingStatus,
    DeletionState,
    DestructionRecord,
    OutboxMessage,
    OutboxStatus,
    Role,
    User,
)
from booking.notifications import kinds
from booking.notifications.outbox import enqueue
from booking.services import (
    deletion,
    feed_tokens,
    personal_data,
    privacy_notice,
    reports,
    retention,
    sessions,
    tokens,
)
from booking.services.errors import NotAllowed, RuleViolation
from tests.support.factories import make_booking, make_center, make_organization, make_room, make_user

NOW = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
NAME, EMAIL, PHONE = "Ayşe Yıldırım-Kaya", "ayse.kaya@example.org", "+90 532 111 22 33"


def _person(session: Session):
    center = make_center(session)
    room = make_room(session, center)
    org = make_organization(session, name="Çevre Gönüllüleri Derneği", email="dernek@example.org")
    admin = make_user(session, Role.ADMIN, name="Yönetici Bir", email="admin1@example.org")
    staff = make_user(session, Role.STAFF, centers=[center], name="Görevli Bir",
                      email="staff1@example.org")
    person = make_user(session, organization=org, name=NAME, email=EMAIL, phone=PHONE,
                       created_at=NOW - timedelta(days=900), last_login_at=NOW - timedelta(days=5))
    # A second representative: the person is not the organisation's last one
    # (that rule: tests/services/test_memberships.py).
    make_user(session, organization=org, name="Mehmet Demir", email="mehmet.demir@example.org",
              last_login_at=NOW - timedelta(days=1))
    past = make_booking(session, room, datetime(2030, 5, 6, 8, 0, tzinfo=UTC), 120,
                        BookingStatus.APPROVED, organization=org, created_by=person,
                        title="Genel kurul", description=f"İletişim: {PHONE}",
                        actual_attendees=40)
    ahead = make_booking(session, room, NOW + timedelta(days=10), 60, BookingStatus.APPROVED,
                         organization=org, created_by=person, title="Yönetim kurulu")
    session.add(AuditEntry(at=NOW, actor_id=person.id, entity="booking", entity_id=past.id,
                           action="create", details={"requester": NAME, "email": EMAIL}))
    session.add(AuditEntry(at=NOW, actor_id=staff.id, entity="user", entity_id=person.id,
                           action="note", reason=f"{NAME} aradı ({PHONE})"))
    enqueue(session, kind=kinds.APPROVED, recipient=person, due_at=NOW - timedelta(days=1),
            booking=past, context={"reason": f"Sevgili {NAME}"})
    enqueue(session, kind=kinds.REMINDER, recipient=person, due_at=NOW + timedelta(days=9),
            booking=ahead)
    sessions.start_session(session, person, NOW)
    tokens.create_token(session, person, "telefon", NOW)
    feed_tokens.issue_personal(session, person, NOW)
    notice = privacy_notice.publish(session, admin, "Metin", "Text", None, None, NOW)
    privacy_notice.acknowledge(session, person, notice.version, NOW)
    session.commit()
    return person, staff, admin, org, ahead


def _text_columns_holding(session: Session, values: list[str]) -> list[str]:
    """Every table.column (text or JSON) where one of ``values`` still appears."""
    found = []
    escaped = [json.dumps(v)[1:-1] for v in values]
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON) or isinstance(column.type, Enum):
                continue
            text_of = cast(column, Text()) if isinstance(column.type, JSON) else column
            hits = session.scalar(select(func.count()).select_from(table).where(
                or_(*(text_of.contains(v, autoescape=True) for v in values + escaped))))
            if hits:
                found.append(f"{table.name}.{column.name}")
    return found


def test_the_export_holds_every_table_that_refers_to_the_person_and_no_secret(session) -> None:
    person, *_ = _person(session)
    data = personal_data.export(session, person, NOW)
    expected = {f"{t.name}.{c}" for t, c in personal_data.user_references()}
    # A table added later with a user reference is exported without a change here.
    assert set(data["references"]) == expected
    assert {"bookings.created_by_id", "sign_in_sessions.user_id", "api_tokens.user_id",
            "feed_tokens.user_id", "audit_entries.actor_id", "outbox_messages.user_id",
            "notice_acknowledgements.user_id"} <= expected
    assert data["account"]["email"] == EMAIL and data["account"]["phone"] == PHONE
    assert data["organization"]["name"] == "Çevre Gönüllüleri Derneği"
    assert [b["title"] for b in data["references"]["bookings.created_by_id"]] == [
        "Genel kurul", "Yönetim kurulu"]
    assert len(data["references"]["notice_acknowledgements.user_id"]) == 1
    assert {m["kind"] for m in data["messages_to_address"]} == {"approved", "reminder"}
    assert data["audit_about_account"][0]["reason"].startswith(NAME)
    text = json.dumps(data, ensure_ascii=False)
    for secret in ("password_hash", "token_hash", "secret_hash", "session_nonce"):
        assert secret not in text
    json.loads(text)  # plain JSON all the way down


def test_anonymising_leaves_no_value_of_the_person_anywhere_and_keeps_the_figures(session) -> None:
    person, staff, _, org, ahead = _person(session)
    before = reports.summary(session, staff, 2030)
    row = deletion.request_deletion(session, person, "Artık üye değilim", NOW)
    assert row.due_at == NOW + timedelta(days=30)
    done = deletion.carry_out(session, staff, row.id, NOW + timedelta(days=2))
    session.commit()
    assert done.future_bookings == 1 and done.pseudonym.startswith("Silinmiş kişi ")
    assert _text_columns_holding(session, [NAME, EMAIL, PHONE]) == []
    assert reports.summary(session, staff, 2030) == before
    session.expire_all()
    person = session.get(User, person.id)
    assert (person.name, person.is_active, person.phone) == (done.pseudonym, False, None)
    assert person.email.endswith("@invalid")
    # The bookings stay with the organisation; the audit trail keeps the pseudonym.
    assert ahead.organization_id == org.id and ahead.created_by_id == person.id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "create",
                                                   AuditEntry.entity == "booking"))
    assert entry.details == {"requester": done.pseudonym, "email": person.email}
    # Unsent mail to the person is skipped; what is sent from now goes to the organisation.
    reminder = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert reminder.status == OutboxStatus.SKIPPED
    from booking.notifications.events import requester
    assert requester(ahead) == org.email
    record = session.scalar(select(DestructionRecord))
    assert (record.what, record.reason, record.pseudonym, record.actor_id) == (
        "person", "request", done.pseudonym, staff.id)


def test_a_request_is_carried_out_once_and_only_by_staff(session) -> None:
    person, staff, admin, _, _ = _person(session)
    row = deletion.request_deletion(session, person, None, NOW)
    assert deletion.request_deletion(session, person, None, NOW).id == row.id  # one open request
    with pytest.raises(NotAllowed):
        deletion.carry_out(session, person, row.id, NOW)
    deletion.carry_out(session, admin, row.id, NOW)
    with pytest.raises(RuleViolation) as refused:
        deletion.carry_out(session, staff, row.id, NOW)
    assert refused.value.errors[0].field == "request"
    assert row.state == DeletionState.DONE
    assert len(list(session.scalars(select(DestructionRecord)))) == 1


def test_retention_warns_waits_then_anonymises_and_a_sign_in_cancels_it(session) -> None:
    org = make_organization(session)
    idle = make_user(session, organization=org, name="Uzun Süredir Yok",
                     created_at=NOW - timedelta(days=800), last_login_at=NOW - timedelta(days=720))
    back = make_user(session, organization=org, name="Geri Dönen Kişi",
                     created_at=NOW - timedelta(days=800), last_login_at=NOW - timedelta(days=720))
    fresh = make_user(session, organization=org, last_login_at=NOW - timedelta(days=100))
    old_staff = make_user(session, Role.STAFF, last_login_at=NOW - timedelta(days=2000))
    room = make_room(session, make_center(session))
    old = make_booking(session, room, NOW - timedelta(days=800), 60, BookingStatus.APPROVED,
                       organization=org, description="Eski ayrıntı")
    session.commit()

    first = retention.run(session, NOW, 730, 730)
    assert (first.warned, first.anonymised, first.descriptions_cleared) == (2, 0, 1)
    assert old.description is None
    notices = list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == kinds.RETENTION_NOTICE)))
    assert sorted(m.user_id for m in notices) == sorted([idle.id, back.id])
    assert retention.run(session, NOW + timedelta(days=1), 730, 730).warned == 0  # once

    back.last_login_at = NOW + timedelta(days=3)  # signed in again
    retention.cancel_notice(back)
    second = retention.run(session, NOW + timedelta(days=14), 730, 730)
    assert (second.warned, second.anonymised) == (0, 1)
    assert idle.anonymised_at == NOW + timedelta(days=14) and back.anonymised_at is None
    assert fresh.anonymised_at is None and old_staff.anonymised_at is None
    assert retention.run(session, NOW + timedelta(days=15), 730, 730).anonymised == 0
    reasons = sorted((r.what, r.reason) for r in session.scalars(select(DestructionRecord)))
    assert reasons == [("booking_descriptions", "old_bookings"), ("person", "inactive")]


def test_retention_purges_log_entries_older_than_three_years(session) -> None:
    session.add(DestructionRecord(at=NOW - timedelta(days=3 * 365 + 2), what="person",
                                  reason="request", pseudonym="Silinmiş kişi AAAAAA"))
    session.add(DestructionRecord(at=NOW - timedelta(days=3 * 365 - 2), what="person",
                                  reason="request", pseudonym="Silinmiş kişi BBBBBB"))
    session.commit()
    assert retention.run(session, NOW, 730, 730).log_purged == 1
    assert [r.pseudonym for r in retention.destruction_log(session)] == ["Silinmiş kişi BBBBBB"]


def test_an_older_notice_version_is_refused_and_acknowledging_twice_keeps_the_first(session):
    admin = make_user(session, Role.ADMIN)
    member = make_user(session)
    first = privacy_notice.publish(session, admin, "Bir", "One", None, None, NOW)
    second = privacy_notice.publish(session, admin, "İki", "Two", "Değişti", "Changed",
                                    NOW + timedelta(hours=1))
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(RuleViolation):
        privacy_notice.acknowledge(session, member, 1, NOW)
    kept = privacy_notice.acknowledge(session, member, 2, NOW)
    assert privacy_notice.acknowledge(session, member, 2, NOW + timedelta(days=1)) is kept
    assert privacy_notice.pending_for(session, member) is None
    with pytest.raises(NotAllowed):
        privacy_notice.publish(session, member, "x", "y", None, None, NOW)
    with pytest.raises(RuleViolation) as empty:
        privacy_notice.publish(session, admin, " ", "", None, None, NOW)
    assert {e.field for e in empty.value.errors} == {"text_tr", "text_en"}


def test_the_staff_digest_counts_open_and_overdue_deletion_requests(app, session) -> None:
    from booking.notifications.messages import render
    from booking.notifications.staff import build_daily_digests

    center = make_center(session)
    make_user(session, Role.STAFF, centers=[center])
    late = make_user(session)
    recent = make_user(session)
    deletion.request_deletion(session, late, None, NOW - timedelta(days=31))
    deletion.request_deletion(session, recent, None, NOW - timedelta(days=1))
    session.commit()
    [digest] = build_daily_digests(session, NOW)  # nothing else to report: sent for them
    assert (digest.context["deletions_open"], digest.context["deletions_overdue"]) == (2, 1)
    with app.test_request_context():
        text = render(session, digest).text
    assert "Kişisel veri silme talepleri (2)" in text
    assert "1 talebin 30 günlük süresi geçti." in text and "/staff/deletion-requests" in text


def test_a_short_name_is_not_replaced_inside_other_words(session) -> None:
    staff = make_user(session, Role.STAFF)
    person = make_user(session, name="Ali", email="ali.k@example.org")
    make_user(session, organization=person.organization)  # a colleague keeps it represented
    session.add(AuditEntry(at=NOW, actor_id=staff.id, entity="user", entity_id=person.id,
                           action="note", reason="ali.k@example.org adresinden Alişan yazdı"))
    row = deletion.request_deletion(session, person, None, NOW)
    deletion.carry_out(session, staff, row.id, NOW)
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "note"))
    assert entry.reason == f"{person.email} adresinden Alişan yazdı"
    assert person.email.endswith("@invalid")
