"""The signed offers behind the one-step suggestions (SPEC §11 "Everyday paths").

A conflict answer offers free slots; each carries, as one signed value, the
request form's fields at that room and time with everything else as typed
(``booking_links.suggestion_params``). The value is signed with the app's
SECRET_KEY under its own salt (itsdangerous), names the person it was made
for and lasts OFFER_MAX_AGE seconds, so nobody can hand a member a confirm
page filled by someone else, and the fields cannot be changed on the way.
Signed is not trusted: the confirm page (booking/web/suggestions.py) fills a
BookingForm from the fields and sends it through the same checks and the
same booking service as the request form.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict

from booking.models import Room
from booking.services.intervals import Suggestion

OFFER_SALT = "booking.suggestion-offer"
OFFER_MAX_AGE = 2 * 60 * 60  # seconds: long enough to ask a colleague, short enough to be fresh


@dataclass
class Offer:
    """One suggested slot of a conflict answer: its room, the slot, the link
    that fills the form with it, and the signed value the confirm page reads."""

    room: Room | None
    slot: Suggestion
    link: str
    token: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=OFFER_SALT)


def make_offer(fields: dict[str, Any]) -> str:
    """``fields`` (the request form's, by name) signed for the current user."""
    return _serializer().dumps({"user": current_user.id, "form": fields})


def read_offer(token: str | None) -> MultiDict[str, str] | None:
    """The form fields of an offer made for the current user, or None when the
    value was changed, made for someone else, made with another key or is
    older than OFFER_MAX_AGE."""
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=OFFER_MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("user") != current_user.id \
            or not isinstance(data.get("form"), dict):
        return None
    fields: MultiDict[str, str] = MultiDict()
    for name, value in data["form"].items():
        for item in value if isinstance(value, list) else [value]:
            fields.add(str(name), str(item))
    return fields
