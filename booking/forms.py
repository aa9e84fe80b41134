"""WTForms for every HTML page (Flask-WTF: each form carries a CSRF token).

Forms check the shape of the input (present, a number, a date); the domain
rules (opening hours, capacity, conflicts) are the services' job, whose field
errors the views attach to these fields.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

try:  # WTForms 3.3+ wants SelectChoice objects; older versions take pairs.
    # The WTForms stubs (types-WTForms 3.2) predate SelectChoice.
    from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the installed WTForms
    SelectChoice = None

from booking.i18n.labels import (
    CATEGORY_LABELS,
    FEATURE_LABELS,
    KIND_LABELS,
    ORGANIZATION_KIND_LABELS,
)
from booking.models import FEATURES, BookingKind, Category, OrganizationKind, Role
from booking.models.places import ROOM_DEFAULTS
from booking.services.accounts import MIN_PASSWORD_LENGTH

REQUIRED = _l("Bu alan gerekli.")
BAD_EMAIL = _l("Geçerli bir e-posta adresi girin.")
BAD_NUMBER = _l("Bir tam sayı girin.")
BAD_DATE = _l("Geçerli bir tarih girin.")
BAD_TIME = _l("Geçerli bir saat girin.")
SHORT_PASSWORD = _l("Parola en az %(n)d karakter olmalı.", n=MIN_PASSWORD_LENGTH)
PASSWORDS_DIFFER = _l("Parolalar aynı değil.")

LANGUAGE_CHOICES = [("tr", "Türkçe"), ("en", "English")]
WEEKDAY_CHOICES = [
    ("MO", _l("Pazartesi")), ("TU", _l("Salı")), ("WE", _l("Çarşamba")),
    ("TH", _l("Perşembe")), ("FR", _l("Cuma")), ("SA", _l("Cumartesi")), ("SU", _l("Pazar")),
]
FREQUENCY_CHOICES = [
    ("", _l("Tekrarlanmaz")), ("daily", _l("Her gün")),
    ("weekly", _l("Her hafta")), ("monthly", _l("Her ay")),
]
ROLE_LABELS: dict[str, Any] = {Role.MEMBER: _l("Kuruluş üyesi"), Role.STAFF: _l("Merkez görevlisi"),
                                Role.ADMIN: _l("Yönetici")}


class Integer(IntegerField):
    """An integer field whose parse error is translated."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(BAD_NUMBER) from None
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


def _choices(labels: dict, codes: list[str]) -> list[Any]:
    return choices((code, labels[code]) for code in codes)


def password_field(label: Any) -> PasswordField:  # a str or a lazy_gettext string
    return PasswordField(label, validators=[
        DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, message=SHORT_PASSWORD)])


# --- accounts ----------------------------------------------------------------


