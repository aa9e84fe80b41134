"""The yearly report's counting rules (SPEC §6), its permissions, CSV files and page."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from booking.models import BookingKind, BookingStatus, Category, Role, User
from booking.services import reports
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.web.report_csv import BOM, bookings_csv, summary_csv
from tests.support.factories import make_booking, make_center, make_room, make_user
from tests.support.web import plant_sign_in

APPROVED = BookingStatus.APPROVED


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def login(client: FlaskClient, user: User) -> None:
    plant_sign_in(client, user)
    # The ``session`` fixture keeps one app context open, which requests reuse:
    # drop Flask-Login's cached user so the next request loads this one.
    g.pop("_login_user", None)


def totals(report: dict) -> tuple[int, int, int]:
    return report["meetings"], report["programs"], report["attendees"]


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, Role.ADMIN)


def test_cancelled_rejected_and_pending_bookings_never_count(session, admin):
    room = make_room(session)
    # One hour each: an offer holds its time like an approved booking.
    for hour, status in enumerate(BookingStatus, start=9):
        make_booking(session, room, at(2024, 3, 5, hour), status=status, actual_attendees=7)
    report = reports.summary(session, admin, 2024)
    assert totals(report) == (1, 0, 7)
    assert report["expected_attendees"] == 10
    assert report["attendance_recorded"] == 1


def test_a_booking_counts_in_the_year_and_month_of_its_local_start(session, admin):
    room = make_room(session, center=make_center(session, timezone="Europe/Istanbul"))
    # 2024-12-31 22:30 UTC is 2025-01-01 01:30 in Istanbul: January 2025.
    make_booking(session, room, at(2024, 12, 31, 22, 30), status=APPROVED, actual_attendees=5)
    # 2023-12-31 21:30 UTC is 2024-01-01 00:30 in Istanbul: January 2024.
    make_booking(session, room, at(2023, 12, 31, 21, 30), status=APPROVED, actual_attendees=3)
    # 2024-03-31 21:00 UTC is 1 April 00:00 in Istanbul: April, not March.
    make_booking(session, room, at(2024, 3, 31, 21, 0), status=APPROVED, actual_attendees=2)

    year_2024 = reports.summary(session, admin, 2024)
    year_2025 = reports.summary(session, admin, 2025)
    assert totals(year_2024) == (2, 0, 5)
    assert totals(year_2025) == (1, 0, 5)
    months_2024 = {m["month"]: m["meetings"] for m in year_2024["by_month"]}
    assert months_2024 == {1: 1, 2: 0, 3: 0, 4: 1, **dict.fromkeys(range(5, 13), 0)}
    assert year_2025["by_month"][0] == {"month": 1, "meetings": 1, "programs": 0, "general_assemblies": 0,
                                        "attendees": 5}


def test_centers_in_different_zones_each_use_their_own_local_year(session, admin):
    tokyo = make_room(session, center=make_center(session, timezone="Asia/Tokyo"))
    new_york = make_room(session, center=make_center(session, timezone="America/New_York"))
    instant = at(2024, 12, 31, 20, 0)  # Tokyo: 1 Jan 2025 05:00; New York: 31 Dec 15:00
    make_booking(session, tokyo, instant, status=APPROVED)
    make_booking(session, new_york, instant, status=APPROVED)
    make_booking(session, new_york, at(2025, 1, 1, 3, 0), status=APPROVED)  # NY 31 Dec 22:00

    year_2024 = reports.summary(session, admin, 2024)
    by_center = {c["center_id"]: c["meetings"] for c in year_2024["by_center"]}
    assert by_center == {tokyo.center_id: 0, new_york.center_id: 2}
    assert year_2024["by_month"][11]["meetings"] == 2
    year_2025 = reports.summary(session, admin, 2025)
    assert {c["center_id"]: c["meetings"] for c in year_2025["by_center"]} == {
        tokyo.center_id: 1, new_york.center_id: 0}
    assert year_2025["by_month"][0]["meetings"] == 1


def test_programs_and_meetings_are_counted_apart_by_center_month_and_category(session, admin):
    room = make_room(session)
    make_booking(session, room, at(2024, 5, 2, 9), status=APPROVED, kind=BookingKind.PROGRAM,
                 category=Category.YOUTH, actual_attendees=80)
    make_booking(session, room, at(2024, 5, 3, 9), status=APPROVED, kind=BookingKind.MEETING,
                 category=Category.YOUTH, actual_attendees=12)
    make_booking(session, room, at(2024, 5, 4, 9), status=APPROVED, kind=BookingKind.MEETING,
                 category=Category.WOMEN, actual_attendees=20)

    report = reports.summary(session, admin, 2024)
    assert totals(report) == (2, 1, 112)
    assert report["by_month"][4] == {"month": 5, "meetings": 2, "programs": 1,
                                    "general_assemblies": 0, "attendees": 112}
    categories = {c["category"]: c for c in report["by_category"]}
    assert categories["youth"] == {"category": "youth", "meetings": 1, "programs": 1,
                                   "general_assemblies": 0, "attendees": 92}
    assert categories["women"]["meetings"] == 1 and categories["women"]["programs"] == 0
    assert [c["category"] for c in report["by_category"]] == [c.value for c in Category]
    assert report["by_center"] == [{"center_id": room.center_id, "name": room.center.name,
                                    "meetings": 2, "programs": 1, "general_assemblies": 0,
                                    "attendees": 112}]


def test_attendees_sum_only_recorded_attendance(session, admin):
    room = make_room(session)
    make_booking(session, room, at(2024, 6, 1, 9), status=APPROVED, expected_attendees=30,
                 actual_attendees=25)
    make_booking(session, room, at(2024, 6, 2, 9), status=APPROVED, expected_attendees=40)
    make_booking(session, room, at(2024, 6, 3, 9), status=APPROVED, expected_attendees=10,
                 actual_attendees=0)

    report = reports.summary(session, admin, 2024)
    assert report["attendees"] == 25
    assert report["expected_attendees"] == 80
    assert report["attendance_recorded"] == 2
    assert report["meetings"] == 3


def test_the_center_filter_and_the_shape_of_an_empty_year(session, admin):
    first, second = make_room(session), make_room(session)
    make_booking(session, first, at(2024, 2, 1, 9), status=APPROVED, actual_attendees=4)
    make_booking(session, second, at(2024, 2, 1, 9), status=APPROVED, actual_attendees=6)

    only_second = reports.summary(session, admin, 2024, center_id=second.center_id)
    assert totals(only_second) == (1, 0, 6)
    assert [c["center_id"] for c in only_second["by_center"]] == [second.center_id]

    empty = reports.summary(session, admin, 2019)
    assert totals(empty) == (0, 0, 0)
    assert [m["month"] for m in empty["by_month"]] == list(range(1, 13))
    assert {c["center_id"] for c in empty["by_center"]} == {first.center_id, second.center_id}


def test_staff_see_only_their_centers_and_members_see_no_report(session):
    mine, other = make_room(session), make_room(session)
    make_booking(session, mine, at(2024, 2, 1, 9), status=APPROVED)
    make_booking(session, other, at(2024, 2, 1, 9), status=APPROVED)
    staff = make_user(session, Role.STAFF, centers=[mine.center])
    member = make_user(session, Role.MEMBER)

    report = reports.summary(session, staff, 2024)
    assert report["meetings"] == 1
    assert [c["center_id"] for c in report["by_center"]] == [mine.center_id]
    with pytest.raises(NotFound):
        reports.summary(session, staff, 2024, center_id=other.center_id)
    with pytest.raises(NotFound):
        reports.summary(session, staff, 2024, center_id=999_999)
    with pytest.raises(NotAllowed):
        reports.summary(session, member, 2024)
    with pytest.raises(NotAllowed):
        reports.summary(session, None, 2024)
    with pytest.raises(NotFound):
        list(reports.year_bookings(session, staff, 2024, center_id=other.center_id))
    assert [b.room_id for b in reports.year_bookings(session, staff, 2024)] == [mine.id]


def test_a_year_outside_the_supported_range_names_the_field(session, admin):
    with pytest.raises(RuleViolation) as excinfo:
        reports.summary(session, admin, 1850)
    assert excinfo.value.errors[0].field == "year"
    with pytest.raises(RuleViolation):
        reports.summary(session, admin, "abc")  # type: ignore[arg-type]


def test_years_with_bookings_run_from_the_first_to_the_last_local_year(session, admin):
    room = make_room(session)
    assert reports.years_with_bookings(session, admin) == []
    make_booking(session, room, at(2022, 12, 31, 22, 0))  # 2023 in Istanbul
    make_booking(session, room, at(2025, 7, 1, 9))
    assert reports.years_with_bookings(session, admin) == [2025, 2024, 2023]


def _parse(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):]), delimiter=";"))


def test_bookings_csv_has_a_bom_semicolons_turkish_text_and_no_formulas(session, admin, app):
    center = make_center(session, name="Şişli Sivil Toplum Merkezi", timezone="Europe/Istanbul")
    room = make_room(session, center=center, name="Çok Amaçlı Salon")
    make_booking(session, room, at(2024, 4, 2, 15), status=APPROVED, title="=HYPERLINK(1)",
                 category=Category.CHILDREN, actual_attendees=9)
    with app.test_request_context():
        text = "".join(bookings_csv(reports.year_bookings(session, admin, 2024)))
    rows = _parse(text)
    assert rows[0][:3] == ["No", "Merkez", "Salon"]
    row = rows[1]
    assert row[1:3] == ["Şişli Sivil Toplum Merkezi", "Çok Amaçlı Salon"]
    assert row[4] == "'=HYPERLINK(1)"
    assert row[6:10] == ["Çocuk", "Onaylandı", "2024-04-02 18:00", "2024-04-02 19:00"]
    assert row[10:12] == ["10", "9"]
    assert text.count("\r\n") == 2


def test_summary_csv_lists_totals_months_centers_and_categories(session, admin, app):
    room = make_room(session, center=make_center(session, name="Üsküdar Merkezi"))
    make_booking(session, room, at(2024, 8, 2, 9), status=APPROVED, kind=BookingKind.PROGRAM,
                 category=Category.ENVIRONMENT, actual_attendees=44)
    with app.test_request_context():
        text = summary_csv(reports.summary(session, admin, 2024), [f"M{m}" for m in range(1, 13)])
    rows = _parse(text)
    assert rows[1] == ["Toplam", "2024", "0", "1", "44"]
    assert ["Ay", "M8", "0", "1", "44"] in rows
    assert ["Merkez", "Üsküdar Merkezi", "0", "1", "44"] in rows
    assert ["Kategori", "Çevre", "0", "1", "44"] in rows
    assert len([r for r in rows if r[0] == "Ay"]) == 12


@pytest.fixture
def page_scene(session):
    mine, other = make_room(session), make_room(session)
    for day in range(1, 4):
        make_booking(session, mine, at(2024, 9, day, 9), status=APPROVED, actual_attendees=10)
    make_booking(session, other, at(2024, 9, 1, 9), status=APPROVED, kind=BookingKind.PROGRAM,
                 actual_attendees=50)
    users = {
        "admin": make_user(session, Role.ADMIN),
        "staff": make_user(session, Role.STAFF, centers=[mine.center]),
        "member": make_user(session, Role.MEMBER),
    }
    session.commit()
    return users, mine.center_id, other.center_id


def test_the_report_page_shows_the_figures_to_staff_and_admins(client, page_scene, app):
    users, mine, other = page_scene
    login(client, users["admin"])
    page = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "2024 yılında merkezlerimizde 3 toplantı yapıldı" in page
    assert "1 program düzenledi" in page and "toplam 80 kişi katıldı" in page
    assert page.count("<svg class=\"chart\" role=\"img\"") == 3
    assert "<table class=\"report-table\">" in page

    login(client, users["staff"])
    response = client.get("/reports/")  # defaults to the latest year with bookings
    assert response.status_code == 200
    assert "3 toplantı yapıldı ve belediyemiz sivil toplum kuruluşlarıyla birlikte 0 program" \
        in response.get_data(as_text=True)
    assert client.get(f"/reports/?year=2024&center_id={other}").status_code == 404
    assert client.get(f"/reports/?year=2024&center_id={mine}").status_code == 200
    # A year out of range is not an error page: the default year, with a message.
    odd = client.get("/reports/?year=1700")
    assert odd.status_code == 200 and "bir rapor yılı değil" in odd.get_data(as_text=True)


def test_members_and_anonymous_visitors_cannot_open_the_report(client, page_scene, app):
    users, _, _ = page_scene
    anonymous = client.get("/reports/?year=2024")
    if "auth.login" in app.view_functions:
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    else:
        assert anonymous.status_code == 404
    assert client.get("/reports/summary.csv?year=2024").status_code in (302, 404)
    login(client, users["member"])
    for path in ("/reports/?year=2024", "/reports/summary.csv?year=2024",
                 "/reports/bookings.csv?year=2024"):
        assert client.get(path).status_code == 404


def test_csv_downloads_parse_with_turkish_characters(client, page_scene):
    users, _, other = page_scene
    login(client, users["staff"])
    response = client.get("/reports/summary.csv?year=2024")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _parse(response.data.decode("utf-8"))
    assert rows[0] == ["Bölüm", "Ad", "Toplantı", "Program", "Katılımcı"]
    assert rows[1] == ["Toplam", "2024", "3", "0", "30"]
    assert ["Ay", "Eylül", "3", "0", "30"] in rows

    bookings = client.get("/reports/bookings.csv?year=2024")
    rows = _parse(bookings.data.decode("utf-8"))
    assert len(rows) == 4
    assert {row[7] for row in rows[1:]} == {"Onaylandı"}
    assert rows[0][11] == "Gerçekleşen katılımcı"
    assert client.get(f"/reports/bookings.csv?year=2024&center_id={other}").status_code == 404


def test_staff_without_centers_get_an_empty_report(session):
    make_booking(session, make_room(session), at(2024, 2, 1, 9), status=APPROVED)
    staff = make_user(session, Role.STAFF)
    report = reports.summary(session, staff, 2024)
    assert totals(report) == (0, 0, 0) and report["by_center"] == []
    assert reports.years_with_bookings(session, staff) == []


def test_the_default_year_is_the_last_past_year_with_approved_bookings(session, admin):
    room = make_room(session)
    assert reports.last_year_with_bookings(session, admin, 2026) is None
    make_booking(session, room, at(2022, 12, 31, 22, 0), status=APPROVED)  # 2023 locally
    make_booking(session, room, at(2025, 3, 1, 9), status=BookingStatus.CANCELLED)
    make_booking(session, room, at(2026, 3, 1, 9), status=APPROVED)
    assert reports.last_year_with_bookings(session, admin, 2026) == 2023
    assert reports.last_year_with_bookings(session, admin, 2027) == 2026


@pytest.mark.sqlite
def test_sqlite_answers_the_yearly_summary_from_the_index_alone(session, admin):
    """The approved-bookings index covers every column the summary reads, so
    SQLite, once it has statistics (ANALYZE, as bench/reports.py runs), never
    looks rows up in the table (docs/performance.md: p50 324 ms -> 149 ms at
    100,000 bookings). PostgreSQL scans the year instead, as 85% of a year's
    rows qualify; its plan is not asserted."""
    center = make_center(session)
    rooms = [make_room(session, center, name=f"Salon {i}") for i in range(5)]
    for day in range(1, 200):
        for k, status in enumerate((BookingStatus.APPROVED, BookingStatus.APPROVED,
                                    BookingStatus.CANCELLED)):
            make_booking(session, rooms[day % 5], datetime(2025, 1, 1, 9, tzinfo=UTC)
                         + timedelta(days=day, hours=2 * k), 60, status=status)
    session.commit()
    session.connection().exec_driver_sql("ANALYZE")
    session.commit()
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        reports.summary(session, admin, 2025)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # The counts' query (the occupancy's, grouped by room, is the other GROUP BY).
    [(statement, parameters)] = [s for s in sent if "GROUP BY" in s[0] and "category" in s[0]]
    plan = " | ".join(row[-1] for row in session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "USING COVERING INDEX ix_bookings_approved_room_period" in plan, plan


def test_english_column_headers_read_as_counts_and_turkish_keeps_its_words(client, page_scene,
                                                                           session):
    users, _, _ = page_scene
    session.get(User, users["admin"].id).language = "en"
    session.commit()
    login(client, users["admin"])
    page = client.get("/reports/?year=2024").get_data(as_text=True)
    assert re.search(r'<th scope="col">Month</th><th scope="col">Meetings</th>'
                     r'<th scope="col">Programmes</th><th scope="col">Attendees</th>', page)
    rows = _parse(client.get("/reports/summary.csv?year=2024").data.decode("utf-8"))
    assert rows[0][2:] == ["Meetings", "Programmes", "Attendees"]
