"""The booking form's "İkram ve hizmetler" part (SPEC §9).

Without JavaScript the form cannot know which center's catalogue to show
before a room is chosen, so it lists the active items of every center the
person may book in, grouped by center; a quantity is asked only of the chosen
room's center (the service refuses another center's item with a clear error).
Inputs are ``service-<item id>-quantity`` and ``service-<item id>-note``.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.extensions import db
from booking.i18n.text import turkish_sorted
from booking.models import Center, ServiceItem
from booking.services.access import bookable_rooms
from booking.services.booking_services import FIELD, ServiceRequest, catalogue
from booking.services.errors import RuleViolation

MAX_TEXT = 12


@dataclass(frozen=True)
class Offered:
    center: Center
    items: list[ServiceItem]


def offered() -> list[Offered]:
    """The active catalogues of the centers whose rooms the person may book."""
    centers = {room.center.id: room.center for room in bookable_rooms(db.session(), current_user)}
    groups = [Offered(center, catalogue(db.session(), center.id))
              for center in turkish_sorted(centers.values(), key=lambda c: c.name)]
    return [group for group in groups if group.items]


def posted() -> dict[int, tuple[str, str]]:
    """What the form sent, by item id: (quantity text, note), for showing it again."""
    values: dict[int, tuple[str, str]] = {}
    for key, quantity in request.form.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "service" and parts[2] == "quantity" \
                and parts[1].isdigit() and len(parts[1]) < 10:
            note = request.form.get(f"service-{parts[1]}-note", "")
            values[int(parts[1])] = (quantity.strip(), note)
    return values


def requested() -> list[ServiceRequest]:
    """The items asked for (a quantity given); a quantity that is no whole
    number is a RuleViolation on ``services``."""
    wanted = []
    for item_id, (quantity, note) in sorted(posted().items()):
        if not quantity:
            continue
        text = quantity.lstrip("-")
        if not text.isdigit() or len(quantity) > MAX_TEXT:
            item = db.session.get(ServiceItem, item_id)
            raise RuleViolation.single(FIELD, _l(
                "“%(item)s” için miktar 1 ya da daha büyük bir tam sayı olmalı.",
                item=item.name if item else item_id))
        wanted.append(ServiceRequest(item_id, int(quantity), note or None))
    return wanted
