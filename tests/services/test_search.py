"""The one search (SPEC §11): every center, best fit first, features, closures,
buffers, rules, and the first free slots of a length on a day."""
from __future__ import annotations

from datetime import datetime, time

import pytest
from sqlalchemy import event

from booking.models import BookingStatus, Center
from booking.services.closures import add_closure
from booking.services.errors import RuleViolation
from booking.services.search import SearchQuery, find_free_rooms
from tests.support.factories import make_booking, make_center, make_room
from tests.support.scene import NOW, local


def _names(hits) -> list[str]:
    return [f"{h.room.center.name.split()[0]}/{h.room.name}" for h in hits]


def _between(day: int, start: int, end: int, **values) -> SearchQuery:
    first, last = local(day, start), local(day, end)
    return SearchQuery(start=first.replace(tzinfo=None), end=last.replace(tzinfo=None), **values)


@pytest.fixture
def bornova(session, scene):
    center = session.query(Center).filter_by(name="Bornova Sivil Toplum Merkezi").one()
    center.district = "Bornova"
    scene.center.district = "Üsküdar"
    rooms = {
        "Çatı Katı": make_room(session, center, name="Çatı Katı", capacity=20),
        "Bahçe Salonu": make_room(session, center, name="Bahçe Salonu", capacity=20,
                                  features=["projector"]),
        "Sinema": make_room(session, center, name="Sinema", capacity=15, features=["projector"]),
    }
    session.commit()
    return rooms


def test_every_center_best_fit_first_then_turkish_names(session, scene, bornova):
    hits = find_free_rooms(session, None, _between(3, 10, 12, attendees=15), NOW)
    assert _names(hits) == [
        "Bornova/Sinema",             # 15 places
        "Bornova/Bahçe Salonu",       # 20: Bornova before Üsküdar, Bahçe before Çatı
        "Bornova/Çatı Katı",
        "Üsküdar/Serbest Oda",
        "Üsküdar/Toplantı Salonu",     # 40
        "Üsküdar/Konferans Salonu",    # 150
    ]
    assert hits[0].slots == [(local(3, 10), local(3, 12))]


def test_features_must_all_be_offered(session, scene, bornova):
    hits = find_free_rooms(session, None, _between(3, 10, 12, attendees=10,
                                                   features=("projector",)), NOW)
    assert _names(hits) == ["Bornova/Sinema", "Bornova/Bahçe Salonu",
                            "Üsküdar/Konferans Salonu"]
    both = _between(3, 10, 12, features=("projector", "sound_system"))
    assert _names(find_free_rooms(session, None, both, NOW)) == ["Üsküdar/Konferans Salonu"]


def test_one_center_or_one_district(session, scene, bornova):
    hits = find_free_rooms(session, None, _between(3, 10, 12, center_id=scene.center.id), NOW)
    assert {h.room.center_id for h in hits} == {scene.center.id}
    hits = find_free_rooms(session, None, _between(3, 10, 12, district="BORNOVA"), NOW)
    assert {h.room.name for h in hits} == set(bornova)
    assert find_free_rooms(session, None, _between(3, 10, 12, district="Kadıköy"), NOW) == []


def test_bookings_with_their_buffer_and_closures_make_rooms_busy(session, scene, bornova):
    # Toplantı Salonu has a 15-minute buffer: a booking from 12:05 leaves no
    # room for 10:00-12:00 plus the buffer; a pending request blocks nothing.
    make_booking(session, scene.room, local(3, 12, 5), 60, status=BookingStatus.APPROVED)
    make_booking(session, scene.open_room, local(3, 11), 60, status=BookingStatus.PENDING)
    add_closure(session, scene.staff, room_id=scene.big_room.id, start=local(3, 11),
                end=local(3, 13), reason="Bakım", now=NOW)
    add_closure(session, scene.other_staff, center_id=bornova["Sinema"].center_id,
                start=local(3, 0), end=local(4, 0), reason="Bayram", now=NOW)
    session.commit()
    hits = find_free_rooms(session, None, _between(3, 10, 12, attendees=15), NOW)
    assert _names(hits) == ["Üsküdar/Serbest Oda"]


def test_rules_hours_for_members_not_for_staff_of_the_center(session, scene, bornova):
    late = _between(3, 22, 23)
    assert find_free_rooms(session, scene.member, late, NOW) == []
    staff_hits = find_free_rooms(session, scene.staff, late, NOW)
    assert staff_hits and {h.room.center_id for h in staff_hits} == {scene.center.id}
    past = _between(-1, 10, 12)
    assert find_free_rooms(session, scene.admin, past, NOW) == []


