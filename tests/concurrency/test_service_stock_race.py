"""The stock of a center's services under concurrent approvals (SPEC §9): two
overlapping bookings taking the last projector at once — exactly one gets it."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import BookingServiceItem, BookingStatus, ServiceItemStatus, User
from booking.services import service_catalogue
from booking.services.booking_services import ServiceRequest
from booking.services.bookings import approve_booking, create_booking
from booking.services.errors import RuleViolation
from booking.services.service_catalogue import ItemValues
from tests.support.races import race
from tests.support.scene import NOW, build_scene, local


def _outcome(exc: Exception) -> str | None:
    return "RuleViolation" if isinstance(exc, RuleViolation) else None


def test_two_overlapping_approvals_for_the_last_projector_leave_one_holder(app):
    with app.app_context():
        scene = build_scene(db.session)
        projector = service_catalogue.add_item(db.session, scene.admin, scene.center.id,
                                               ItemValues("Projeksiyon", "adet", 2), NOW)
        wanted = [ServiceRequest(projector.id, 1)]
        create_booking(db.session, scene.staff, scene.request(
            local(3, 10), room=scene.open_room, services=wanted), NOW)
        pending = [create_booking(db.session, member, scene.request(
            local(3, 11), room=room, services=wanted, expected_attendees=10), NOW).bookings[0].id
            for member, room in ((scene.member, scene.big_room),
                                 (scene.other_member, scene.small_room))]
        db.session.commit()
        staff_id, projector_id = scene.staff.id, projector.id

    def work(i: int) -> None:
        approve_booking(db.session, db.session.get(User, staff_id), pending[i], NOW)

    assert sorted(race(app, work, 2, _outcome)) == ["RuleViolation", "ok"]
    with app.app_context():
        promised = db.session.scalars(select(BookingServiceItem).where(
            BookingServiceItem.item_id == projector_id,
            BookingServiceItem.status == ServiceItemStatus.PROMISED)).all()
        assert len(promised) == 2
        assert all(row.booking.status == BookingStatus.APPROVED for row in promised)


def test_two_colleagues_marking_one_task_done_at_once_record_it_once(app):
    from booking.models import AuditEntry
    from booking.services.service_tasks import mark_done

    with app.app_context():
        scene = build_scene(db.session)
        tea = service_catalogue.add_item(db.session, scene.admin, scene.center.id,
                                         ItemValues("Çay ikramı", "kişi"), NOW)
        booking = create_booking(db.session, scene.staff, scene.request(
            local(3, 10), services=[ServiceRequest(tea.id, 20)]), NOW).bookings[0]
        db.session.commit()
        row_id = db.session.scalar(select(BookingServiceItem.id).where(
            BookingServiceItem.booking_id == booking.id))
        actors = [scene.staff.id, scene.admin.id]

    def work(i: int) -> None:
        mark_done(db.session, db.session.get(User, actors[i]), row_id, NOW)

    assert race(app, work, 2, _outcome) == ["ok", "ok"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "booking_service_item", AuditEntry.action == "done")) == 1
