"""The demo dataset: a believable city and a full year of its bookings.

``seed_demo`` builds the city once (``booking.demo.city``), then plans the
year (``booking.demo.schedule``) and writes it with a few bulk INSERTs in one
transaction. Running it again finds the city and the year already there and
changes nothing. Rows are inserted directly, not through the booking service,
because the planner has already applied every rule; the database's own
no-overlap guard still checks each approved row as it goes in.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from booking.demo.assemblies import seed_assemblies
from booking.demo.checkins import add_checkins
from booking.demo.city import (
    ADMIN_EMAIL,
    CENTERS,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    OrgPlan,
    organizations,
    slug,
)
from booking.demo.members import add_people, member_logins
from booking.demo.privacy import seed_notice
from booking.demo.registry import first_staff_id, seed_verifications
from booking.demo.schedule import RoomSlot, YearPlan, plan_upcoming, plan_year, upcoming_window
from booking.demo.services import seed_services
from booking.demo.waitlist import seed_waitlist
from booking.models import (
    AuditEntry,
    Booking,
    BookingSeries,
    BookingStatus,
    Center,
    Closure,
    Organization,
    QuotaRule,
    Role,
    Room,
    User,
    utcnow,
)
from booking.services.accounts import hash_password
from booking.services.reports import local_bounds


@dataclass
class City:
    """The demo city as stored: what the planner needs, with database ids."""

    rooms: list[RoomSlot]
    orgs: list[OrgPlan]
    staff_by_center: dict[int, int]
    admin_id: int
    logins: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SeedResult:
    year: int
    created_city: bool
    created_year: bool
    message: str
    counts: dict[str, int]
    logins: list[tuple[str, str]]
    upcoming: dict[str, int] = field(default_factory=dict)
    waitlist: dict[str, int] = field(default_factory=dict)
    assemblies: dict[str, int] = field(default_factory=dict)


class ForeignData(Exception):
    """The database holds centers that are not the demo's: seeding would mix them."""


def demo_logins(session: Session) -> list[tuple[str, str]]:
    """(e-mail, what it is) for the accounts a newcomer can try, password DEMO_PASSWORD."""
    logins = [(ADMIN_EMAIL, "yönetici (admin)")]
    for center in CENTERS:
        local = center.staff[0][1]
        logins.append((f"{local}@{DEMO_DOMAIN}", f"görevli (staff): {center.name}"))
    for plan in organizations()[:2]:
        logins.append((plan.member_email, f"temsilci (representative): {plan.name}"))
    return logins + member_logins(organizations())


def _create_city(session: Session) -> City:
    password_hash = hash_password(DEMO_PASSWORD)
    rooms: list[RoomSlot] = []
    centers: list[Center] = []
    for plan in CENTERS:
        latitude, longitude = plan.coordinates or (None, None)
        center = Center(name=plan.name, district=plan.district, address=plan.address,
                        postal_code=plan.postal_code or None, latitude=latitude,
                        longitude=longitude, phone=plan.phone, timezone="Europe/Istanbul",
                        email=f"{slug(plan.district)}@{DEMO_DOMAIN}",
                        description=f"{plan.district} ilçesindeki sivil toplum merkezi.")
        for room_plan in plan.rooms:
            room = Room(name=room_plan.name, capacity=room_plan.capacity,
                        requires_approval=room_plan.requires_approval,
                        buffer_minutes=room_plan.buffer_minutes,
                        opening_time=room_plan.opening, closing_time=room_plan.closing,
                        min_duration_minutes=room_plan.min_minutes,
                        max_duration_minutes=room_plan.max_minutes,
                        max_advance_days=180, floor_level=room_plan.floor_level)
            room.features = list(room_plan.features)
            room.accessibility = room_plan.accessibility(plan)
            center.rooms.append(room)
        centers.append(center)
    session.add_all(centers)
    session.flush()
    for center, plan in zip(centers, CENTERS, strict=True):
        by_name = {room.name: room for room in center.rooms}
        rooms += [RoomSlot(by_name[p.name].id, center.id, p, center.timezone) for p in plan.rooms]

    orgs = organizations()
    now = utcnow()
    org_ids = session.scalars(
        insert(Organization).returning(Organization.id, sort_by_parameter_order=True),
        [{"name": o.name, "kind": o.kind, "email": o.email, "phone": o.phone,
          "registry_number": o.registry_number, "is_verified": o.is_verified,
          "verified_at": now if o.is_verified else None, "created_at": now, "updated_at": now}
         for o in orgs],
    ).all()
    for org_plan, org_id in zip(orgs, org_ids, strict=True):
        org_plan.id = org_id
    add_people(session, orgs, password_hash, now)
    admin = User(email=ADMIN_EMAIL, name="Demo Yönetici", password_hash=password_hash,
                 role=Role.ADMIN)
    session.add(admin)
    staff_by_center: dict[int, int] = {}
    for center, plan in zip(centers, CENTERS, strict=True):
        for name, local in plan.staff:
            user = User(email=f"{local}@{DEMO_DOMAIN}", name=name, password_hash=password_hash,
                        role=Role.STAFF, centers=[center])
            session.add(user)
            session.flush()
            staff_by_center.setdefault(center.id, user.id)
    session.flush()
    _add_quotas(session, centers, org_ids)
    return City(rooms, orgs, staff_by_center, admin.id)


