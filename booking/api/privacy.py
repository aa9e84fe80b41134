"""KVKK over the API (SPEC §10): the current aydınlatma metni and its
acknowledgement, the caller's own data as JSON, and their deletion request.
The web pages (booking/web/privacy.py) call the same services."""
from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import actor, require_user
from booking.api.registry import operation, reply, write
from booking.extensions import db
from booking.models import utcnow
from booking.services import deletion, personal_data, privacy_notice
from booking.services.errors import NotFound

TAG = "Privacy (KVKK)"


@operation("GET", "/privacy-notice", summary="The current aydınlatma metni", tag=TAG,
           access="anyone", response=s.NoticeOut, query=s.NoticeQuery, errors=(404, 422))
def current_notice(query: s.NoticeQuery) -> Response:
    """The newest published version, in Turkish or English by `Accept-Language`;
    404 before the first is published. With a token, whether the caller
    acknowledged it."""
    notice = privacy_notice.current(db.session())
    if notice is None:
        raise NotFound(_("Henüz yayımlanmış bir aydınlatma metni yok."))
    language = query.lang or request.accept_languages.best_match(["tr", "en"]) or "tr"
    caller = actor()
    done = privacy_notice.acknowledged(db.session(), caller, notice) if caller else None
    db.session.rollback()
    return reply(s.NoticeOut(
        version=notice.version, text=notice.text(language), changes=notice.changes(language),
        published_at=notice.published_at.astimezone(serialize.default_tz()), acknowledged=done))


@operation("POST", "/privacy-notice/acknowledgements", summary="Acknowledge the current notice",
           tag=TAG, access="signed in", status=201, response=s.AcknowledgementOut,
           body=s.AcknowledgementIn, errors=(401, 422))
def acknowledge(body: s.AcknowledgementIn) -> Response:
    """The caller read `version`, which must be the current one. Acknowledging
    again answers the first acknowledgement."""
    user = require_user()
    row = write(lambda: privacy_notice.acknowledge(db.session(), user, body.version, utcnow()))
    return reply(s.AcknowledgementOut(
        version=body.version,
        acknowledged_at=row.acknowledged_at.astimezone(serialize.default_tz())), 201)


@operation("GET", "/users/me/export", summary="Everything held about me", tag=TAG,
           access="signed in", response=s.PersonalDataOut, errors=(401,))
def export() -> Response:
    """The caller's account, organisation, every row of every table that refers
    to them (bookings they requested, audit entries naming them, sessions and
    tokens without their secrets, acknowledgements, …) and the e-mails sent to
    their address. Nobody can export another person's data."""
    user = require_user()
    data = personal_data.export(db.session(), user, utcnow())
    db.session.rollback()
    response = reply(s.PersonalDataOut(**data))
    response.headers["Content-Disposition"] = f'attachment; filename="verilerim-{user.id}.json"'
    return response


@operation("POST", "/users/me/deletion-request", summary="Ask for my data to be deleted", tag=TAG,
           access="signed in", status=201, response=s.DeletionRequestOut,
           body=s.DeletionRequestIn, errors=(401, 422))
def ask_for_deletion(body: s.DeletionRequestIn) -> Response:
    """Recorded with its 30-day deadline; staff carry it out from their pages.
    Asking again while one is open answers that one."""
    user = require_user()
    row = write(lambda: deletion.request_deletion(db.session(), user, body.reason, utcnow()))
    tz = serialize.default_tz()
    return reply(s.DeletionRequestOut(id=row.id, state=row.state.value,
                                      requested_at=row.requested_at.astimezone(tz),
                                      due_at=row.due_at.astimezone(tz)), 201)
