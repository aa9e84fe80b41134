"""The fields and the base form every form of the site is built from: hostile
text (NUL, line breaks in single-line fields), ids and numbers no column holds
are form errors here, before any service or database sees them."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, IntegerField, SelectField, SelectMultipleField, TimeField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

try:  # WTForms 3.3+ wants SelectChoice objects; older versions take pairs.
    # The WTForms stubs (types-WTForms 3.2) predate SelectChoice.
    from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the installed WTForms
    SelectChoice = None

from booking.i18n.text import one_line
from booking.models.base import MAX_ID

BAD_NUMBER = _l("Bir tam sayı girin.")
BAD_DATE = _l("Geçerli bir tarih girin.")
BAD_DECIMAL = _l("Bir ondalık sayı girin (ör. 38.4237).")
BAD_TIME = _l("Geçerli bir saat girin.")
NUL_CHARACTER = _l("Metin geçersiz bir karakter (NUL) içeriyor.")
TOO_LARGE = _l("Bu sayı çok büyük.")
LARGEST_INTEGER = 2**31 - 1  # what every integer column of both engines holds
SINGLE_LINE = {"StringField", "EmailField", "SearchField", "TelField", "URLField"}


class Form(FlaskForm):
    """Every form of the site. Hostile text is a form error, never a server
    error: a NUL character (PostgreSQL refuses it in text) on any field;
    line breaks in a single-line field (a name, a title) become spaces, as a
    browser would send them (they would break the e-mail headers)."""

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None,
                extra_filters: Any = None, **kwargs: Any) -> None:
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        for item in self:
            if item.type in SINGLE_LINE and isinstance(item.data, str) \
                    and any(c in item.data for c in "\r\n\t\v\f"):
                item.data = one_line(item.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for item in self:
            if any("\x00" in str(value) for value in (getattr(item, "raw_data", None) or [])):
                item.errors = [*item.errors, NUL_CHARACTER]
                valid = False
        return valid


def record_id(value: Any) -> int:
    """A select's value as the id of a row (0 for "none"; a negative id where a
    select offers two kinds of row, as the closures' centers and rooms); a
    number no row can have is refused like any other bad choice, before it
    reaches the database."""
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError(value)
    return number


BAD_CHOICE = _l("Listeden bir seçim yapın.")


def _record_id_or_none(value: Any) -> int | None:
    """``record_id``, with the empty value of a "choose one" first option as None."""
    if value is None or value == "":
        return None
    return record_id(value)


class RecordSelect(SelectField):
    """A choice of a row (a room, a center, an organisation) by its id.

    A required select may start with an empty "choose one" option: sending it
    leaves the data None, and the required validator names the field; on a
    select that is not required an empty value is a bad choice, as before."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, coerce=_record_id_or_none, validate_choice=False,
                         **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0] == "" and self.flags.required:
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(BAD_CHOICE) from None
        if valuelist and self.data is None:
            raise ValueError(BAD_CHOICE)


class Integer(IntegerField):
    """An integer field whose parse error is translated; numbers no column
    holds are refused."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(BAD_NUMBER) from None
            if abs(self.data) > LARGEST_INTEGER:
                self.data = None
                raise ValueError(TOO_LARGE)
        elif valuelist:
            self.data = None


# Dates the forms accept: far from date.min/date.max, where a day's arithmetic
# (the next midnight, a buffer, the time zone) would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class Date(DateField):
    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(BAD_DATE) from None
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_l("%(a)d ile %(b)d yılları arasında bir tarih girin.",
                                a=FIRST_YEAR, b=LAST_YEAR))


class Coordinate(Field):
    """A decimal number of degrees ("38.4237", "27,1428"): a comma is read as
    the decimal point, anything else that is not a plain decimal number (an
    exponent, "nan", "inf") is a form error."""

    widget = TextInput()
    NUMBER = re.compile(r"[+-]?\d{1,3}(?:[.,]\d{1,10})?")

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        if not self.NUMBER.fullmatch(text):
            self.data = None
            raise ValueError(BAD_DECIMAL)
        value = float(text.replace(",", "."))
        self.data = value if math.isfinite(value) else None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class Time(TimeField):
    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(BAD_TIME) from None


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


T = TypeVar("T")


def validated(data: T | None) -> T:
    """A required field's data once the form has validated: DataRequired or
    InputRequired saw to it that there is some, while WTForms' types say
    ``X | None`` for every field. For the type checker only: returns ``data``."""
    return cast(T, data)


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[Any]:
    """(value, label) pairs as the installed WTForms wants its choices."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]
