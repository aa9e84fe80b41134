"""The whole journey over HTTP only: an NGO registers, staff verify it, it
requests a room, staff approve, an overlapping request gets the conflict with
suggestions, and the booking is cancelled."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.models import Organization, Role
from tests.support.api import PROBLEM, at, iso
from tests.support.factories import PASSWORD, make_user
from tests.support.web import confirmation_link

API = "/api/v1"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(client, email: str, password: str) -> str:
    response = client.post(f"{API}/auth/tokens", json={"email": email, "password": password,
                                                      "name": "journey"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


def test_register_verify_request_approve_conflict_cancel(client, session, mailbox):
    # The only set-up outside HTTP: the admin who bootstraps the system.
    admin = make_user(session, Role.ADMIN, email="yonetici@belediye.gov.tr")
    session.commit()
    admin_h = _bearer(_token(client, admin.email, PASSWORD))

    # The admin opens a center with two rooms and creates its staff member.
    center = client.post(f"{API}/centers", json={"name": "Beyoğlu Sivil Toplum Merkezi"},
                         headers=admin_h).get_json()
    room = client.post(f"{API}/rooms", headers=admin_h, json={
        "center_id": center["id"], "name": "Büyük Salon", "capacity": 60,
        "features": ["projector"], "buffer_minutes": 15}).get_json()
    client.post(f"{API}/rooms", headers=admin_h, json={
        "center_id": center["id"], "name": "Küçük Salon", "capacity": 30})
    colleague = client.post(f"{API}/users", headers=admin_h, json={
        "email": "merkez.gorevlisi@belediye.gov.tr", "name": "Merkez Görevlisi",
        "password": "merkez parolası", "role": "staff", "center_ids": [center["id"]]})
    assert colleague.status_code == 201
    staff_h = _bearer(_token(client, "merkez.gorevlisi@belediye.gov.tr", "merkez parolası"))

    # 1. An NGO registers; it is unverified and cannot book yet.
    registered = client.post(f"{API}/organizations/register", json={
        "organization": {"name": "Gençlik ve Doğa Derneği", "kind": "association",
                         "email": "bilgi@gencdoga.org"},
        "user": {"name": "Deniz Aydın", "email": "deniz@gencdoga.org",
                 "password": "doğa için parola"}})
    assert registered.status_code == 202
    # The address is confirmed by the mailed link (a web page), then tokens work.
    link = confirmation_link(mailbox, "deniz@gencdoga.org")
    assert client.application.test_client().post(link).status_code == 302  # another browser
    org_id = session.scalar(select(Organization.id).where(
        Organization.name == "Gençlik ve Doğa Derneği"))
    session.rollback()
    member_h = _bearer(_token(client, "deniz@gencdoga.org", "doğa için parola"))
    start = at(5, 18)
    request = {"room_id": room["id"], "title": "Gönüllü eğitimi", "start": iso(start),
               "end": iso(start + timedelta(hours=2)), "expected_attendees": 40,
               "category": "youth", "is_public": True}
    refused = client.post(f"{API}/bookings", json=request, headers=member_h)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert refused.get_json()["errors"][0]["field"] == "organization_id"

    # 2. Staff see it among the unverified organisations and verify it.
    waiting = client.get(f"{API}/organizations?verified=false", headers=staff_h).get_json()
    assert [o["id"] for o in waiting["items"]] == [org_id]
    verified = client.post(f"{API}/organizations/{org_id}/verify", headers=staff_h,
                           json={"method": "registry_checked", "note": "DERBİS kaydı"})
    assert verified.status_code == 200 and verified.get_json()["is_verified"] is True

    # 3. The member requests the room: pending.
    created = client.post(f"{API}/bookings", json=request, headers=member_h)
    assert created.status_code == 201
    booking = created.get_json()
    assert (booking["status"], booking["organization_id"]) == ("pending", org_id)

    # 4. Staff find it in their queue and approve it.
    queue = client.get(f"{API}/bookings?status=pending", headers=staff_h).get_json()
    assert [b["id"] for b in queue["items"]] == [booking["id"]]
    approved = client.post(f"{API}/bookings/{booking['id']}/approve", headers=staff_h)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"

    # 5. An overlapping request (staff book directly) gets 409 with suggestions.
    overlapping = dict(request, title="Koordinasyon toplantısı", expected_attendees=25,
                       start=iso(start + timedelta(hours=1)), end=iso(start + timedelta(hours=2)))
    conflict = client.post(f"{API}/bookings", json=overlapping, headers=staff_h)
    assert conflict.status_code == 409 and conflict.mimetype == PROBLEM
    problem = conflict.get_json()
    assert problem["conflicts"][0]["booking_id"] == booking["id"]
    assert problem["suggestions"]
    same_room = [s for s in problem["suggestions"] if s["room_id"] == room["id"]]
    other_room = [s for s in problem["suggestions"] if s["room_id"] != room["id"]]
    assert same_room and other_room
    # The suggestion is real: booking it succeeds.
    taken = client.post(f"{API}/bookings", headers=staff_h, json=dict(
        overlapping, room_id=other_room[0]["room_id"], start=other_room[0]["start"],
        end=other_room[0]["end"]))
    assert taken.status_code == 201, taken.get_json()

    # Anonymous visitors see the room busy, without the title.
    day = start.date()
    free_busy = client.get(f"{API}/rooms/{room['id']}/availability?from={day}T00:00"
                           f"&to={day}T23:59").get_json()
    busy = [b for b in free_busy["busy"] if b["kind"] == "booking"]
    assert len(busy) == 1 and busy[0]["title"] is None

    # 6. The member cancels; the slot is free again.
    cancelled = client.post(f"{API}/bookings/{booking['id']}/cancel", headers=member_h,
                            json={"reason": "Eğitmen hastalandı"})
    assert cancelled.status_code == 200
    assert (cancelled.get_json()["status"], cancelled.get_json()["status_reason"]) == \
        ("cancelled", "Eğitmen hastalandı")
    retry = client.post(f"{API}/bookings", json=overlapping, headers=staff_h)
    assert retry.status_code == 201
