"""Admin pages over HTTP: centers, rooms, users and roles, organisations, through the services."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEntry, Center, Organization, OrganizationKind, Role, Room, User
from booking.web.admin import USERS_PER_PAGE
from tests.performance.test_statement_budget import statements
from tests.support.factories import PASSWORD, make_organization, make_user
from tests.support.scene import Scene
from tests.support.web import database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


ROOM = {"name": "Seminer Odası", "capacity": 30, "features": ["projector", "wifi"],
        "requires_approval": "y", "buffer_minutes": 10, "opening_time": "09:00",
        "closing_time": "21:00", "min_duration_minutes": 30, "max_duration_minutes": 240,
        "max_advance_days": 90, "is_active": "y"}


def test_admin_creates_a_center_and_a_room(app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    response = client.post("/admin/centers/new", data={
        "name": "Karşıyaka Sivil Toplum Merkezi", "timezone": "Europe/Istanbul", "is_active": "y"})
    assert response.status_code == 302
    with database(app) as session:
        center = session.scalar(select(Center).where(Center.name.like("Karşıyaka%")))
    response = client.post("/admin/rooms/new", data={**ROOM, "center_id": center.id})
    assert response.status_code == 302
    with database(app) as session:
        room = session.scalar(select(Room).where(Room.name == "Seminer Odası"))
        assert room.center_id == center.id and room.features == ["projector", "wifi"]
        assert room.buffer_minutes == 10 and room.closing_time.hour == 21
    assert "Seminer Odası" in client.get("/centers").get_data(as_text=True)


def test_admin_forms_show_the_services_field_errors(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    response = client.post("/admin/centers/new", data={"name": scene.center.name,
                                                        "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bu adla bir merkez zaten var." in html
    assert "Geçerli bir saat dilimi girin" in html
    response = client.post(f"/admin/rooms/{scene.room.id}", data={
        **ROOM, "opening_time": "21:00", "closing_time": "09:00"})
    assert response.status_code == 422
    assert "Kapanış saati açılış saatinden sonra olmalı." in response.get_data(as_text=True)


def test_admin_adds_a_staff_member_and_changes_roles(app: Flask, client: FlaskClient,
                                                     scene: Scene) -> None:
    login(client, scene.admin)
    response = client.post("/admin/users/new", data={
        "name": "Oğuz Şen", "email": "oguz@example.org", "password": PASSWORD, "role": "staff",
        "organization_id": 0, "center_ids": [scene.center.id], "language": "tr"})
    assert response.status_code == 302
    with database(app) as session:
        user = session.scalar(select(User).where(User.email == "oguz@example.org"))
        assert user.role == Role.STAFF and user.center_ids == {scene.center.id}
    response = client.post(f"/admin/users/{user.id}", data={
        "role": "member", "organization_id": scene.org.id, "is_active": "y"})
    assert response.status_code == 302
    with database(app) as session:
        user = session.get(User, user.id)
        assert user.role == Role.MEMBER and user.organization_id == scene.org.id
        assert user.center_ids == set()
    # A member needs an organisation; an admin cannot demote themself.
    response = client.post(f"/admin/users/{user.id}", data={"role": "member",
                                                            "organization_id": 0})
    assert "Üye bir kuruluşa bağlı olmalı." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{scene.admin.id}", data={"role": "staff",
                                                                  "is_active": "y"})
    assert "Kendi yönetici yetkinizi kaldıramazsınız." in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_sessions(app: Flask, scene: Scene) -> None:
    with database(app) as session:  # the organisation keeps a representative
        make_user(session, organization=session.get(Organization, scene.org.id))
        session.commit()
    member, admin = app.test_client(), app.test_client()
    login(member, scene.member)
    login(admin, scene.admin)
    admin.post(f"/admin/users/{scene.member.id}", data={"role": "member",
                                                        "organization_id": scene.org.id})
    assert member.get("/profile").status_code == 302


def test_users_are_listed_in_turkish_order_and_searchable(client: FlaskClient,
                                                          scene: Scene) -> None:
    login(client, scene.admin)
    html = client.get("/admin/users").get_data(as_text=True)
    names = ["Ali Çelik", "Ayşe Yılmaz", "Mehmet Kaya", "Yönetici", "Zeynep Demir"]
    positions = [html.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    html = client.get("/admin/users?q=ÇELİK").get_data(as_text=True)
    assert "Ali Çelik" in html and "Ayşe Yılmaz" not in html


def _add_members(app: Flask, count: int) -> None:
    with database(app) as session:
        organization = make_organization(session, name="Kalabalık Derneği")
        for i in range(count):
            make_user(session, organization=organization, name=f"Üye {i:02d}",
                      email=f"uye{i:02d}@example.org")
        session.commit()


def test_the_user_list_comes_in_pages_and_keeps_the_search(app: Flask, client: FlaskClient,
                                                           scene: Scene) -> None:
    _add_members(app, 60)  # with the scene's five: 65 users, two pages
    login(client, scene.admin)
    first = client.get("/admin/users").get_data(as_text=True)
    assert first.count("/admin/users/") - first.count("/admin/users/new") == USERS_PER_PAGE
    assert "65 kullanıcı" in first and "Sayfa 1 / 2" in first
    assert 'rel="next" href="/admin/users?page=2"' in first and 'rel="prev"' not in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert second.count("/admin/users/") - second.count("/admin/users/new") == 65 - USERS_PER_PAGE
    assert ">Zeynep Demir</a>" in second and ">Ali Çelik</a>" not in second  # Turkish order across pages
    # Past the end: the last page; not a number: the first.
    assert "Sayfa 2 / 2" in client.get("/admin/users?page=99").get_data(as_text=True)
    assert "Sayfa 1 / 2" in client.get("/admin/users?page=abc").get_data(as_text=True)
    searched = client.get("/admin/users?q=üye").get_data(as_text=True)
    assert "60 kullanıcı" in searched
    assert 'href="/admin/users?page=2&amp;q=%C3%BCye"' in searched
    assert "Sayfa 1 / 2" in searched


def test_the_user_list_reads_organisations_and_centers_in_bulk(app: Flask, client: FlaskClient,
                                                              scene: Scene) -> None:
    _add_members(app, 40)
    login(client, scene.admin)
    with app.app_context():
        engine = db.engine
    with statements(engine) as sent:
        assert client.get("/admin/users").status_code == 200
    user_reads = [s for s in sent if "FROM users" in s or "FROM organizations" in s
                  or "FROM centers" in s]
    # The signed-in admin, the users, their organisations, their centers: not one per row.
    assert len(user_reads) <= 4, "\n".join(user_reads)


ORGANIZATION = {"name": "Çocuk Hakları ve Eğitim Derneği", "kind": "foundation",
                "registry_number": "Kütük No: 04521", "email": "Iletisim@Cocuk.example.org",
                "phone": "0232 111 22 33"}


def test_admin_edits_an_organisation_and_the_change_is_audited(app: Flask, client: FlaskClient,
                                                               scene: Scene) -> None:
    login(client, scene.admin)
    listing = client.get("/staff/organizations").get_data(as_text=True)
    assert f'href="/admin/organizations/{scene.org.id}"' in listing
    page = client.get(f"/admin/organizations/{scene.org.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="Çocuk Hakları Derneği"' in html
    assert '<option selected value="association">' in html
    response = client.post(f"/admin/organizations/{scene.org.id}", data=ORGANIZATION)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/organizations")
    listing = client.get("/staff/organizations").get_data(as_text=True)
    assert "“Çocuk Hakları ve Eğitim Derneği” kaydedildi." in listing
    assert "VGM vakıf kayıt numarası: 4521" in listing and "0232 111 22 33" in listing
    with database(app) as session:
        organization = session.get(Organization, scene.org.id)
        assert organization.name == "Çocuk Hakları ve Eğitim Derneği"
        assert organization.kind == OrganizationKind.FOUNDATION
        assert organization.email == "iletisim@cocuk.example.org"
        assert organization.is_verified  # editing does not touch verification
        entry = session.scalar(select(AuditEntry).where(
            AuditEntry.entity == "organization", AuditEntry.entity_id == scene.org.id,
            AuditEntry.action == "update"))
        assert entry.actor_id == scene.admin.id
        assert entry.details["name"] == {"from": "Çocuk Hakları Derneği",
                                         "to": "Çocuk Hakları ve Eğitim Derneği"}
        assert entry.details["kind"] == {"from": "association", "to": "foundation"}
        assert entry.details["registry_number"] == {"from": None, "to": "4521"}


def test_saving_an_unchanged_organisation_writes_no_audit_entry(app: Flask, client: FlaskClient,
                                                                scene: Scene) -> None:
    login(client, scene.admin)
    response = client.post(f"/admin/organizations/{scene.org.id}", data={
        "name": scene.org.name, "kind": "association", "email": scene.org.email})
    assert response.status_code == 302
    with database(app) as session:
        assert session.scalar(select(AuditEntry).where(
            AuditEntry.entity == "organization", AuditEntry.action == "update")) is None


def test_only_admins_may_edit_an_organisation(app: Flask, client: FlaskClient,
                                              scene: Scene) -> None:
    url = f"/admin/organizations/{scene.org.id}"
    assert "/login" in client.get(url).headers["Location"]
    login(client, scene.staff)
    # Like every admin page, a signed-in user without the role gets a 404.
    assert client.get(url).status_code == 404
    assert client.post(url, data=ORGANIZATION).status_code == 404
    listing = client.get("/staff/organizations").get_data(as_text=True)
    assert "Çocuk Hakları Derneği" in listing and "/admin/organizations/" not in listing
    member = app.test_client()
    login(member, scene.member)
    assert member.post(url, data=ORGANIZATION).status_code == 404
    with database(app) as session:
        assert session.get(Organization, scene.org.id).name == "Çocuk Hakları Derneği"
    admin = app.test_client()
    login(admin, scene.admin)
    assert admin.get("/admin/organizations/999999").status_code == 404
    assert admin.post("/admin/organizations/999999", data=ORGANIZATION).status_code == 404


@pytest.mark.parametrize(("values", "message"), [
    ({"name": "   "}, "Bu alan gerekli."),
    ({"email": "not-an-address"}, "Geçerli bir e-posta adresi girin."),
    ({"kind": "political_party"}, "Geçersiz kuruluş türü."),
    ({"phone": "0" * 41}, "40 karakterden uzun olamaz"),
])
def test_bad_organisation_input_shows_field_errors_and_keeps_the_data(
        app: Flask, client: FlaskClient, scene: Scene, values: dict, message: str) -> None:
    login(client, scene.admin)
    response = client.post(f"/admin/organizations/{scene.org.id}",
                           data={**ORGANIZATION, **values})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    # What was typed stays in the form.
    assert 'value="Kütük No: 04521"' in html
    field, typed = next(iter(values.items()))
    if field != "kind" and typed.strip():
        assert f'value="{typed}"' in html
    with database(app) as session:
        organization = session.get(Organization, scene.org.id)
        assert organization.name == "Çocuk Hakları Derneği" and organization.registry_number is None


def test_a_name_differing_only_by_turkish_case_is_refused(app: Flask, client: FlaskClient,
                                                          scene: Scene) -> None:
    with database(app) as session:
        session.get(Organization, scene.other_org.id).name = "İzmir Derneği"
        session.commit()
    login(client, scene.admin)
    for taken in ("izmir derneği", "İZMİR DERNEĞİ", "  İzmir Derneği "):
        response = client.post(f"/admin/organizations/{scene.org.id}",
                               data={**ORGANIZATION, "name": taken})
        assert response.status_code == 422
        assert "Bu adla kayıtlı bir kuruluş var." in response.get_data(as_text=True)
    # Dotless I is a different letter in Turkish: "IZMIR" is not "İzmir".
    response = client.post(f"/admin/organizations/{scene.org.id}",
                           data={**ORGANIZATION, "name": "IZMIR DERNEĞI"})
    assert response.status_code == 302
    # An organisation may change the case of its own name.
    response = client.post(f"/admin/organizations/{scene.other_org.id}", data={
        **ORGANIZATION, "name": "İZMİR DERNEĞİ", "email": "izmir@example.org",
        "registry_number": "4522"})
    assert response.status_code == 302
    with database(app) as session:
        assert session.get(Organization, scene.other_org.id).name == "İZMİR DERNEĞİ"


def test_the_organisation_page_speaks_english(app: Flask, client: FlaskClient,
                                              scene: Scene) -> None:
    with database(app) as session:
        session.get(User, scene.admin.id).language = "en"
        session.commit()
    login(client, scene.admin)
    html = client.get(f"/admin/organizations/{scene.org.id}").get_data(as_text=True)
    assert "Type of organisation" in html and "Save" in html
    response = client.post(f"/admin/organizations/{scene.org.id}",
                           data={**ORGANIZATION, "kind": "party"})
    assert "Invalid organisation type." in response.get_data(as_text=True)