def test_any_time_that_day_gives_the_first_free_slots_of_the_length(session, scene):
    make_booking(session, scene.small_room, local(3, 8), 90, status=BookingStatus.APPROVED)
    make_booking(session, scene.small_room, local(3, 11), 60, status=BookingStatus.APPROVED)
    make_booking(session, scene.room, local(3, 8), 100, status=BookingStatus.APPROVED)
    session.commit()
    day = local(3, 0).date()
    hits = find_free_rooms(session, None, SearchQuery(day=day, minutes=90), NOW)
    by_name = {h.room.name: h.slots for h in hits}
    # Atölye: 09:30-11:00 fits 90 minutes exactly, then after 12:00.
    assert by_name["Atölye"][:2] == [(local(3, 9, 30), local(3, 11)),
                                     (local(3, 12), local(3, 13, 30))]
    # Toplantı Salonu: free from 09:55, the first quarter hour is 10:00.
    assert by_name["Toplantı Salonu"][0] == (local(3, 10), local(3, 11, 30))
    assert hits[0].room.name == "Atölye"  # smallest first
    # A length no room allows gives nothing; today's slots never start in the past.
    assert find_free_rooms(session, None, SearchQuery(day=day, minutes=20), NOW) == []
    today = find_free_rooms(session, None, SearchQuery(day=local(0, 0).date(), minutes=60),
                            local(0, 10, 7))
    assert today[0].slots[0][0] == local(0, 10, 15)


def test_closed_whole_day_has_no_slot(session, scene):
    add_closure(session, scene.staff, center_id=scene.center.id, start=local(3, 0),
                end=local(4, 0), reason="Bayram", now=NOW)
    session.commit()
    assert find_free_rooms(session, None, SearchQuery(day=local(3, 0).date(), minutes=60),
                           NOW) == []


@pytest.mark.parametrize("query, field", [
    (SearchQuery(attendees=0, start=datetime(2030, 3, 4, 10), end=datetime(2030, 3, 4, 11)),
     "attendees"),
    (SearchQuery(attendees=10**9, start=datetime(2030, 3, 4, 10), end=datetime(2030, 3, 4, 11)),
     "attendees"),
    (SearchQuery(start=datetime(2030, 3, 4, 12), end=datetime(2030, 3, 4, 11)), "end"),
    (SearchQuery(start=datetime(2030, 3, 4, 12)), "start"),
    (SearchQuery(day=datetime(2030, 3, 4).date(), minutes=0), "minutes"),
    (SearchQuery(start=datetime(2030, 3, 4, 10), end=datetime(2030, 3, 4, 11),
                 features=("jacuzzi",)), "features"),
])
def test_bad_queries_name_their_field(session, scene, query, field):
    with pytest.raises(RuleViolation) as caught:
        find_free_rooms(session, None, query, NOW)
    assert [e.field for e in caught.value.errors] == [field]


def test_a_few_queries_whatever_the_number_of_centers(session, scene, app):
    for n in range(12):
        center = make_center(session, name=f"Ek Merkez {n}")
        for k in range(3):
            room = make_room(session, center, name=f"Oda {k}", capacity=10 + k,
                             features=["wifi"])
            make_booking(session, room, local(3, 9), 60, status=BookingStatus.APPROVED)
            add_closure(session, scene.admin, room_id=room.id, start=local(3, 20),
                        end=local(3, 21), reason="Bakım", now=NOW)
    session.commit()
    statements: list[str] = []
    engine = session.get_bind()

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        session.expire_all()
        hits = find_free_rooms(session, None, SearchQuery(day=local(3, 0).date(), minutes=60,
                                                          features=("wifi",)), NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(hits) == 36
    assert all(h.slots[0][0] == local(3, 8) for h in hits)
    # rooms with centers, features, accessibility, photos, blocks, closures
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 7


def test_aware_instants_are_kept(session, scene):
    start = local(3, 10)
    hits = find_free_rooms(session, None, SearchQuery(start=start, end=local(3, 11)), NOW)
    assert hits and hits[0].slots == [(start, local(3, 11))]
    assert time(10) == hits[0].slots[0][0].astimezone(start.tzinfo).time()
