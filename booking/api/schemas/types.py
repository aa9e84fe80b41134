"""The building blocks of every API shape: bounded text without NUL, sane
years, ids within range, and the strict base classes.

Each input type says in its JSON schema exactly what its validation accepts
(the document is generated from these annotations), so the patterns below are
used twice: by the code that checks a value and by the document that
describes it."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from booking.i18n.floors import MAX_LEVEL, MIN_LEVEL
from booking.models import FEATURES
from booking.models.base import MAX_ID
from booking.models.room_details import ACCESSIBILITY_CODES
from booking.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_ATTENDEES = 100_000

# --- Dates and times: RFC 3339, years MIN_YEAR..MAX_YEAR ---------------------
# The document's patterns spell out the calendar (month lengths, leap years) for
# exactly the years allowed; the code checks the shape with any four-digit year,
# lets the parser refuse impossible days and then checks the year, so that each
# mistake gets its own message. tests/api/test_strict_inputs.py holds the two
# readings to the same days.
_YEAR = r"(?:19[0-9]{2}|2[01][0-9]{2}|2200)"
_LEAP_YEAR = r"(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)"
_MONTH_DAY = (r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
              r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
              r"|02-(?:0[1-9]|1[0-9]|2[0-8]))")
_CALENDAR_DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_ANY_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
# Seconds and up to six fractional digits are optional; so is the offset: a time
# without one is read in the room's center time zone (SPEC §3).
_TIME = r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_OFFSET = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
DATE_PATTERN = rf"^{_CALENDAR_DATE}$"
DATETIME_PATTERN = rf"^{_CALENDAR_DATE}{_TIME}{_OFFSET}$"
# List filters also take a day alone, meaning its midnight (docs/api.md, "Times").
DATE_OR_DATETIME_PATTERN = rf"^{_CALENDAR_DATE}(?:{_TIME}{_OFFSET})?$"
_DATE_SHAPE = re.compile(_ANY_DATE)
_DATETIME_SHAPE = re.compile(_ANY_DATE + _TIME + _OFFSET)

# --- E-mail addresses ---------------------------------------------------------
# What JSON Schema's "email" format allows narrowed to what services.accounts
# (email_validator) accepts: an unquoted ASCII local part, a host name with a
# dot and letters in its last label (no IP literals, no "--" labels) and no
# special-use domain (RFC 6761: .test, .localhost, …).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
EMAIL_PATTERN = rf"^{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+[A-Za-z]+$"
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
SPECIAL_USE_PATTERN = r"\.(?:{})$".format("|".join(
    "".join(f"[{c.upper()}{c}]" for c in name) for name in SPECIAL_USE_DOMAINS))
_EMAIL = re.compile(EMAIL_PATTERN)
_SPECIAL_USE = re.compile(SPECIAL_USE_PATTERN)
MAX_LOCAL_PART, MAX_LABEL = 64, 63  # RFC 5321 §4.5.3.1.1, RFC 1035 §2.3.4


# Error types of our own; errors.validation_message translates them.
def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain NUL characters")
    return value


def _year_error() -> PydanticCustomError:
    return PydanticCustomError("year_range", "year must lie between {low} and {high}",
                               {"low": MIN_YEAR, "high": MAX_YEAR})


def _datetime_text(value: Any) -> Any:
    """Text is a date-time only in RFC 3339's form: no Unix timestamp, no space
    for the T, no date alone. Read here, as the strict type takes no text."""
    if not isinstance(value, str):
        return value  # the strict type refuses anything but a datetime
    if not _DATETIME_SHAPE.fullmatch(value):
        raise PydanticCustomError("datetime_format", "must be an RFC 3339 date-time")
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:  # a day the calendar does not have
        raise PydanticCustomError("datetime_parsing", "no such date") from None


def _date_or_datetime_text(value: Any) -> Any:
    if isinstance(value, str) and _DATE_SHAPE.fullmatch(value):
        value += "T00:00"
    return _datetime_text(value)


def _date_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if not _DATE_SHAPE.fullmatch(value):
        raise PydanticCustomError("date_format", "must be an RFC 3339 full-date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_parsing", "no such date") from None


def _sane_datetime(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _year_error()
    return value


def _sane_date(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _year_error()
    return value


def _whole_numbers(value: Any) -> Any:
    """JSON Schema's integer is a number without a fractional part: 2.0 is the
    integer 2 (in a member or in a list of them), 2.5 stays a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def _email_address(value: str) -> str:
    local, _at, domain = value.rpartition("@")
    if (not _EMAIL.fullmatch(value) or _SPECIAL_USE.search(value)
            or len(local) > MAX_LOCAL_PART
            or any(len(label) > MAX_LABEL for label in domain.split("."))):
        raise PydanticCustomError("email_format", "must be an e-mail address")
    return value


