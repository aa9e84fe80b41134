"""A small world for the notification tests: one center in Istanbul, its staff,
two NGO members (Turkish and English) and bookings they requested."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Center, Role, Room, User
from tests.support.clock import NOW
from tests.support.factories import make_booking, make_center, make_room, make_user

__all__ = ["NOW", "START", "Scene", "build_scene"]

# Monday 4 March 2030, 14:00 in Istanbul (UTC+3).
START = datetime(2030, 3, 4, 11, 0, tzinfo=UTC)


@dataclass
class Scene:
    center: Center
    room: Room
    staff: User
    member_tr: User
    member_en: User

    def member(self, language: str) -> User:
        return self.member_tr if language == "tr" else self.member_en

    def book(
        self,
        session: Session,
        requester: User,
        start: datetime = START,
        status: BookingStatus = BookingStatus.PENDING,
        **values: object,
    ) -> Booking:
        values.setdefault("title", "Gönüllü buluşması")
        return make_booking(session, self.room, start, minutes=120, status=status,
                            organization=requester.organization, created_by=requester, **values)


def build_scene(session: Session, staff_language: str = "tr") -> Scene:
    center = make_center(session, name="Kadıköy Sivil Toplum Merkezi")
    room = make_room(session, center, name="Konferans Salonu")
    staff = make_user(session, Role.STAFF, centers=[center], name="Ayşe Görevli",
                      language=staff_language)
    member_tr = make_user(session, name="Mehmet Üye", language="tr")
    member_en = make_user(session, name="Jane Member", language="en")
    return Scene(center, room, staff, member_tr, member_en)
