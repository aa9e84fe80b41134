"""A small world for booking-engine tests: one center, rooms, organisations and people."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from booking.models import Center, Organization, Role, Room, User
from booking.services.bookings import BookingRequest
from tests.support.clock import NOW
from tests.support.factories import make_center, make_organization, make_room, make_user

ISTANBUL = ZoneInfo("Europe/Istanbul")


def local(day_offset: int, hour: int, minute: int = 0, tz: ZoneInfo = ISTANBUL) -> datetime:
    """An aware instant ``day_offset`` days after NOW's local date, at hour:minute local."""
    day = NOW.astimezone(tz).date() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


@dataclass
class Scene:
    center: Center
    room: Room
    small_room: Room
    big_room: Room
    open_room: Room
    org: Organization
    other_org: Organization
    member: User
    other_member: User
    staff: User
    other_staff: User
    admin: User

    def request(self, start: datetime, minutes: int = 120, room: Room | None = None,
                **values: object) -> BookingRequest:
        values.setdefault("title", "Gönüllü buluşması")
        values.setdefault("expected_attendees", 20)
        return BookingRequest(room_id=(room or self.room).id, start=start,
                              end=start + timedelta(minutes=minutes), **values)  # type: ignore[arg-type]


def build_scene(session: Session) -> Scene:
    center = make_center(session, name="Üsküdar Sivil Toplum Merkezi")
    other_center = make_center(session, name="Bornova Sivil Toplum Merkezi")
    room = make_room(session, center, name="Toplantı Salonu", capacity=40, buffer_minutes=15)
    small = make_room(session, center, name="Atölye", capacity=12)
    big = make_room(session, center, name="Konferans Salonu", capacity=150,
                    features=["projector", "sound_system"])
    open_room = make_room(session, center, name="Serbest Oda", capacity=20,
                          requires_approval=False)
    org = make_organization(session, name="Çocuk Hakları Derneği")
    other_org = make_organization(session, name="Yeşil Şehir Girişimi")
    scene = Scene(
        center=center, room=room, small_room=small, big_room=big, open_room=open_room,
        org=org, other_org=other_org,
        member=make_user(session, Role.MEMBER, org, name="Ayşe Yılmaz"),
        other_member=make_user(session, Role.MEMBER, other_org, name="Mehmet Kaya"),
        staff=make_user(session, Role.STAFF, centers=[center], name="Zeynep Demir"),
        other_staff=make_user(session, Role.STAFF, centers=[other_center], name="Ali Çelik"),
        admin=make_user(session, Role.ADMIN, name="Yönetici"),
    )
    session.commit()
    return scene
