"""Services with a booking on the pages (SPEC §9): the request form's
"İkram ve hizmetler", the booking page's promised items, and the staff's
task list with its "Yapıldı" button."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from booking.models import Booking, BookingServiceItem, ServiceItem, ServiceItemStatus, User
from booking.models.base import utcnow
from booking.services import service_catalogue
from booking.services.booking_services import ServiceRequest
from booking.services.bookings import create_booking
from booking.services.service_catalogue import ItemValues
from tests.support.scene import Scene
from tests.support.web import ahead, booking_form, database, plant_sign_in, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


@pytest.fixture
def items(app, scene) -> dict[str, int]:
    with database(app) as session:
        admin = session.get(User, scene.admin.id)
        tea = service_catalogue.add_item(session, admin, scene.center.id,
                                         ItemValues("Çay ikramı", "kişi"), utcnow())
        projector = service_catalogue.add_item(session, admin, scene.center.id,
                                               ItemValues("Projeksiyon", "adet", 2), utcnow())
        session.commit()
        return {"tea": tea.id, "projector": projector.id}


def _approved_with_items(app, scene, items, day=2) -> tuple[int, list[int]]:
    with database(app) as session:
        staff = session.get(User, scene.staff.id)
        request = scene.request(ahead(day, 10), room=scene.room, organization_id=scene.org.id,
                                services=[ServiceRequest(items["tea"], 25, "Şekersiz de olsun"),
                                          ServiceRequest(items["projector"], 1)])
        booking = create_booking(session, staff, request, utcnow()).bookings[0]
        session.commit()
        rows = session.scalars(select(BookingServiceItem.id).where(
            BookingServiceItem.booking_id == booking.id).order_by(BookingServiceItem.id)).all()
        return booking.id, list(rows)


def test_the_request_form_lists_the_catalogue_and_a_request_keeps_its_items(
        app, client, scene, items):
    plant_sign_in(client, scene.member)
    page = client.get("/bookings/new").get_data(as_text=True)
    assert "İkram ve hizmetler" in page and "Projeksiyon (adet, stok: 2)" in page
    form = booking_form(scene.room.id, ahead(3, 10), **{
        f"service-{items['tea']}-quantity": "30", f"service-{items['tea']}-note": "Simit de",
        f"service-{items['projector']}-quantity": ""})
    response = client.post("/bookings/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with database(app) as session:
        rows = session.scalars(select(BookingServiceItem)).all()
        assert [(r.item_id, r.quantity, r.note, r.status) for r in rows] == [
            (items["tea"], 30, "Simit de", ServiceItemStatus.REQUESTED)]
        booking_id = rows[0].booking_id
    page = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "İkram ve hizmetler" in page and "İstendi" in page and "Simit de" in page


@pytest.mark.parametrize("quantity", ["0", "-2", "3", "iki"])
def test_a_bad_quantity_comes_back_with_a_clear_error_and_nothing_is_booked(
        app, client, scene, items, quantity):
    plant_sign_in(client, scene.member)
    form = booking_form(scene.room.id, ahead(3, 10),
                        **{f"service-{items['projector']}-quantity": quantity})
    response = client.post("/bookings/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“Projeksiyon”" in page
    assert f'value="{quantity}"' in page  # what was typed is shown again
    with database(app) as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 0


def test_staff_see_the_days_tasks_and_mark_one_done(app, client, scene, items):
    booking_id, (tea_row, _projector_row) = _approved_with_items(app, scene, items)
    plant_sign_in(client, scene.staff)
    day = ahead(2, 10).date().isoformat()
    page = client.get(f"/staff/tasks?day={day}").get_data(as_text=True)
    assert "Görevler" in page and "Çay ikramı" in page and "25 kişi" in page
    assert "Şekersiz de olsun" in page and scene.org.name in page and scene.room.name in page
    response = client.post(f"/staff/tasks/{tea_row}/done?day={day}")
    assert response.status_code == 302 and f"#task-{tea_row}" in response.location
    with database(app) as session:
        row = session.get(BookingServiceItem, tea_row)
        assert row.status == ServiceItemStatus.DONE and row.done_by_id == scene.staff.id
    page = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "Yapıldı" in page and "Söz verildi" in page


def test_a_member_or_another_centers_staff_cannot_see_or_mark_tasks(app, client, scene, items):
    _booking_id, (tea_row, _projector_row) = _approved_with_items(app, scene, items)
    plant_sign_in(client, scene.member)
    assert client.get("/staff/tasks").status_code == 404
    assert client.post(f"/staff/tasks/{tea_row}/done").status_code == 404
    other = app.test_client()
    plant_sign_in(other, scene.other_staff)
    page = other.get(f"/staff/tasks?day={ahead(2, 10).date().isoformat()}").get_data(as_text=True)
    assert "Çay ikramı" not in page
    assert other.post(f"/staff/tasks/{tea_row}/done").status_code == 404
    with database(app) as session:
        assert session.get(BookingServiceItem, tea_row).status == ServiceItemStatus.PROMISED


def test_a_cancelled_booking_leaves_the_task_list(app, client, scene, items):
    booking_id, _rows = _approved_with_items(app, scene, items)
    plant_sign_in(client, scene.staff)
    client.post(f"/bookings/{booking_id}/cancel", data={"reason": "Etkinlik ertelendi"})
    page = client.get(f"/staff/tasks?day={ahead(2, 10).date().isoformat()}").get_data(
        as_text=True)
    assert "Çay ikramı" not in page and "Bu gün için görev yok." in page
    with database(app) as session:
        assert {r.status for r in session.scalars(select(BookingServiceItem))} == {
            ServiceItemStatus.CANCELLED}
        assert session.scalar(select(func.count()).select_from(ServiceItem)) == 2


def test_admins_add_change_and_deactivate_catalogue_items_others_get_404(
        app, client, scene, items):
    plant_sign_in(client, scene.admin)
    page = client.get(f"/admin/centers/{scene.center.id}/services").get_data(as_text=True)
    assert "Çay ikramı" in page and "Sınırsız" in page
    bad = client.post(f"/admin/centers/{scene.center.id}/services",
                      data={"name": "Ses sistemi", "unit": "", "stock": "-1"})
    assert bad.status_code == 422
    added = client.post(f"/admin/centers/{scene.center.id}/services",
                        data={"name": "Ses sistemi", "unit": "adet", "stock": "1",
                              "sort_order": "3", "is_active": "y"})
    assert added.status_code == 302
    changed = client.post(f"/admin/services/{items['projector']}",
                          data={"name": "Projeksiyon", "unit": "adet", "stock": "3"})
    assert changed.status_code == 302
    with database(app) as session:
        projector = session.get(ServiceItem, items["projector"])
        assert (projector.stock, projector.is_active) == (3, False)
        assert session.scalar(select(func.count()).select_from(ServiceItem)) == 3
    page = client.get("/bookings/new").get_data(as_text=True)
    assert "Ses sistemi (adet, stok: 1)" in page and "Projeksiyon (adet" not in page
    staff = app.test_client()
    plant_sign_in(staff, scene.staff)
    assert staff.get(f"/admin/centers/{scene.center.id}/services").status_code == 404
    assert staff.post(f"/admin/services/{items['tea']}", data={"name": "x", "unit": "y"}
                      ).status_code == 404


def test_the_task_list_and_the_form_speak_english_to_an_english_reader(
        app, client, scene, items):
    _approved_with_items(app, scene, items)
    with database(app) as session:
        session.get(User, scene.staff.id).language = "en"  # the person's setting comes first
        session.commit()
    plant_sign_in(client, scene.staff)
    headers = {"Accept-Language": "en"}
    page = client.get(f"/staff/tasks?day={ahead(2, 10).date().isoformat()}",
                      headers=headers).get_data(as_text=True)
    assert "<h1>Tasks</h1>" in page and ">Done<" in page and "25 kişi" in page
    form = client.get("/bookings/new", headers=headers).get_data(as_text=True)
    assert "Refreshments and services (optional)" in form and "stock: 2" in form
