"""Calendar feeds over HTTP (SPEC §4): public room and center feeds, private token feeds.

Every feed is offered three ways (``subscribe_links``): ``webcal://`` for a
calendar app, the https URL to paste, and ``?download=1``, the same feed as an
attachment to import once.

A request first computes a cheap fingerprint (one aggregate query); when the
client's ``If-None-Match`` or ``If-Modified-Since`` still matches, it answers
304 without loading a booking or building the calendar. A full answer for an
unchanged feed comes from a small per-process cache of rendered feeds, plain
and gzip-compressed (feed_encoding.py: gzip, its ETag, HEAD, no cookie).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.http import is_resource_modified

from booking.calendar import ical
from booking.calendar.words import TEXTS
from booking.extensions import db
from booking.models import utcnow
from booking.services import feeds
from booking.services.errors import NotFound
from booking.web import feed_encoding as encoding

bp = Blueprint("feeds", __name__)

# Part of every ETag: raise it when the rendering changes, so clients refetch.
FEED_FORMAT = "2"
# Rendered feeds kept per process, by ETag (a room with 5,000 bookings: 1.8 MB).
BODY_CACHE_BYTES = 64 * 1024 * 1024


class BodyCache:
    """Recently rendered feeds by ETag, least recently used dropped first.

    Google and many other subscribers never revalidate: they fetch the whole
    feed every few hours. The ETag already covers everything the body depends
    on, so an unchanged feed is served again without loading a booking.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if etag in self._bodies:
                return
            self._bodies[etag] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


def body_cache() -> BodyCache:
    """This app's cache (one per app, so tests never share one)."""
    return current_app.extensions.setdefault("feed_bodies", BodyCache(BODY_CACHE_BYTES))


@bp.app_template_global("webcal_url")
def webcal_url(url: str) -> str:
    """``http(s)://`` → ``webcal://``, for the subscribe links of the web pages."""
    return ical.webcal_url(url)


@bp.app_template_global("feed_url")
def feed_url(endpoint: str, **values: Any) -> str:
    """A feed's absolute https URL under BASE_URL, e.g.
    ``feed_url("feeds.room_calendar", room_id=3)`` (calendar apps need it absolute)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


@bp.app_template_global("subscribe_links")
def subscribe_links(url: str) -> dict[str, str]:
    """Where a page's "subscribe" buttons point, for an absolute feed URL."""
    webcal = ical.webcal_url(url)
    return {
        "webcal": webcal,  # Apple Calendar, Thunderbird, Outlook desktop
        "google": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?" + urlencode({"url": url}),
        "https": url,  # copy-paste into "subscribe from URL"
        "download": download_url(url),  # a one-off copy, imported once
    }


def download_url(url: str) -> str:
    """The same feed as a file to save (``Content-Disposition: attachment``)."""
    return url + ("&" if "?" in url else "?") + "download=1"


def _wants_download() -> bool:
    return request.args.get("download", "").lower() in {"1", "true", "yes"}


@bp.get("/rooms/<int:room_id>/calendar.ics")
def room_calendar(room_id: int) -> Response:
    """A room's public calendar."""
    return _serve(lambda: feeds.room_scope(db.session(), room_id), f"room-{room_id}.ics")


@bp.get("/centers/<int:center_id>/calendar.ics")
def center_calendar(center_id: int) -> Response:
    """A center's public calendar: every active room."""
    return _serve(lambda: feeds.center_scope(db.session(), center_id), f"center-{center_id}.ics")


@bp.get("/feeds/<token>.ics")
def private_calendar(token: str) -> Response:
    """An organisation's or a staff member's private calendar, opened by its secret token."""
    default_tz = current_app.config["DEFAULT_TIMEZONE"]
    return _serve(lambda: feeds.token_scope(db.session(), token, default_tz), "calendar.ics")


