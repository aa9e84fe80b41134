"""The booking form's room picker: the rooms a person may book, grouped by
center (one ``<optgroup>`` each, in Turkish order), each option naming the
room, its capacity and, for members, whether a request waits for approval.
The first option is an explicit "choose a room": no room is chosen for the
person unless the link they came by (a room's week, a search result, a free
hour) named one. booking/static/roompicker.js adds the search box."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from booking.form_fields import SelectChoice, choices
from booking.models import Room, User

CHOOSE = _l("Oda seçin")

def option_text(room: Room, actor: User) -> str:
    """"Toplantı Salonu (40 kişi, onay gerekir)": approval is named for members
    only (staff book directly, approved at once)."""
    if room.requires_approval and not actor.is_staff:
        return ngettext("%(room)s (%(num)d kişi, onay gerekir)",
                        "%(room)s (%(num)d kişi, onay gerekir)", room.capacity, room=room.name)
    return ngettext("%(room)s (%(num)d kişi)", "%(room)s (%(num)d kişi)", room.capacity,
                    room=room.name)


def room_choices(rooms: list[Room], actor: User) -> list[Any]:
    """The empty first option, then ``rooms`` (already in center and room
    order, services.access.bookable_rooms) grouped by their center."""
    pairs = [(room.id, option_text(room, actor)) for room in rooms]
    if SelectChoice is None:  # pragma: no cover - an older WTForms: one flat list
        return choices([("", str(CHOOSE)), *pairs])
    return [SelectChoice("", str(CHOOSE))] + [
        SelectChoice(room.id, text, optgroup=room.center.name)
        for room, (_, text) in zip(rooms, pairs, strict=True)]
