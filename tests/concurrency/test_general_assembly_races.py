"""General assemblies under concurrent writers (SPEC §9): two organisations
asking for the same two dates at once never leave half a pair, and the quorum
is recorded (and the second date cancelled) once."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import AuditEntry, Booking, BookingKind, BookingStatus, GeneralAssembly, User
from booking.services import general_assembly
from booking.services.bookings import cancel_booking, create_booking
from booking.services.errors import BookingConflict, InvalidTransition
from tests.support.races import race
from tests.support.scene import NOW, build_scene, local

S = BookingStatus


def _outcome(exc: Exception) -> str | None:
    return type(exc).__name__ if isinstance(exc, BookingConflict | InvalidTransition) else None


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_organisations_asking_for_the_same_two_dates_at_once_get_one_whole_pair(app):
    with app.app_context():
        scene = build_scene(db.session)
        request = scene.request(local(20, 10), 120, room=scene.open_room, title="Genel Kurul",
                                kind=BookingKind.GENERAL_ASSEMBLY)
        request = replace(request, second_start=local(34, 10),
                          second_end=local(34, 12))
        members = [scene.member.id, scene.other_member.id]

    def work(i: int) -> None:
        create_booking(db.session, db.session.get(User, members[i]), request, NOW)

    results = race(app, work, 2, _outcome)
    assert sorted(results) == ["BookingConflict", "ok"]
    with app.app_context():
        assert _count(GeneralAssembly) == 1
        assert _count(Booking, Booking.status == S.APPROVED) == 2
        [organization] = set(db.session.scalars(select(Booking.organization_id)))
        assert db.session.scalar(select(GeneralAssembly.organization_id)) == organization


def test_the_quorum_recorded_twice_at_once_cancels_the_second_date_once(app):
    with app.app_context():
        scene = build_scene(db.session)
        request = scene.request(local(20, 10), 120, title="Genel Kurul",
                                kind=BookingKind.GENERAL_ASSEMBLY, organization_id=scene.org.id)
        request = replace(request, second_start=local(34, 10), second_end=local(34, 12))
        first, second = create_booking(db.session, scene.staff, request, NOW).bookings
        db.session.commit()
        ids = (first.id, second.id)
        actors = [scene.member.id, scene.staff.id, scene.member.id]
        during = first.start_at + timedelta(minutes=15)

    def work(i: int) -> None:
        actor = db.session.get(User, actors[i])
        if i == 2:  # the organisation cancels the second date at the same moment
            cancel_booking(db.session, actor, ids[1], None, during)
        else:
            general_assembly.reach_quorum(db.session, actor, ids[i % 2], during)

    results = race(app, work, 3, _outcome)
    # One quorum wins; the cancellation is refused when it comes after it (the
    # date is cancelled already), else both succeed.
    assert results.count("ok") in (1, 2) and set(results) <= {"ok", "InvalidTransition"}
    with app.app_context():
        assert db.session.get(Booking, ids[1]).status == S.CANCELLED
        assert db.session.get(Booking, ids[0]).status == S.APPROVED
        assert _count(AuditEntry, AuditEntry.action == "quorum_reached") == 1
        assert _count(AuditEntry, AuditEntry.action == "cancel", AuditEntry.booking_id == ids[1]) == 1
