"""Private calendar links over the API: the caller's own personal link (make,
see, revoke) and an organisation's older shared link (see, revoke; no new
ones are made). The web page /profile/calendars calls the same services."""
from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import require_user
from booking.api.registry import operation, reply, write
from booking.calendar.ical import webcal_url
from booking.extensions import db
from booking.models import FeedToken, User, utcnow
from booking.services import feed_tokens
from booking.services.errors import NotFound
from booking.web.calendar_feeds import download_url
from booking.web.common import base_url

TAG = "Calendar feeds"


def _shows(user: User) -> str:
    return "centers" if user.is_staff else "organization"


def _status(kind: str, link: FeedToken | None, shows: str) -> s.FeedLinkStatus:
    created = link.created_at.astimezone(serialize.default_tz()) if link is not None else None
    return s.FeedLinkStatus(kind=kind, active=link is not None, created_at=created, shows=shows)


@operation("GET", "/users/me/feed-link", summary="My private calendar link", tag=TAG,
           access="signed in", response=s.FeedLinkStatus, errors=(401,))
def personal_link() -> Response:
    """Whether the caller has a working personal calendar link (its address
    is not stored; make a new link to see one)."""
    user = require_user()
    link = feed_tokens.personal_link(db.session(), user)
    return reply(_status("personal", link, _shows(user)))


@operation("POST", "/users/me/feed-link", summary="Make or regenerate my private calendar link",
           tag=TAG, access="signed in", status=201, response=s.FeedLinkCreated,
           errors=(401, 403))
def issue_personal_link() -> Response:
    """A new personal link, shown once. The caller's previous personal link
    stops working at once; colleagues' links, and an organisation link, do
    not. A member's link shows their organisation's bookings (pending ones as
    TENTATIVE), a staff member's their centers', an admin's every center's."""
    user = require_user()
    issued = write(lambda: feed_tokens.issue_personal(db.session(), user, utcnow()))
    url = base_url() + url_for("feeds.private_calendar", token=issued.token)
    return reply(s.FeedLinkCreated(
        token=issued.token, url=url, webcal_url=webcal_url(url), download_url=download_url(url),
        created_at=issued.feed_token.created_at.astimezone(serialize.default_tz()),
        shows=_shows(user)), 201)


@operation("DELETE", "/users/me/feed-link", summary="Revoke my private calendar link", tag=TAG,
           access="signed in", status=204, errors=(401, 404))
def revoke_personal_link() -> Response:
    """The caller's personal link answers 404 from now on. Without a working
    link: 404. Nobody can revoke another person's link here."""
    user = require_user()
    if not write(lambda: feed_tokens.revoke_personal(db.session(), user, utcnow())):
        raise NotFound(_("Çalışan bir takvim bağlantınız yok."))
    return reply(None, 204)


@operation("GET", "/organizations/{organization_id}/feed-link",
           summary="An organisation's shared calendar link", tag=TAG,
           access="the organisation's members, staff, admin", response=s.FeedLinkStatus,
           errors=(401, 404))
def organization_link(organization_id: int) -> Response:
    """Whether the organisation's shared link (from before personal links)
    still works. Another organisation's: 404."""
    user = require_user()
    link = feed_tokens.live_token(db.session(), user, organization_id=organization_id)
    return reply(_status("organization", link, "organization"))


@operation("DELETE", "/organizations/{organization_id}/feed-link",
           summary="Revoke an organisation's shared calendar link", tag=TAG,
           access="the organisation's representatives, staff, admin", status=204,
           errors=(401, 403, 404))
def revoke_organization_link(organization_id: int) -> Response:
    """The shared link answers 404 from now on; members' personal links go on
    working. No shared link left, or another organisation's: 404; a member
    who is no representative: 403. New shared links are not made: each
    person makes their own."""
    user = require_user()
    if not write(lambda: feed_tokens.revoke_tokens(db.session(), user,
                                                   organization_id=organization_id, now=utcnow())):
        raise NotFound(_("Kuruluşun çalışan bir ortak takvim bağlantısı yok."))
    return reply(None, 204)
