"""``seed-demo``: the city's 2024 figures exactly, every booking rule, idempotence."""
from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from flask import g
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from booking.demo.city import ADMIN_EMAIL, CENTERS, DEMO_PASSWORD, organizations
from booking.demo.schedule import ATTENDEES, MEETINGS, PROGRAMS, RoomSlot, fit_total, plan_year
from booking.extensions import db
from booking.models import (
    AuditEntry,
    Booking,
    BookingKind,
    BookingSeries,
    BookingStatus,
    Center,
    Closure,
    GeneralAssembly,
    Organization,
    OrganizationKind,
    OrganizationVerification,
    Room,
    User,
    WaitlistEntry,
    WaitlistState,
    utcnow,
)
from booking.services import registry, reports, verification
from booking.services.accounts import authenticate
from tests.support.databases import PG_ADMIN_URL
from tests.support.factories import make_center
from tests.support.web import plant_sign_in

CENTERS_TZ = ZoneInfo("Europe/Istanbul")
TABLES = (Center, Room, Closure, Organization, User, BookingSeries, Booking, AuditEntry,
          WaitlistEntry, OrganizationVerification)

OVERLAPPING_APPROVED_PAIRS = text(
    """
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.room_id = b.room_id AND a.id < b.id
    WHERE a.status = 'approved' AND b.status = 'approved'
      AND a.start_at < b.block_end AND b.start_at < a.block_end
    """
)
APPROVED_OVER_CAPACITY = text(
    """
    SELECT count(*) FROM bookings b JOIN rooms r ON r.id = b.room_id
    WHERE b.status = 'approved'
      AND (b.expected_attendees > r.capacity OR b.actual_attendees > r.capacity
           OR NOT r.is_active)
    """
)
APPROVED_DURING_CLOSURES = text(
    """
    SELECT count(*) FROM bookings b
      JOIN rooms r ON r.id = b.room_id
      JOIN closures c ON c.center_id = r.center_id AND (c.room_id IS NULL OR c.room_id = r.id)
    WHERE b.status = 'approved' AND b.start_at < c.end_at AND c.start_at < b.block_end
    """
)
APPROVED_FOR_UNVERIFIED = text(
    """
    SELECT count(*) FROM bookings b JOIN organizations o ON o.id = b.organization_id
    WHERE b.status = 'approved' AND NOT o.is_verified
    """
)
UNCOUNTED_WITH_ATTENDANCE = text(
    "SELECT count(*) FROM bookings WHERE status != 'approved' AND actual_attendees IS NOT NULL"
)


