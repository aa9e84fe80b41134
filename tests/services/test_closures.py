"""Closures per room or center, and Turkish public holidays imported as closures."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from booking.models import Closure
from booking.services.bookings import create_booking
from booking.services.closures import (
    add_closure,
    closure_reason,
    delete_closure,
    holiday_name,
    import_holidays,
)
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


def _imported(session, scene, year: int) -> dict[tuple[date, int], Closure]:
    """The holiday closures of ``year``, by local day and starting hour."""
    results = import_holidays(session, scene.staff, scene.center.id, year, NOW)
    return {(r.closure.start_at.astimezone(ISTANBUL).date(),
             r.closure.start_at.astimezone(ISTANBUL).hour): r.closure for r in results}


def test_half_day_eves_are_imported_as_closures_from_13_00(session, scene):
    closures = _imported(session, scene, 2030)
    eve = closures[(date(2030, 10, 28), 13)]
    assert eve.reason == "Cumhuriyet Bayramı (saat 13.00'ten)"
    assert eve.end_at.astimezone(ISTANBUL).date() == date(2030, 10, 29)
    assert (date(2030, 10, 28), 0) not in closures
    assert closures[(date(2030, 10, 29), 0)].reason == "Cumhuriyet Bayramı"


def test_an_imported_holiday_reads_in_the_readers_language_in_british_english(session, scene):
    closures = _imported(session, scene, 2030)
    new_year = closures[(date(2030, 1, 1), 0)]
    assert new_year.reason == "Yılbaşı"  # stored as imported, in Turkish
    assert closure_reason(new_year, "en") == "New Year's Day"
    assert closure_reason(new_year, "tr") == "Yılbaşı"
    assert closure_reason(closures[(date(2030, 5, 1), 0)], "en") == "Labour and Solidarity Day"
    assert closure_reason(closures[(date(2030, 10, 28), 13)], "en") == "Republic Day (from 13:00)"


def test_a_closure_reason_that_is_not_the_holidays_turkish_name_is_shown_as_stored(
        session, scene):
    typed = add_closure(session, scene.staff, center_id=scene.center.id, start=local(3, 0),
                        end=local(4, 0), reason="Yılbaşı", now=NOW).closure
    assert closure_reason(typed, "en") == "Yılbaşı"  # a manual closure is the staff's words
    renamed = _imported(session, scene, 2030)[(date(2030, 1, 1), 0)]
    renamed.reason = "Yılbaşı tatili"
    assert closure_reason(renamed, "en") == "Yılbaşı tatili"
    assert holiday_name(date(2030, 1, 2), "Yılbaşı", "en") == "Yılbaşı"  # no holiday that day
