"""The request class: how large a body each part of the site reads.

The JSON API takes bodies up to API_MAX_BODY_BYTES, a room photo's upload
(``POST /admin/rooms/<id>/photos``) up to ROOM_PHOTO_MAX_BYTES plus
ROOM_PHOTO_FORM_MARGIN (the form's other fields and the multipart framing),
everything else (the web forms) up to MAX_CONTENT_LENGTH. A larger body answers 413 before it is read:
at once when its Content-Length says so, as soon as it passes the limit when
it is sent in chunks. Decided here, before anything (CSRF, the forms, the
rate limiter) touches the body, so that no code path reads more.
"""
from __future__ import annotations

import re
from typing import IO

from flask import Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

PHOTO_UPLOAD = re.compile(r"/admin/rooms/[0-9]+/photos")


def is_photo_upload(method: str, path: str) -> bool:
    """The one route that takes a body larger than MAX_CONTENT_LENGTH."""
    return method == "POST" and PHOTO_UPLOAD.fullmatch(path) is not None


class _AtMost(LimitedStream):
    """A chunked body (no Content-Length) read up to one byte past ``limit``:
    that byte means the body is larger, a 413, where Werkzeug's own stream would
    stop at the limit and hand on a silently cut body."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(stream, limit + 1, is_max=True)
        self.maximum = limit

    def readinto(self, b: bytearray) -> int | None:  # type: ignore[override]
        size = super().readinto(b)
        if self._pos > self.maximum:
            raise RequestEntityTooLarge()
        return size


class BoundedRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        config = current_app.config
        if self.path.startswith("/api/"):
            return int(config["API_MAX_BODY_BYTES"])
        if is_photo_upload(self.method, self.path):
            return int(config["ROOM_PHOTO_MAX_BYTES"]) + int(config["ROOM_PHOTO_FORM_MARGIN"])
        limit = config.get("MAX_CONTENT_LENGTH")
        return None if limit is None else int(limit)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        raise AttributeError("the body limit is the configuration's (see this module)")

    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        if self.content_length is None and limit is not None \
                and "wsgi.input_terminated" in self.environ:
            return _AtMost(self.environ["wsgi.input"], limit)  # type: ignore[return-value]
        return super().stream