def _seed(runner, year: int = 2024) -> str:
    result = runner.invoke(args=["seed-demo", "--year", str(year)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="session")
def demo_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Databases holding a freshly seeded demo year, one per engine (and test
    worker): the tests that only read the year copy it instead of seeding again."""
    made: dict[str, str] = {}
    yield made
    if "postgresql" in made:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{made["postgresql"]}" WITH (FORCE)'))
        admin.dispose()


def _seeded_year(runner, session: Session, database_url: str, copies: dict[str, str],
                 tmp_path_factory: pytest.TempPathFactory) -> None:
    """This test's database holds the demo year 2024: seeded by the command the
    first time on each engine, copied from that database afterwards."""
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    first = engine not in copies
    if first:
        _seed(runner)
    session.close()
    db.engine.dispose()  # no connection may hold the database while it is copied
    url = make_url(database_url)
    if engine == "sqlite":
        if first:
            copies[engine] = str(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
        source, target = (url.database, copies[engine]) if first else (copies[engine], url.database)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if first:
            copies[engine] = f"{url.database}_demo"
            connection.execute(text(f'CREATE DATABASE "{copies[engine]}" TEMPLATE "{url.database}"'))
        else:
            connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{copies[engine]}"'))
    admin.dispose()


def _row_counts(session: Session) -> dict[str, int]:
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def _admin(session: Session) -> User:
    return session.scalar(select(User).where(User.email == ADMIN_EMAIL))


def _check_every_rule(session: Session) -> None:
    """The rules of SPEC §2 for every approved booking, in SQL where it is portable
    and in Python (with zoneinfo) for local wall-clock hours."""
    assert session.scalar(OVERLAPPING_APPROVED_PAIRS) == 0
    assert session.scalar(APPROVED_OVER_CAPACITY) == 0
    assert session.scalar(APPROVED_DURING_CLOSURES) == 0
    assert session.scalar(UNCOUNTED_WITH_ATTENDANCE) == 0
    assert session.scalar(APPROVED_FOR_UNVERIFIED) == 0
    rows = session.execute(
        select(Booking, Room, Center).join(Room, Room.id == Booking.room_id)
        .join(Center, Center.id == Room.center_id)
        .where(Booking.status == BookingStatus.APPROVED)
    ).all()
    assert rows
    for booking, room, center in rows:
        start = booking.start_at.astimezone(center.tz)
        end = booking.end_at.astimezone(center.tz)
        minutes = (booking.end_at - booking.start_at).total_seconds() / 60
        assert start.date() == end.date(), booking
        assert room.opening_time <= start.time() and end.time() <= room.closing_time, booking
        assert room.min_duration_minutes <= minutes <= room.max_duration_minutes, booking
        assert booking.block_end == booking.end_at + timedelta(minutes=room.buffer_minutes)
        assert 1 <= booking.expected_attendees <= room.capacity
        assert booking.created_at < booking.start_at
        assert booking.start_at - booking.created_at <= timedelta(days=room.max_advance_days)


@pytest.mark.slow
def test_seed_demo_gives_the_citys_2024_figures_and_keeps_every_rule(runner, session, client):
    session.commit()
    # CPU time of this process, so a busy machine does not fail the test; on an
    # idle one the command takes about 5 s of wall-clock time on either engine.
    started = time.process_time()
    output = _seed(runner)
    assert time.process_time() - started < 60
    assert "3088 toplantı, 228 program, 118343 katılımcı" in output
    assert ADMIN_EMAIL in output and DEMO_PASSWORD in output

    report = reports.summary(session, _admin(session), 2024)
    assert (report["meetings"], report["programs"], report["attendees"]) == (3088, 228, 118_343)
    assert sum(c["meetings"] for c in report["by_center"]) == 3088
    assert sum(m["attendees"] for m in report["by_month"]) == 118_343
    _check_every_rule(session)

    # Every Turkish public holiday of 2024 (half days from 13:00) closes every
    # center: the library says how many there are. The seed also closes the
    # holidays of the weeks around today, which depend on the day it runs.
    expected_days = holidays.Turkey(years=2024, language="tr", categories=("public", "half_day"))
    year_start = datetime(2024, 1, 1, tzinfo=CENTERS_TZ)
    holiday_closures = session.execute(
        select(Closure.center_id, func.count()).where(
            Closure.source == "holiday", Closure.start_at >= year_start,
            Closure.start_at < year_start.replace(year=2025))
        .group_by(Closure.center_id)).all()
    assert len(holiday_closures) == len(CENTERS)
    assert {n for _, n in holiday_closures} == {len(expected_days)}
    # Administrative leave on the next bridge day closes every centre (none in 2024).
    leave = session.execute(select(Closure.center_id, Closure.start_at).where(
        Closure.source == "leave")).all()
    assert sorted(c for c, _ in leave) == sorted(set(session.scalars(select(Closure.center_id))))
    assert all(start.year > 2024 for _, start in leave)
    session.rollback()

    # A newcomer can sign in with the printed logins.
    assert authenticate(session, ADMIN_EMAIL, DEMO_PASSWORD) is not None
    staff = authenticate(session, f"{CENTERS[0].staff[0][1]}@stm.example.org", DEMO_PASSWORD)
    assert staff is not None and staff.role == "staff" and len(staff.centers) == 1
    assert authenticate(session, "uye001@stk.example.org", DEMO_PASSWORD).organization.is_verified

    # The report page shows the figures as a municipal press release would.
    admin = _admin(session)
    plant_sign_in(client, admin)
    g.pop("_login_user", None)
    page = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "2024 yılında merkezlerimizde 3.088 toplantı yapıldı" in page
    assert "228 program düzenledi" in page and "toplam 118.343 kişi katıldı" in page


@pytest.mark.slow
def test_the_demo_year_looks_like_a_real_city(runner, session, database_url, demo_copies,
                                              tmp_path_factory):
    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    rooms = session.scalars(select(Room)).all()
    assert 20 <= len(rooms) <= 40
    assert len({r.capacity for r in rooms}) >= 8
    assert len(session.scalars(select(Center)).all()) == len(CENTERS) >= 4
    kinds = Counter(session.scalars(select(Organization.kind)).all())
    assert set(kinds) == set(OrganizationKind)
    assert sum(kinds.values()) >= 200
    statuses = Counter(session.scalars(select(Booking.status)).all())
    assert statuses[BookingStatus.CANCELLED] > 50 and statuses[BookingStatus.REJECTED] > 20
    series_sizes = session.execute(
        select(Booking.series_id, func.count()).where(Booking.series_id.is_not(None))
        .group_by(Booking.series_id)).all()
    assert len(series_sizes) >= 20 and min(n for _, n in series_sizes) >= 4

    approved = session.execute(
        select(Booking.start_at, Booking.category).where(Booking.status == BookingStatus.APPROVED)
    ).all()
    local = [start.astimezone(CENTERS_TZ) for start, _ in approved]
    busy = sum(1 for t in local if t.weekday() >= 5 or t.hour >= 17)
    assert busy / len(local) > 0.6  # weekday evenings and weekends fill up first
    by_month = Counter(t.month for t in local)
    assert by_month[8] < by_month[11]  # August is quiet, November busy
    assert {category for _, category in approved} == set(reports.Category)
    # The weeks around today are alive too: calendars and the staff queue have
    # something to show, and none of it counts in the 2024 report.
    now = datetime.now(UTC)
    soon = session.execute(
        select(Booking.status, func.count()).where(
            Booking.start_at >= now, Booking.start_at < now + timedelta(days=28))
        .group_by(Booking.status)).all()
    soon = dict(soon)
    assert soon.get(BookingStatus.APPROVED, 0) > 100 and soon.get(BookingStatus.PENDING, 0) > 10
    assert session.scalar(select(func.count()).select_from(Booking).where(
        Booking.status == BookingStatus.PENDING, Booking.start_at <= now)) == 0
    assert session.scalar(select(func.count()).select_from(Booking).where(
        Booking.actual_attendees.is_not(None), Booking.end_at > now)) == 0
    # Every booking has an audit trail that starts with its creation.
    created = session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "create"))
    assert created == sum(statuses.values())


@pytest.mark.slow
def test_running_seed_demo_again_adds_nothing_and_another_year_adds_its_own(
        runner, session, database_url, demo_copies, tmp_path_factory):
    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    before = _row_counts(session)
    session.rollback()
    output = _seed(runner)
    assert "zaten yüklü" in output
    assert _row_counts(session) == before
    session.rollback()

    _seed(runner, 2023)
    admin = _admin(session)
    for year in (2023, 2024):
        report = reports.summary(session, admin, year)
        assert (report["meetings"], report["programs"], report["attendees"]) == (
            MEETINGS, PROGRAMS, ATTENDEES)
    after = _row_counts(session)
    assert after["centers"] == before["centers"] and after["organizations"] == before["organizations"]
    assert after["bookings"] > before["bookings"]
    _check_every_rule(session)


def test_seed_demo_leaves_a_database_with_other_centers_alone(runner, session):
    make_center(session, name="Gerçek Merkez")
    session.commit()
    output = _seed(runner)
    assert "demo dışı merkezler" in output
    assert session.scalar(select(func.count()).select_from(Booking)) == 0
    assert session.scalar(select(func.count()).select_from(Center)) == 1


def _slots() -> list[RoomSlot]:
    slots, number = [], 0
    for center_number, center in enumerate(CENTERS, start=1):
        for plan in center.rooms:
            number += 1
            slots.append(RoomSlot(number, center_number, plan, "Europe/Istanbul"))
    return slots


def _fingerprint(seed: int, year: int = 2024, now: datetime | None = None) -> list[tuple]:
    orgs = organizations()
    for number, org in enumerate(orgs, start=1):
        org.id = number
    plan = plan_year(random.Random(f"demo:{seed}:{year}"), year,
                     now or datetime(2026, 1, 1, tzinfo=UTC), _slots(), orgs)
    return [(b.room.id, b.start, b.end, b.status, b.kind, b.title, b.expected, b.actual)
            for b in plan.bookings]


def test_the_plan_is_deterministic_for_a_seed():
    assert _fingerprint(7) == _fingerprint(7)
    assert _fingerprint(7) != _fingerprint(8)


def test_a_year_still_under_way_records_attendance_only_for_past_events():
    now = datetime(2024, 7, 1, tzinfo=UTC)
    bookings = _fingerprint(3, now=now)
    approved = [b for b in bookings if b[3] == BookingStatus.APPROVED]
    assert len(approved) == MEETINGS + PROGRAMS
    assert all(b[7] is None for b in approved if b[2] > now)
    assert any(b[7] is not None for b in approved if b[2] <= now)


def test_fit_total_reaches_the_target_exactly_within_capacities():
    rng = random.Random(1)
    values = fit_total([10, 20, 30], [12, 40, 30], 75, rng)
    assert sum(values) == 75 and values[0] <= 12 and values[2] <= 30
    with pytest.raises(ValueError):
        fit_total([10, 20], [10, 20], 31, rng)


@pytest.mark.slow
def test_the_demo_year_has_check_ins_and_no_shows_and_nothing_left_to_release(
        runner, session, database_url, demo_copies, tmp_path_factory):
    from booking.services import checkin

    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    report = reports.summary(session, _admin(session), 2024)
    assert (report["meetings"], report["programs"], report["attendees"]) == (3088, 228, 118_343)
    assert 20 <= report["no_shows"] <= 40
    assert 0 < report["no_show_rate"] < 0.05
    assert all(0 <= room["occupancy"] < 1 for room in report["occupancy"])
    assert sum(room["booked_hours"] for room in report["occupancy"]) > 5000
    # Every past approved booking was checked in: the job finds nothing to release.
    assert checkin.release_no_shows(session, datetime.now(UTC)) == []
    session.rollback()


def test_the_demo_has_a_waitlist_with_one_open_offer(runner, session, database_url, demo_copies,
                                                     tmp_path_factory):
    """A few organisations wait for taken hours of the coming weeks; one of
    those hours was cancelled and is held for the first of them."""
    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    entries = session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.created_at)).all()
    assert len(entries) == 8
    states = Counter(entry.state for entry in entries)
    assert states == {WaitlistState.WAITING: 7, WaitlistState.OFFERED: 1}
    [offered] = [entry for entry in entries if entry.state == WaitlistState.OFFERED]
    offer = offered.booking
    assert offer.status == BookingStatus.OFFERED and offer.offer_expires_at is not None
    assert offer.offer_expires_at <= offer.start_at
    assert offered.organization.is_verified
    # The cancelled booking it replaces, and the rest still waiting for approved hours.
    cancelled = session.scalar(select(Booking).where(
        Booking.room_id == offer.room_id, Booking.start_at == offer.start_at,
        Booking.status == BookingStatus.CANCELLED))
    assert cancelled is not None and cancelled.organization_id != offered.organization_id
    for entry in entries:
        if entry.state == WaitlistState.WAITING and entry.start_at != offer.start_at:
            assert session.scalar(select(func.count()).select_from(Booking).where(
                Booking.room_id == entry.room_id, Booking.start_at == entry.start_at,
                Booking.status == BookingStatus.APPROVED)) == 1
    _check_every_rule(session)


def test_the_demo_has_catalogues_and_services_on_coming_bookings_within_stock(
        runner, session, database_url, demo_copies, tmp_path_factory):
    """Every demo center has the catalogue of SPEC §9; coming bookings ask for
    items (approved ones promised, pending ones requested), never beyond a
    stock at one moment, and the year's bookings have none."""
    from booking.models import BookingServiceItem, ServiceItem, ServiceItemStatus
    from booking.services.booking_services import peak_use

    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    centers = session.scalars(select(Center)).all()
    for center in centers:
        names = session.scalars(select(ServiceItem.name).where(
            ServiceItem.center_id == center.id)).all()
        assert {"Çay ve ikram", "Projeksiyon", "Ses sistemi", "Ek sandalye"} <= set(names)
    rows = session.scalars(select(BookingServiceItem)).all()
    assert rows and {r.status for r in rows} <= {ServiceItemStatus.PROMISED,
                                                 ServiceItemStatus.REQUESTED}
    assert any(r.status == ServiceItemStatus.PROMISED for r in rows)
    assert all(r.booking.start_at.year > 2024 for r in rows)
    for row in rows:
        if row.item.stock is not None and row.status == ServiceItemStatus.PROMISED:
            booking = row.booking
            assert peak_use(session, row.item_id, booking.start_at, booking.end_at) \
                <= row.item.stock


def test_the_demo_organisations_have_representatives_members_and_one_invitation(
        runner, session, database_url, demo_copies, tmp_path_factory):
    """Every organisation's first person represents it and its bookings are
    theirs; two have a plain member who can sign in; one invitation waits."""
    from booking.models import Invitation, OrganizationRole, User
    from booking.services import memberships

    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    plans = organizations()
    for plan in plans[:2]:
        org_id = session.scalar(select(User.organization_id).where(
            User.email == plan.member_email))
        [rep] = memberships.representatives(session, org_id)
        assert rep.email == plan.member_email
    member = authenticate(session, "uye001-2@stk.example.org", DEMO_PASSWORD)
    assert member is not None and member.organization_role == OrganizationRole.MEMBER
    assert session.scalar(select(func.count()).select_from(Booking).where(
        Booking.created_by_id == member.id)) == 0
    [invitation] = session.scalars(select(Invitation)).all()
    assert invitation.used_at is None and invitation.revoked_at is None
    assert invitation.organization_id == member.organization_id


def test_the_demo_organisations_carry_identifiers_and_some_verifications_are_due(
        runner, session, database_url, demo_copies, tmp_path_factory):
    """Registry identity (SPEC §9): every association, foundation and
    cooperative has a well-formed identifier of its kind, every verified
    organisation a verification, and the staff's list of those due is not empty."""
    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    organizations_ = session.scalars(select(Organization)).all()
    assert not [o.name for o in organizations_ if registry.missing_or_malformed(o)]
    verified = [o for o in organizations_ if o.is_verified]
    assert all(o.verification_expires_at is not None for o in verified)
    assert session.scalar(select(func.count()).select_from(OrganizationVerification)) == len(
        verified)
    now = utcnow()
    due = verification.counts(session, now).due
    assert 1 <= due < len(verified) // 5
    # None has run out: the demo's own requests go through the rules.
    assert all(o.verification_expires_at > now for o in verified)


def test_the_demo_has_two_general_assemblies_with_both_dates(runner, session, database_url,
                                                            demo_copies, tmp_path_factory):
    """Two associations call their genel kurul in the coming weeks: one pair
    approved, one waiting in the staff queue; the second dates 14 days later,
    nothing of it in the report year (SPEC §9)."""
    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    assemblies = session.scalars(select(GeneralAssembly).order_by(GeneralAssembly.id)).all()
    assert len(assemblies) == 2
    assert [a.first.status for a in assemblies] == [BookingStatus.APPROVED, BookingStatus.PENDING]
    now = datetime.now(UTC)
    for assembly in assemblies:
        first, second = assembly.first, assembly.second
        assert first.kind == second.kind == BookingKind.GENERAL_ASSEMBLY
        assert second.start_at - first.start_at == timedelta(days=14)
        assert first.start_at > now + timedelta(days=15) and second.status == first.status
        assert first.organization.is_verified and first.organization_id == assembly.organization_id
    _check_every_rule(session)


def test_the_demo_publishes_a_privacy_notice_its_people_have_acknowledged(
        runner, session, database_url, demo_copies, tmp_path_factory):
    """SPEC §10: the demo municipality's aydınlatma metni (Turkish and
    English, naming the special category of membership and the rights of
    art. 11) is published once, acknowledged by every demo person, so the
    printed logins reach their pages while a new registration must acknowledge."""
    from booking.models import NoticeAcknowledgement, PrivacyNotice, User
    from booking.services import privacy_notice

    session.commit()
    _seeded_year(runner, session, database_url, demo_copies, tmp_path_factory)
    [notice] = session.scalars(select(PrivacyNotice)).all()
    assert notice.version == 1 and "KVKK m. 6" in notice.text_tr and "art. 11" in notice.text_en
    assert len(privacy_notice.paragraphs(notice.text_tr)) == 6
    people = session.scalar(select(func.count()).select_from(User).where(User.is_active))
    acknowledged = session.scalar(select(func.count()).select_from(NoticeAcknowledgement).where(
        NoticeAcknowledgement.notice_id == notice.id))
    assert acknowledged == people
    _seed(runner)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PrivacyNotice)) == 1