def _serve(load_scope: Callable[[], feeds.FeedScope], filename: str) -> Response:
    config = current_app.config
    now = utcnow()
    try:
        scope = load_scope()
    except NotFound:
        abort(404)
    window = feeds.FeedWindow.for_day(
        now,
        config["FEED_PAST_DAYS"],
        config["FEED_FUTURE_DAYS"],
        config["FEED_CANCELLED_KEEP_DAYS"],
    )
    accepted = request.accept_languages.best_match(list(TEXTS))
    language = feeds.choose_language(request.args.get("lang"), accepted, scope)
    mark = feeds.fingerprint(db.session(), scope)
    plain_etag = _etag(scope, mark, window, language, config["BASE_URL"])
    compressed = encoding.wants_gzip()
    etag = encoding.etag_for(plain_etag, compressed)
    # Never later than now; never earlier than the window's day (its move is a change).
    last_modified = min(max(mark.last_changed or window.anchor, window.anchor), now)

    response = _feed_response(scope, etag, last_modified, filename)
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        db.session.rollback()
        response.status_code = 304
        return response
    encoding.set_body(response, _body(scope, window, language, plain_etag, compressed),
                      compressed)
    return response


def _body(scope: feeds.FeedScope, window: feeds.FeedWindow, language: str, plain_etag: str,
          compressed: bool) -> bytes:
    """The feed's bytes (gzip ones when ``compressed``): from the cache of
    rendered feeds when it holds them, else rendered (and kept there)."""
    cache = body_cache()
    etag = encoding.etag_for(plain_etag, compressed)
    cached = cache.get(etag)
    if cached is not None:
        db.session.rollback()
        return cached
    plain = cache.get(plain_etag) if compressed else None
    if plain is None:
        plain = _render(scope, window, language)
        cache.put(plain_etag, plain)
    else:
        db.session.rollback()
    if not compressed:
        return plain
    body = encoding.compress(plain)
    cache.put(etag, body)
    return body


def _render(scope: feeds.FeedScope, window: feeds.FeedWindow, language: str) -> bytes:
    config = current_app.config
    bookings = feeds.feed_bookings(db.session(), scope, window)
    # End the transaction before the slow part (on SQLite it holds the write
    # lock); commit, unlike rollback, leaves the loaded objects unexpired.
    db.session.commit()
    options = ical.EventOptions(
        base_url=config["BASE_URL"],
        private=scope.private,
        language=language,
        show_organization=scope.show_organization,
    )
    return ical.render_calendar(
        bookings,
        options,
        name=feeds.calendar_name(scope, language),
        timezone=scope.timezone,
        refresh=timedelta(minutes=config["FEED_REFRESH_MINUTES"]),
    )


def _feed_response(scope: feeds.FeedScope, etag: str, last_modified: datetime,
                   filename: str) -> Response:
    """An empty calendar answer with its validators and caching: a private feed
    is for its holder only and revalidated each time, a public one cached 5 minutes."""
    response = Response(mimetype="text/calendar")
    response.content_type = "text/calendar; charset=utf-8"
    response.set_etag(etag)
    response.last_modified = last_modified.replace(microsecond=0)
    # ?download=1: the same feed (same ETag, same 304s), saved as a file.
    disposition = "attachment" if _wants_download() else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.vary.add("Accept-Language")
    encoding.prepare(response)
    if scope.private:
        response.cache_control.private = True
        response.cache_control.no_cache = True
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    else:
        response.cache_control.public = True
        response.cache_control.max_age = 300
    return response


def _etag(
    scope: feeds.FeedScope,
    mark: feeds.Fingerprint,
    window: feeds.FeedWindow,
    language: str,
    base_url: str,
) -> str:
    parts = [
        FEED_FORMAT,
        scope.key,
        scope.name,
        scope.timezone,
        ",".join(map(str, scope.room_ids or ())),
        mark.key(),
        window.key(),
        language,
        base_url,
        str(current_app.config["FEED_REFRESH_MINUTES"]),
    ]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]
