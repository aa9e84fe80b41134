"""When staff verify a newly registered organisation, its members hear it by
e-mail, in their own language, with where to go next; until then they could
only keep checking. Verifying twice, or by two staff at once, sends it once."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.extensions import db
from booking.models import OutboxMessage, Role, User, utcnow
from booking.notifications import kinds
from booking.notifications.sender import deliver_due
from booking.services import accounts
from tests.support.factories import make_organization, make_user
from tests.support.mailbox import Mailbox, parts
from tests.support.races import race
from tests.support.scene import build_scene
from tests.support.web import database, login, scene_for


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5,
            "BASE_URL": "https://rezervasyon.example.org"}


def _new_organization(session: Session):
    organization = make_organization(session, name="Işıklı Yarınlar Derneği", is_verified=False)
    make_user(session, organization=organization, name="Ayşe Işık", email="ayse@example.org",
              language="tr")
    make_user(session, organization=organization, name="Jane Doe", email="jane@example.org",
              language="en")
    make_user(session, organization=organization, name="Eski Üye", email="eski@example.org",
              is_active=False)
    session.commit()
    return organization


def _verified_messages(session: Session) -> list[OutboxMessage]:
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == kinds.ORGANIZATION_VERIFIED).order_by(OutboxMessage.recipient))
    found = list(rows)
    session.commit()
    return found


def test_verifying_an_organisation_tells_each_active_member_in_their_language(
        session: Session, mailbox: Mailbox) -> None:
    organization = _new_organization(session)
    staff = make_user(session, Role.STAFF, centers=[build_scene(session).center])
    accounts.verify_organization(session, staff, organization.id, method="document_seen")
    session.commit()
    assert [m.recipient for m in _verified_messages(session)] == [
        "ayse@example.org", "jane@example.org"]  # not the deactivated member

    assert len(deliver_due(utcnow()).sent) == 2
    mailbox.wait_for(2)
    [tr_mail] = mailbox.to("ayse@example.org")
    [en_mail] = mailbox.to("jane@example.org")
    assert tr_mail["Subject"] == "Kuruluşunuz doğrulandı: Işıklı Yarınlar Derneği"
    assert en_mail["Subject"] == "Your organisation is verified: Işıklı Yarınlar Derneği"
    text, html = parts(tr_mail)
    assert "Merhaba Ayşe Işık," in text
    assert "Artık kuruluşunuz adına salon talep edebilirsiniz." in text
    assert "https://rezervasyon.example.org/centers" in text
    assert 'href="https://rezervasyon.example.org/profile"' in html
    english_text, _ = parts(en_mail)
    assert "You can now request rooms for your organisation." in english_text


def test_verifying_again_sends_nothing_more(session: Session) -> None:
    organization = _new_organization(session)
    admin = make_user(session, Role.ADMIN)
    accounts.verify_organization(session, admin, organization.id, method="registry_checked")
    accounts.verify_organization(session, admin, organization.id, method="registry_checked")
    session.commit()
    assert len(_verified_messages(session)) == 2


def test_two_staff_verifying_at_once_send_one_message_per_member(app) -> None:
    with app.app_context():
        organization = _new_organization(db.session)
        staff_ids = [make_user(db.session, Role.ADMIN).id for _ in range(4)]
        db.session.commit()
        organization_id = organization.id

    def verify(i: int) -> None:
        accounts.verify_organization(db.session, db.session.get(User, staff_ids[i]),
                                     organization_id, method="document_seen")

    assert race(app, verify, 4, lambda exc: None) == ["ok"] * 4
    with app.app_context():
        assert len(_verified_messages(db.session)) == 2


def test_staff_verifying_in_the_web_queue_sends_the_message(app, client) -> None:
    scene = scene_for(app)
    with database(app) as session:
        organization = _new_organization(session)
        organization_id = organization.id
    login(client, scene.staff)
    response = client.post(f"/staff/organizations/{organization_id}/verify",
                           data={"method": "document_seen"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    with database(app) as session:
        assert len(_verified_messages(session)) == 2


def test_every_message_kind_has_a_name_on_the_outbox_page() -> None:
    from booking.web.admin_outbox import KIND_LABELS

    assert set(KIND_LABELS) == set(kinds.ALL)