class LoginForm(FlaskForm):
    email = EmailField(_l("E-posta"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    password = PasswordField(_l("Parola"), validators=[DataRequired(REQUIRED)])
    next = HiddenField()


class RegisterForm(FlaskForm):
    org_name = StringField(_l("Kuruluşun adı"), validators=[DataRequired(REQUIRED), Length(max=300)])
    org_kind = SelectField(_l("Kuruluş türü"), choices=_choices(
        ORGANIZATION_KIND_LABELS, [k.value for k in OrganizationKind]))
    registry_number = StringField(_l("Kütük / sicil numarası (isteğe bağlı)"),
                                  validators=[Optional(), Length(max=64)])
    org_email = EmailField(_l("Kuruluşun e-posta adresi"),
                           validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    org_phone = StringField(_l("Kuruluşun telefonu (isteğe bağlı)"),
                            validators=[Optional(), Length(max=40)])
    user_name = StringField(_l("Adınız soyadınız"), validators=[DataRequired(REQUIRED), Length(max=200)])
    user_email = EmailField(_l("E-posta adresiniz"),
                            validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    password = password_field(_l("Parola"))
    password_confirm = PasswordField(_l("Parola (tekrar)"), validators=[
        DataRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-posta"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])


class ResetPasswordForm(FlaskForm):
    password = password_field(_l("Yeni parola"))
    password_confirm = PasswordField(_l("Yeni parola (tekrar)"), validators=[
        DataRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Şu anki parola"), validators=[DataRequired(REQUIRED)])
    password = password_field(_l("Yeni parola"))
    password_confirm = PasswordField(_l("Yeni parola (tekrar)"), validators=[
        DataRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Dil"), choices=choices(LANGUAGE_CHOICES))
    next = HiddenField()


class TokenForm(FlaskForm):
    name = StringField(_l("Anahtarın adı"), validators=[DataRequired(REQUIRED), Length(max=100)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


# --- bookings ----------------------------------------------------------------


class _BookingFields(FlaskForm):
    """What a request and a change of it both ask."""

    title = StringField(_l("Başlık"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Açıklama (isteğe bağlı)"), validators=[Optional(), Length(max=5000)])
    date = Date(_l("Tarih"), validators=[InputRequired(REQUIRED)])
    start_time = Time(_l("Başlangıç saati"), validators=[InputRequired(REQUIRED)])
    end_time = Time(_l("Bitiş saati"), validators=[InputRequired(REQUIRED)])
    expected_attendees = Integer(_l("Beklenen katılımcı sayısı"), validators=[
        InputRequired(REQUIRED), NumberRange(min=1, message=_l("En az 1 olmalı."))])
    kind = SelectField(_l("Tür"), choices=_choices(KIND_LABELS, [k.value for k in BookingKind]))
    category = SelectField(_l("Tema"), choices=_choices(CATEGORY_LABELS, [c.value for c in Category]),
                           default=Category.OTHER.value)
    is_public = BooleanField(_l("Başlık ve kuruluş herkese açık takvimde görünebilir"))


# A list long enough to search in (hundreds of organisations): booking/static/app.js
# puts a search box above it.
FILTERABLE = {"data-filter": _l("Kuruluş ara"),
              "data-filter-status": _l("{total} seçenekten {shown} tanesi eşleşiyor")}


class BookingForm(_BookingFields):
    room_id = SelectField(_l("Salon"), coerce=int, validate_choice=False)
    organization_id = SelectField(_l("Kuruluş"), coerce=int, validate_choice=False,
                                  render_kw=FILTERABLE)
    freq = SelectField(_l("Tekrar"), choices=choices(FREQUENCY_CHOICES), default="")
    interval = Integer(_l("Kaç haftada/günde/ayda bir"), default=1,
                       validators=[Optional(), NumberRange(min=1, max=52,
                                                           message=_l("1 ile 52 arasında olmalı."))])
    byweekday = MultiCheckbox(_l("Günler (haftalık tekrar)"), choices=choices(WEEKDAY_CHOICES))
    count = Integer(_l("Tekrar sayısı"), validators=[Optional()])
    until = Date(_l("Son tarih"), validators=[Optional()])
    skip_conflicts = BooleanField(_l("Çakışan tarihleri atla, kalanları ayır"))

    def validate(self, extra_validators: Any = None) -> bool:
        """A repetition needs a count or a last date (both fields are optional alone)."""
        valid = super().validate(extra_validators)
        if self.freq.data and self.count.data is None and self.until.data is None \
                and not self.until.errors:
            self.until.errors = [*self.until.errors, _l("Tekrar sayısı ya da son tarih girin.")]
            return False
        return valid


class ChangeBookingForm(_BookingFields):
    """A booking's own fields; its room and repetition stay as they are."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Gerekçe"), validators=[Optional(), Length(max=2000)],
                           render_kw={"maxlength": 2000})


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Ret gerekçesi"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class AttendanceForm(FlaskForm):
    actual_attendees = Integer(_l("Gelen kişi sayısı"), validators=[
        InputRequired(REQUIRED), NumberRange(min=0, message=_l("0 ya da daha büyük olmalı."))])


class ClosureForm(FlaskForm):
    room_id = SelectField(_l("Salon"), coerce=int, validate_choice=False)
    start_date = Date(_l("Başlangıç tarihi"), validators=[InputRequired(REQUIRED)])
    start_time = Time(_l("Başlangıç saati"), validators=[Optional()])
    end_date = Date(_l("Bitiş tarihi"), validators=[InputRequired(REQUIRED)])
    end_time = Time(_l("Bitiş saati"), validators=[Optional()])
    reason = StringField(_l("Neden"), validators=[DataRequired(REQUIRED), Length(max=300)])


class HolidayImportForm(FlaskForm):
    year = Integer(_l("Yıl"), validators=[
        InputRequired(REQUIRED),
        NumberRange(min=2000, max=2100, message=_l("Geçerli bir yıl girin."))])


# --- admin -------------------------------------------------------------------


class CenterForm(FlaskForm):
    name = StringField(_l("Ad"), validators=[DataRequired(REQUIRED), Length(max=200)])
    district = StringField(_l("İlçe"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Adres"), validators=[Optional(), Length(max=500)])
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-posta"), validators=[Optional(), Email(BAD_EMAIL)])
    timezone = StringField(_l("Saat dilimi"), default="Europe/Istanbul",
                           validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Açıklama"), validators=[Optional(), Length(max=5000)])
    is_active = BooleanField(_l("Etkin"), default=True)


class RoomForm(FlaskForm):
    center_id = SelectField(_l("Merkez"), coerce=int, validate_choice=False)
    name = StringField(_l("Ad"), validators=[DataRequired(REQUIRED), Length(max=200)])
    floor = StringField(_l("Kat"), validators=[Optional(), Length(max=40)])
    capacity = Integer(_l("Kapasite"), validators=[InputRequired(REQUIRED)])
    features = MultiCheckbox(_l("Olanaklar"), choices=_choices(FEATURE_LABELS, list(FEATURES)))
    requires_approval = BooleanField(_l("Talepler onay gerektirir"),
                                     default=ROOM_DEFAULTS["requires_approval"])
    buffer_minutes = Integer(_l("Hazırlık/temizlik arası (dakika)"),
                             default=ROOM_DEFAULTS["buffer_minutes"],
                             validators=[InputRequired(REQUIRED)])
    opening_time = Time(_l("Açılış saati"), validators=[InputRequired(REQUIRED)])
    closing_time = Time(_l("Kapanış saati"), validators=[InputRequired(REQUIRED)])
    min_duration_minutes = Integer(_l("En kısa süre (dakika)"),
                                   default=ROOM_DEFAULTS["min_duration_minutes"],
                                   validators=[InputRequired(REQUIRED)])
    max_duration_minutes = Integer(_l("En uzun süre (dakika)"),
                                   default=ROOM_DEFAULTS["max_duration_minutes"],
                                   validators=[InputRequired(REQUIRED)])
    max_advance_days = Integer(_l("En çok kaç gün önceden"),
                               default=ROOM_DEFAULTS["max_advance_days"],
                               validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("Açıklama"), validators=[Optional(), Length(max=5000)])
    is_active = BooleanField(_l("Etkin"), default=True)


class OrganizationForm(FlaskForm):
    """An admin corrects an organisation's details; the service checks the kind
    and that no other organisation has the name in any Turkish case."""
    name = StringField(_l("Kuruluşun adı"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(_l("Kuruluş türü"), validate_choice=False, choices=_choices(
        ORGANIZATION_KIND_LABELS, [k.value for k in OrganizationKind]))
    registry_number = StringField(_l("Kütük / sicil numarası (isteğe bağlı)"),
                                  validators=[Optional(), Length(max=64)])
    email = EmailField(_l("Kuruluşun e-posta adresi"),
                       validators=[DataRequired(REQUIRED), Email(BAD_EMAIL), Length(max=254)])
    phone = StringField(_l("Kuruluşun telefonu (isteğe bağlı)"),
                        validators=[Optional(), Length(max=40)])


class UserForm(FlaskForm):
    name = StringField(_l("Ad soyad"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(_l("E-posta"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    password = password_field(_l("İlk parola"))
    role = SelectField(_l("Rol"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    organization_id = SelectField(_l("Kuruluş"), coerce=int, validate_choice=False,
                                  render_kw=FILTERABLE)
    center_ids = MultiCheckbox(_l("Merkezler (görevliler için)"), coerce=int, validate_choice=False)
    language = SelectField(_l("Dil"), choices=choices(LANGUAGE_CHOICES))


class UserRoleForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    organization_id = SelectField(_l("Kuruluş"), coerce=int, validate_choice=False,
                                  render_kw=FILTERABLE)
    center_ids = MultiCheckbox(_l("Merkezler (görevliler için)"), coerce=int, validate_choice=False)
    is_active = BooleanField(_l("Hesap etkin"))