def _add_quotas(session: Session, centers: list[Center], org_ids: Sequence[int]) -> None:
    """Quotas to look at (docs/fairness.md): the first center limits every
    organisation, and gives its busiest user of the big hall more hours. Rows
    go in directly, like the bookings, so the planned year is unchanged."""
    first = centers[0].id
    session.execute(insert(QuotaRule), [
        {"center_id": first, "organization_id": None, "monthly_hours": 40, "open_requests": 5,
         "weekly_bookings": 6, "updated_at": utcnow()},
        {"center_id": first, "organization_id": org_ids[0], "monthly_hours": 80,
         "updated_at": utcnow()},
    ])


def _load_city(session: Session, admin: User) -> City:
    """The stored demo city, matched to the fixed plan by names."""
    centers = {c.name: c for c in session.scalars(
        select(Center).where(Center.name.in_([p.name for p in CENTERS])))}
    rooms: list[RoomSlot] = []
    staff_by_center: dict[int, int] = {}
    for plan in CENTERS:
        center = centers.get(plan.name)
        if center is None:
            continue
        by_name = {room.name: room for room in center.rooms}
        rooms += [RoomSlot(by_name[p.name].id, center.id, p, center.timezone)
                  for p in plan.rooms if p.name in by_name and by_name[p.name].is_active]
        staff_id = session.scalar(
            select(User.id).where(User.email == f"{plan.staff[0][1]}@{DEMO_DOMAIN}"))
        staff_by_center[center.id] = staff_id or admin.id
    ids = dict(session.execute(select(Organization.name, Organization.id)).all())
    orgs: list[OrgPlan] = []
    for org_plan in organizations():
        if org_plan.name in ids:
            org_plan.id = ids[org_plan.name]
            orgs.append(org_plan)
    return City(rooms, orgs, staff_by_center, admin.id)


def _has_bookings(session: Session, city: City, start: datetime, end: datetime) -> bool:
    """Whether any booking of the demo rooms starts in [start, end)."""
    count = session.scalar(
        select(func.count(Booking.id)).where(
            Booking.room_id.in_([r.id for r in city.rooms] or [-1]),
            Booking.start_at >= start, Booking.start_at < end,
        )
    )
    return bool(count)


def _seed_upcoming(session: Session, city: City, seed: int, now: datetime) -> dict[str, int]:
    """This week and the next few, once: bookings to see in today's calendars and
    requests in the staff queue. Skipped when those weeks already have bookings."""
    if not city.rooms:
        return {}
    zone = ZoneInfo(city.rooms[0].zone)
    first, last = upcoming_window(now, city.rooms[0].zone)
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    if _has_bookings(session, city, start, end):
        return {}
    plan = plan_upcoming(random.Random(f"demo:{seed}:upcoming:{first}"), now, city.rooms,
                         city.orgs)
    # Holidays (and the leave day, which may lie past the window) seeded before.
    known = set(session.execute(
        select(Closure.center_id, Closure.start_at)
        .where(Closure.source.in_(("holiday", "leave")), Closure.start_at >= start)
    ).all())
    plan.closures = [c for c in plan.closures
                     if c.source not in ("holiday", "leave") or (c.center_id, c.start) not in known]
    _write_year(session, city, plan, now)
    return _counts(plan)


