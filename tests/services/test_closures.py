"""Closures per room or center, and Turkish public holidays imported as closures."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from booking.models import Closure
from booking.services.bookings import create_booking
from booking.services.closures import add_closure, delete_closure, import_holidays
from booking.services.errors import NotAllowed, RuleViolation
from tests.support.scene import ISTANBUL, NOW, local


def test_closure_lists_the_approved_bookings_it_overlaps(session, scene):
    booking = create_booking(session, scene.staff, scene.request(local(3, 10)), NOW).bookings[0]
    result = add_closure(session, scene.staff, center_id=scene.center.id, start=local(3, 0),
                         end=local(4, 0), reason="Su kesintisi", now=NOW)
    assert [b.id for b in result.overlapping] == [booking.id]


def test_only_staff_of_the_center_or_admins_add_closures(session, scene):
    for actor in (scene.member, scene.other_staff):
        with pytest.raises(NotAllowed):
            add_closure(session, actor, center_id=scene.center.id, start=local(3, 0),
                        end=local(4, 0), reason="x", now=NOW)
    assert add_closure(session, scene.admin, center_id=scene.center.id, start=local(3, 0),
                       end=local(4, 0), reason="Bakım", now=NOW).closure.id


@pytest.mark.parametrize("reason,end_day,field", [("", 4, "reason"), ("Bakım", 3, "end")])
def test_closure_needs_a_reason_and_an_ordered_interval(session, scene, reason, end_day, field):
    with pytest.raises(RuleViolation) as caught:
        add_closure(session, scene.staff, center_id=scene.center.id, start=local(3, 0),
                    end=local(end_day, 0), reason=reason, now=NOW)
    assert caught.value.errors[0].field == field


def test_deleting_a_closure_frees_the_room_again(session, scene):
    closure = add_closure(session, scene.staff, room_id=scene.room.id, start=local(3, 0),
                          end=local(4, 0), reason="Boya", now=NOW).closure
    delete_closure(session, scene.staff, closure.id, NOW)
    assert create_booking(session, scene.member, scene.request(local(3, 10)), NOW).bookings


def test_holiday_import_adds_national_and_religious_holidays_once(session, scene):
    created = import_holidays(session, scene.staff, scene.center.id, 2030, NOW)
    days = {r.closure.start_at.astimezone(ISTANBUL).date(): r.closure.reason for r in created}
    assert days[date(2030, 10, 29)] == "Cumhuriyet Bayramı"
    assert days[date(2030, 4, 23)] == "Ulusal Egemenlik ve Çocuk Bayramı"
    assert any("Kurban Bayramı" in name for name in days.values())
    assert any("Ramazan Bayramı" in name for name in days.values())
    assert all(r.closure.room_id is None and r.closure.source == "holiday" for r in created)
    again = import_holidays(session, scene.staff, scene.center.id, 2030, NOW)
    assert again == []
    total = session.scalar(select(func.count()).select_from(Closure))
    assert total == len(created)


def test_a_holiday_blocks_bookings_on_that_day(session, scene):
    import_holidays(session, scene.staff, scene.center.id, 2030, NOW)
    from booking.services.errors import BookingConflict

    republic_day = local(0, 10).replace(month=10, day=29)
    with pytest.raises(BookingConflict):
        create_booking(session, scene.staff, scene.request(republic_day, 60), NOW)
