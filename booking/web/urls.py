"""URL converters shared by every blueprint."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

from booking.models.base import MAX_ID

# Ids are INTEGER columns on both engines: 1 … 2**31 - 1.


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id outside the range an INTEGER column can
    hold does not match, so it is a 404 like any unknown id, instead of an
    overflow inside the database driver (a 500)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]