# A text field is written Annotated[str, Length(max, min), NO_NUL]: a string
# without NUL characters, of bounded length. Spelled out in each annotation
# (not built by a function call) so that type checkers can read it.
def Length(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 - reads like a type
    """The bounds of a text field (pydantic's ``Field``)."""
    return Field(min_length=min_length, max_length=max_length)


class _NoNul:
    """Refuses text with a NUL character (PostgreSQL cannot store one) and
    says so in the JSON schema."""

    PATTERN = "^[^\\u0000]*$"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_clean_text, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.PATTERN
        return json_schema


NO_NUL = _NoNul()

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
DateTimeIn = Annotated[
    datetime, BeforeValidator(_datetime_text), AfterValidator(_sane_datetime),
    WithJsonSchema({"type": "string", "pattern": DATETIME_PATTERN}),
    Field(description=f"RFC 3339 date-time, years {MIN_YEAR}–{MAX_YEAR}; without an offset it "
                      "is read in the room's center time zone.")]
DateOrDateTimeIn = Annotated[
    datetime, BeforeValidator(_date_or_datetime_text), AfterValidator(_sane_datetime),
    WithJsonSchema({"type": "string", "pattern": DATE_OR_DATETIME_PATTERN}),
    Field(description=f"RFC 3339 date-time, or a full-date meaning its midnight; years "
                      f"{MIN_YEAR}–{MAX_YEAR}; without an offset it is read in the center's "
                      "time zone.")]
DateIn = Annotated[
    date, BeforeValidator(_date_text), AfterValidator(_sane_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
    Field(description=f"RFC 3339 full-date, years {MIN_YEAR}–{MAX_YEAR}.")]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                 description="Local wall-clock time, HH:MM.")]
Feature = Literal[FEATURES]  # type: ignore[valid-type]
Accessibility = Literal[ACCESSIBILITY_CODES]  # type: ignore[valid-type]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False,
                                  description="WGS 84 degrees; given with `longitude`.")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False,
                                   description="WGS 84 degrees; given with `latitude`.")]
FloorLevel = Annotated[int, Field(ge=MIN_LEVEL, le=MAX_LEVEL, description=(
    "0 the ground floor, 1 the first floor, -1 the first basement."))]
Email = Annotated[str, Length(254, 3), AfterValidator(_email_address), Field(
    json_schema_extra={"format": "email", "pattern": EMAIL_PATTERN,
                       "not": {"pattern": SPECIAL_USE_PATTERN}})]
# A password to sign in with; a new one is at least MIN_PASSWORD_LENGTH long.
Password = Annotated[str, Length(MAX_PASSWORD_LENGTH), NO_NUL]
NewPassword = Annotated[str, Length(MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH), NO_NUL]


class StrictIn(BaseModel):
    """Base of request bodies: exact types, unknown members refused; a
    whole-number float is an integer, as the document's "integer" says."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _integers_as_json_schema_reads_them(cls, value: Any) -> Any:
        return _whole_numbers(value)


class QueryIn(BaseModel):
    """Base of query strings, validated as strictly as bodies: the registry
    reads each value as the document types it (api/querystring.py)."""

    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)
