"""Registry identity on the pages (SPEC §9): the registration form names the
identifier's shape and keeps what was typed; staff verify and renew from the
inbox saying how, see the verifications due with their count; a member whose
organisation's verification ran out is told on the request form what to do."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.models import Organization, OrganizationVerification, VerificationMethod, utcnow
from booking.services import verification_records
from tests.support.factories import PASSWORD, make_organization
from tests.support.scene import Scene
from tests.support.web import ahead, booking_form, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


REGISTRATION = {
    "org_name": "Mavi Kooperatif", "org_kind": "cooperative",
    "registry_number": "0123 4567 8901 234", "org_email": "iletisim@mavi.org",
    "user_name": "Deniz Mavi", "user_email": "deniz@mavi.org",
    "password": PASSWORD, "password_confirm": PASSWORD,
}


def test_a_malformed_number_on_the_registration_form_names_the_shape_and_keeps_the_input(
        app: Flask, client: FlaskClient) -> None:
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "MERSİS numarası 16 haneli olmalı, örneğin 0123 4567 8901 2345." in html
    assert 'value="0123 4567 8901 234"' in html and 'value="Mavi Kooperatif"' in html
    assert "Örnekler: 34-038-123 (DERBİS)" in html  # the hint beside the field
    with database(app) as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 0
    client.post("/register", data={**REGISTRATION, "registry_number": "0123-4567-8901-2345"})
    with database(app) as session:
        assert session.scalar(select(Organization.registry_number).where(
            Organization.name == "Mavi Kooperatif")) == "0123456789012345"


def test_the_registration_form_speaks_english(client: FlaskClient) -> None:
    client.post("/language", data={"language": "en"})
    html = client.post("/register", data={**REGISTRATION, "org_kind": "association",
                                          "registry_number": "99-1-1"}).get_data(as_text=True)
    assert "The DERBİS register number must look like 34-038-123" in html


def _waiting(app: Flask) -> int:
    with database(app) as session:
        organization = make_organization(session, name="Bekleyen Derneği", is_verified=False)
        session.commit()
        return organization.id


def test_staff_verify_saying_how_and_a_missing_method_verifies_nothing(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    waiting = _waiting(app)
    login(client, scene.staff)
    page = client.get("/staff/organizations").get_data(as_text=True)
    assert f'id="method-{waiting}"' in page and 'value="registry_checked"' in page
    response = client.post(f"/staff/organizations/{waiting}/verify", data={"method": ""},
                           follow_redirects=True)
    assert "Nasıl doğruladığınızı seçin" in response.get_data(as_text=True)
    with database(app) as session:
        assert not session.get(Organization, waiting).is_verified
    response = client.post(f"/staff/organizations/{waiting}/verify", follow_redirects=True,
                           data={"method": "registry_checked", "note": "DERBİS'te baktım"})
    assert "Bekleyen Derneği doğrulandı" in response.get_data(as_text=True)
    with database(app) as session:
        [record] = session.scalars(select(OrganizationVerification))
        assert (record.organization_id, record.verified_by_id, record.method, record.note) == (
            waiting, scene.staff.id, VerificationMethod.REGISTRY_CHECKED, "DERBİS'te baktım")


def test_the_due_filter_lists_expired_and_soon_expiring_ones_and_renewing_empties_it(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        for organization_id, days_ago in ((scene.org.id, 370), (scene.other_org.id, 350)):
            verification_records.verify(session, session.get(type(scene.staff), scene.staff.id),
                                        organization_id, method="document_seen", note=None,
                                        now=utcnow() - timedelta(days=days_ago))
        session.commit()
    login(client, scene.staff)
    html = client.get("/staff/organizations?status=due").get_data(as_text=True)
    assert "Doğrulaması yaklaşanlar (2)" in html and "süresi en erken dolan önce" in html
    assert html.index(scene.org.name) < html.index(scene.other_org.name)  # soonest first
    assert "Doğrulamanın süresi" in html and "günü doldu" in html
    assert html.count(">Yenile<") == 2
    for organization_id in (scene.org.id, scene.other_org.id):
        client.post(f"/staff/organizations/{organization_id}/verify?status=due",
                    data={"method": "document_seen"})
    html = client.get("/staff/organizations?status=due").get_data(as_text=True)
    assert "Doğrulaması yaklaşanlar (0)" in html
    assert "Önümüzdeki 30 gün içinde süresi dolan doğrulama yok." in html


def test_a_member_of_an_organisation_whose_verification_ran_out_is_told_what_to_do(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        verification_records.verify(session, session.get(type(scene.staff), scene.staff.id),
                                    scene.org.id, method="document_seen", note=None,
                                    now=utcnow() - timedelta(days=400))
        session.commit()
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 10)))
    assert response.status_code in (200, 422)
    html = response.get_data(as_text=True)
    assert "doğrulamayı yeniletin" in html and "DERBİS, VGM ya da MERSİS" in html
    with database(app) as session:
        assert session.scalar(select(func.count()).select_from(OrganizationVerification)) == 1


def test_the_admin_organisation_page_lists_its_verifications(app: Flask, client: FlaskClient,
                                                             scene: Scene) -> None:
    with database(app) as session:
        verification_records.verify(session, session.get(type(scene.staff), scene.staff.id),
                                    scene.org.id, method="registry_checked",
                                    note="DERBİS çıktısı dosyada", now=utcnow())
        session.commit()
    login(client, scene.admin)
    html = client.get(f"/admin/organizations/{scene.org.id}").get_data(as_text=True)
    assert "Doğrulamalar" in html and "Sicil kaydı kontrol edildi" in html
    assert "DERBİS çıktısı dosyada" in html and scene.staff.name in html


def test_members_see_on_their_bookings_page_that_the_verification_runs_out(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        verification_records.verify(session, session.get(type(scene.staff), scene.staff.id),
                                    scene.org.id, method="document_seen", note=None,
                                    now=utcnow() - timedelta(days=100))
        session.commit()
    login(client, scene.member)
    assert "doğrulaması" not in client.get("/bookings").get_data(as_text=True)
    with database(app) as session:
        verification_records.verify(session, session.get(type(scene.staff), scene.staff.id),
                                    scene.org.id, method="document_seen", note=None,
                                    now=utcnow() - timedelta(days=350))
        session.commit()
    html = client.get("/bookings").get_data(as_text=True)
    assert "tarihinde sona eriyor; sonra yeni talepte bulunabilmek için yeniletin." in html
    with database(app) as session:
        verification_records.verify(session, session.get(type(scene.staff), scene.staff.id),
                                    scene.org.id, method="document_seen", note=None,
                                    now=utcnow() - timedelta(days=370))
        session.commit()
    html = client.get("/bookings").get_data(as_text=True)
    assert "günü doldu; yeni talepte bulunmak için doğrulamayı yeniletin." in html
