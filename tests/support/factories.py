"""Small builders for test data. They add and flush; the test decides when to commit."""
from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from booking.models import (
    Booking,
    BookingKind,
    BookingStatus,
    Center,
    FeedToken,
    Organization,
    OrganizationKind,
    Role,
    Room,
    User,
)

_counter = itertools.count(1)
PASSWORD = "correct horse battery"
# The product hashes with scrypt, slow on purpose: about 0.1 s for every
# sign-in. A stored hash names its own method and the sign-in check follows it,
# so the users made here carry a cheap PBKDF2 hash of PASSWORD and sign in in
# well under a millisecond. Accounts made through the product's services
# (registration, create-user, a password change) still get scrypt.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _password_hash() -> str:
    return _PASSWORD_HASH


def make_center(session: Session, **values: object) -> Center:
    n = next(_counter)
    values.setdefault("name", f"Merkez {n}")
    values.setdefault("timezone", "Europe/Istanbul")
    center = Center(**values)
    session.add(center)
    session.flush()
    return center


def make_room(session: Session, center: Center | None = None, **values: object) -> Room:
    n = next(_counter)
    center = center or make_center(session)
    features = values.pop("features", [])
    values.setdefault("name", f"Salon {n}")
    values.setdefault("capacity", 40)
    values.setdefault("requires_approval", True)
    values.setdefault("buffer_minutes", 0)
    values.setdefault("opening_time", time(8, 0))
    values.setdefault("closing_time", time(22, 0))
    values.setdefault("min_duration_minutes", 30)
    values.setdefault("max_duration_minutes", 480)
    values.setdefault("max_advance_days", 180)
    room = Room(center=center, **values)
    room.features = list(features)  # type: ignore[arg-type]
    session.add(room)
    session.flush()
    return room


def make_organization(session: Session, **values: object) -> Organization:
    n = next(_counter)
    values.setdefault("name", f"Dernek {n}")
    values.setdefault("kind", OrganizationKind.ASSOCIATION)
    values.setdefault("email", f"dernek{n}@example.org")
    values.setdefault("is_verified", True)
    organization = Organization(**values)
    session.add(organization)
    session.flush()
    return organization


def make_organization_feed_link(session: Session, organization: Organization,
                                created_at: datetime | None = None) -> str:
    """An organisation's shared calendar link as issued before personal links
    (the product no longer issues them); its secret."""
    from booking.services.hashing import hash_secret, new_secret

    secret = new_secret()
    session.add(FeedToken(organization_id=organization.id, token_hash=hash_secret(secret),
                          **({"created_at": created_at} if created_at else {})))
    session.flush()
    return secret


def make_user(
    session: Session,
    role: Role = Role.MEMBER,
    organization: Organization | None = None,
    centers: list[Center] | None = None,
    **values: object,
) -> User:
    n = next(_counter)
    if role == Role.MEMBER and organization is None:
        organization = make_organization(session)
    values.setdefault("email", f"user{n}@example.org")
    values.setdefault("name", f"Kullanıcı {n}")
    user = User(
        role=role,
        organization=organization,
        centers=centers or [],
        password_hash=_password_hash(),
        **values,
    )
    session.add(user)
    session.flush()
    return user


def make_booking(
    session: Session,
    room: Room,
    start: datetime,
    minutes: int = 60,
    status: BookingStatus = BookingStatus.PENDING,
    organization: Organization | None = None,
    **values: object,
) -> Booking:
    """Insert a booking row directly (no rules checked): for setting up a scene."""
    end = start + timedelta(minutes=minutes)
    values.setdefault("title", "Toplantı")
    values.setdefault("expected_attendees", 10)
    values.setdefault("kind", BookingKind.MEETING)
    booking = Booking(
        room=room,
        organization=organization,
        start_at=start,
        end_at=end,
        block_end=end + timedelta(minutes=room.buffer_minutes),
        status=status,
        **values,
    )
    session.add(booking)
    session.flush()
    return booking
