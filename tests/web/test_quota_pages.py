"""Quotas on the pages: admins set them per center and per organisation, a
member's request past one is refused with the numbers above the form, staff
book past one with a reason, and a member sees what is left this month."""
from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import func, select

from booking.models import AuditEntry, Booking, QuotaRule
from booking.services import quotas
from tests.support.scene import ISTANBUL, Scene
from tests.support.web import ahead, booking_form, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _set(app: Flask, scene: Scene, organization_id: int | None = None, **limits) -> None:
    with database(app) as session:
        quotas.set_rule(session, session.merge(scene.admin), scene.center.id, organization_id,
                        limits, datetime.now(UTC))
        session.commit()


def _count(app: Flask, model, **where) -> int:
    with database(app) as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_an_admin_sets_a_centers_quota_and_an_organisations_override(app, client, scene):
    login(client, scene.admin)
    page = client.get(f"/admin/centers/{scene.center.id}/quotas")
    assert page.status_code == 200 and "Bu merkezde kota yok" in page.text
    saved = client.post(f"/admin/centers/{scene.center.id}/quotas", data={
        "organization_id": 0, "monthly_hours": 20, "open_requests": "", "weekly_bookings": 3},
        follow_redirects=True)
    assert "Kota kaydedildi." in saved.text
    client.post(f"/admin/centers/{scene.center.id}/quotas", data={
        "organization_id": scene.org.id, "monthly_hours": 40})
    page = unescape(client.get(f"/admin/centers/{scene.center.id}/quotas").text)
    assert "Tüm kuruluşlar (merkezin kuralı)" in page and scene.org.name in page
    assert _count(app, QuotaRule, center_id=scene.center.id) == 2
    edit = client.get(f"/admin/centers/{scene.center.id}/quotas?organization_id={scene.org.id}")
    assert 'name="monthly_hours" type="number" value="40"' in edit.text


def test_a_limit_of_zero_is_a_field_error_and_nothing_is_saved(app, client, scene):
    login(client, scene.admin)
    response = client.post(f"/admin/centers/{scene.center.id}/quotas", data={
        "organization_id": 0, "monthly_hours": 0, "weekly_bookings": -2})
    assert response.status_code == 422
    text = unescape(response.text)
    assert "Sınır 1 ile 10000 arasında olmalı" in text
    assert 'id="monthly_hours-error"' in text and 'id="weekly_bookings-error"' in text
    assert 'id="open_requests-error"' not in text
    assert _count(app, QuotaRule) == 0


def test_only_admins_reach_the_quota_page(client, scene):
    for person in (scene.staff, scene.member):
        login(client, person)
        assert client.get(f"/admin/centers/{scene.center.id}/quotas").status_code == 404
    login(client, scene.admin)
    assert client.get("/admin/centers/999999/quotas").status_code == 404


def test_a_members_request_past_the_quota_is_refused_with_the_numbers(app, client, scene):
    _set(app, scene, weekly_bookings=1)
    login(client, scene.member)
    first = booking_form(scene.room.id, ahead(14, 10))
    assert client.post("/bookings/new", data=first).status_code == 302
    same_week = ahead(14, 14)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, same_week))
    assert response.status_code == 422
    text = unescape(response.text)
    assert "Haftalık rezervasyon kotası aşılıyor" in text and "izin verilen 1" in text
    assert _count(app, Booking) == 1


def test_staff_book_past_the_quota_by_giving_a_reason(app, client, scene):
    _set(app, scene, monthly_hours=1)
    login(client, scene.staff)
    form = booking_form(scene.room.id, ahead(5, 10), organization_id=scene.org.id)
    refused = client.post("/bookings/new", data=form)
    assert refused.status_code == 422
    assert 'id="quota_reason-error"' in refused.text
    assert "Kotayı aşarak kaydetmek için bir gerekçe yazın." in unescape(refused.text)
    form["quota_reason"] = "Genel kurul toplantısı"
    assert client.post("/bookings/new", data=form).status_code == 302
    assert _count(app, AuditEntry, action="quota_override") == 1


def test_a_member_sees_what_is_left_this_month(app, client, scene):
    _set(app, scene, monthly_hours=10)
    login(client, scene.member)
    tomorrow = ahead(1, 10)
    client.post("/bookings/new", data=booking_form(scene.room.id, tomorrow, minutes=90))
    this_month = datetime.now(UTC).astimezone(ISTANBUL).month
    left = "8,5" if tomorrow.month == this_month else "10"
    page = unescape(client.get("/bookings").text)
    assert "Bu ayki kotanız" in page and f"{left} / 10 saat kaldı" in page
    assert scene.center.name in page
