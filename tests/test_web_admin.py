"""Admin pages over HTTP: centers, rooms, users and roles through the services."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Center, Role, Room, User
from tests.factories import PASSWORD
from tests.scene import Scene
from tests.web_support import database, login, scene_for


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