def _write_year(session: Session, city: City, plan: YearPlan, now: datetime) -> None:
    """Bulk-insert the planned year: closures, series, bookings (with their
    check-ins and no-shows, booking/demo/checkins.py), audit trail."""
    add_checkins(plan.bookings, now)
    if plan.closures:
        session.execute(insert(Closure), [
            {"center_id": c.center_id, "room_id": c.room_id, "start_at": c.start, "end_at": c.end,
             "reason": c.reason, "source": c.source, "created_by_id": city.admin_id,
             "created_at": min(c.start - timedelta(days=30), utcnow())}
            for c in plan.closures
        ])
    members = dict(session.execute(
        select(User.organization_id, func.min(User.id))
        .where(User.role == Role.MEMBER).group_by(User.organization_id)).all())
    series_ids = session.scalars(
        insert(BookingSeries).returning(BookingSeries.id, sort_by_parameter_order=True),
        [{"room_id": s.room.id, "organization_id": s.org.id,
          "created_by_id": members.get(s.org.id), "title": s.title, "rrule": s.rrule,
          "dtstart_local": s.dtstart_local, "created_at": s.created_at} for s in plan.series],
    ).all() if plan.series else []
    series_id = {id(s): sid for s, sid in zip(plan.series, series_ids, strict=True)}
    rows: list[dict[str, Any]] = []
    for b in plan.bookings:
        changes = sum(1 for h in b.history if h[2] is not None and h[0] != "create")
        rows.append({
            "room_id": b.room.id,
            "organization_id": b.org.id if b.org else None,
            "created_by_id": members.get(b.org.id) if b.org else city.staff_by_center[b.room.center_id],
            "series_id": series_id[id(b.series)] if b.series else None,
            "title": b.title, "description": None, "kind": b.kind, "category": b.category,
            "start_at": b.start, "end_at": b.end, "block_end": b.block_end,
            "expected_attendees": b.expected, "actual_attendees": b.actual,
            "status": b.status, "status_reason": b.reason, "is_public": b.is_public,
            "sequence": changes, "created_at": b.created_at,
            "updated_at": max(h[3] for h in b.history),
            "checked_in_at": b.checked_in_at,
            "checked_in_by_id": (members.get(b.org.id) if b.org else None)
            or city.staff_by_center[b.room.center_id] if b.checked_in_at else None,
        })
    if not rows:
        return
    booking_ids = session.scalars(
        insert(Booking).returning(Booking.id, sort_by_parameter_order=True), rows
    ).all()
    audit: list[dict[str, Any]] = []
    for b, booking_id in zip(plan.bookings, booking_ids, strict=True):
        member = members.get(b.org.id) if b.org else None
        staff = city.staff_by_center[b.room.center_id]
        for action, before, after, at, by_staff, reason in b.history:
            audit.append({
                "at": at, "actor_id": None if action == "no_show"  # the release job
                else staff if by_staff or member is None else member,
                "entity": "booking", "entity_id": booking_id, "booking_id": booking_id,
                "action": action, "from_status": before, "to_status": after, "reason": reason,
                "details": {"actual_attendees": b.actual} if action == "attendance" else None,
            })
    session.execute(insert(AuditEntry), audit)


def _counts(plan: YearPlan) -> dict[str, int]:
    approved = [b for b in plan.bookings if b.status == BookingStatus.APPROVED]
    return {
        "closures": len(plan.closures),
        "series": len(plan.series),
        "bookings": len(plan.bookings),
        "meetings": sum(1 for b in approved if b.kind == "meeting"),
        "programs": sum(1 for b in approved if b.kind == "program"),
        "attendees": sum(b.actual or 0 for b in approved),
        "cancelled": sum(1 for b in plan.bookings if b.status == BookingStatus.CANCELLED),
        "rejected": sum(1 for b in plan.bookings if b.status == BookingStatus.REJECTED),
        "pending": sum(1 for b in plan.bookings if b.status == BookingStatus.PENDING),
        "no_shows": sum(1 for b in plan.bookings if b.status == BookingStatus.NO_SHOW),
    }


def seed_demo(session: Session, year: int = 2024, seed: int = 1,
              now: datetime | None = None) -> SeedResult:
    """Create the demo city (once) and the bookings of ``year`` (once per year).

    Leaves the transaction to the caller. Raises ``ForeignData`` when the
    database already has centers that are not the demo's.
    """
    now = now or utcnow()
    admin = session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    created_city = admin is None
    if admin is None:
        if session.scalar(select(func.count(Center.id))):
            raise ForeignData("the database already has centers that are not the demo's")
        city = _create_city(session)
    else:
        city = _load_city(session, admin)
    logins = demo_logins(session)
    bounds = local_bounds(year, "Europe/Istanbul")
    counts: dict[str, int] = {}
    if _has_bookings(session, city, bounds[0], bounds[12]):
        message = (f"Demo verisi zaten yüklü: {year} yılının rezervasyonları mevcut; "
                   "yıl için bir şey eklenmedi.")
    else:
        # str seeds are hashed with SHA-512: the same (seed, year) gives the same year.
        plan = plan_year(random.Random(f"demo:{seed}:{year}"), year, now, city.rooms, city.orgs)
        _write_year(session, city, plan, now)
        session.flush()
        counts = _counts(plan)
        message = f"{year} yılı demo verisi yüklendi."
    upcoming = _seed_upcoming(session, city, seed, now)
    session.flush()
    waiting = seed_waitlist(session, now)
    seed_services(session, now)  # catalogues, and items on the coming weeks (SPEC §9)
    seed_verifications(session, now, first_staff_id(session, list(city.staff_by_center.values())))
    assemblies = seed_assemblies(session, now)  # after the waitlist: it picks its own free time
    seed_notice(session, session.get(User, city.admin_id), now)  # aydınlatma metni (SPEC §10)
    if (counts or upcoming) and session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, so the first reports plan with real row counts.
        session.execute(text("ANALYZE bookings"))
    return SeedResult(year, created_city, bool(counts), message, counts, logins, upcoming,
                      waiting, assemblies)
