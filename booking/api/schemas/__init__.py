"""The API's input and output shapes, as pydantic models.

Handlers validate requests with these models and build responses through
them, and ``openapi.py`` generates the document's schemas from the same
classes, so the document cannot drift from the code.

Inputs are strict (no type coercion, unknown members refused); every string
is checked for NUL characters and length, every number for its range, and
every datetime for a sane year, so no input reaches the database that it
could refuse with an error of its own.
"""
from booking.api.schemas.assemblies import *  # noqa: F403
from booking.api.schemas.availability import *  # noqa: F403
from booking.api.schemas.bookings import *  # noqa: F403
from booking.api.schemas.feeds import *  # noqa: F403
from booking.api.schemas.leave import *  # noqa: F403
from booking.api.schemas.memberships import *  # noqa: F403
from booking.api.schemas.people import *  # noqa: F403
from booking.api.schemas.places import *  # noqa: F403
from booking.api.schemas.privacy import *  # noqa: F403
from booking.api.schemas.problems import *  # noqa: F403
from booking.api.schemas.quotas import *  # noqa: F403
from booking.api.schemas.registry import *  # noqa: F403
from booking.api.schemas.reports import *  # noqa: F403
from booking.api.schemas.services import *  # noqa: F403
from booking.api.schemas.types import *  # noqa: F403
from booking.api.schemas.waitlist import *  # noqa: F403
