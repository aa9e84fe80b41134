"""WTForms for every HTML page (Flask-WTF: each form carries a CSRF token).

Forms check the shape of the input (present, a number, a date); the domain
rules (opening hours, capacity, conflicts) are the services' job, whose field
errors the views attach to these fields.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
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
from wtforms.widgets import HiddenInput

from booking.form_fields import (
    Coordinate,
    Date,
    Integer,
    MultiCheckbox,
    RecordSelect,
    Time,
)
from booking.form_fields import Form as Form
from booking.form_fields import choices as choices
from booking.form_fields import record_id as record_id
from booking.form_fields import validated as validated
from booking.forms_registry import REGISTRY_NUMBER_HELP, REGISTRY_NUMBER_LABEL
from booking.i18n.labels import (
    ACCESSIBILITY_LABELS,
    CATEGORY_LABELS,
    FEATURE_LABELS,
    FREQUENCY_CHOICES,
    KIND_LABELS,
    LANGUAGE_CHOICES,
    ORGANIZATION_KIND_LABELS,
    ROLE_LABELS,
    WEEKDAY_CHOICES,
)
from booking.models import ACCESSIBILITY, FEATURES, BookingKind, Category, OrganizationKind, Role
from booking.models.places import ROOM_DEFAULTS
from booking.services.accounts import LONG_PASSWORD, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

REQUIRED = _l("Bu alan gerekli.")
BAD_EMAIL = _l("Geçerli bir e-posta adresi girin.")
SHORT_PASSWORD = _l("Parola en az %(n)d karakter olmalı.", n=MIN_PASSWORD_LENGTH)
PASSWORDS_DIFFER = _l("Parolalar aynı değil.")

def _choices(labels: dict, codes: list[str]) -> list[Any]:
    return choices((code, labels[code]) for code in codes)


def password_field(label: Any) -> PasswordField:  # a str or a lazy_gettext string
    return PasswordField(label, validators=[
        DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, message=SHORT_PASSWORD),
        Length(max=MAX_PASSWORD_LENGTH, message=LONG_PASSWORD)])


def known_password(label: Any) -> PasswordField:
    """A password typed to prove who one is: anything longer than a password
    may be is refused by the form, before it could be hashed."""
    return PasswordField(label, validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=LONG_PASSWORD)])


# --- accounts ----------------------------------------------------------------


class LoginForm(Form):
    email = EmailField(_l("E-posta"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL),
                                                  Length(max=254)])
    password = known_password(_l("Parola"))
    next = HiddenField()


class RegisterForm(Form):
    org_name = StringField(_l("Kuruluşun adı"), validators=[DataRequired(REQUIRED), Length(max=300)])
    org_kind = SelectField(_l("Kuruluş türü"), choices=_choices(
        ORGANIZATION_KIND_LABELS, [k.value for k in OrganizationKind]))
    registry_number = StringField(REGISTRY_NUMBER_LABEL, description=REGISTRY_NUMBER_HELP,
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
    # The version of the aydınlatma metni shown with the form (SPEC §10); the
    # service requires the current one when a notice is published.
    notice_version = HiddenField()
    notice_ack = BooleanField(_l("Aydınlatma metnini okudum"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-posta"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])


class ResetPasswordForm(Form):
    password = password_field(_l("Yeni parola"))
    password_confirm = PasswordField(_l("Yeni parola (tekrar)"), validators=[
        DataRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)])


class ChangePasswordForm(Form):
    current_password = known_password(_l("Şu anki parola"))
    password = password_field(_l("Yeni parola"))
    password_confirm = PasswordField(_l("Yeni parola (tekrar)"), validators=[
        DataRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)])


class LanguageForm(Form):
    language = SelectField(_l("Dil"), choices=choices(LANGUAGE_CHOICES))
    next = HiddenField()


class InvitationsForm(Form):
    calendar_invitations = BooleanField(_l("Rezervasyon e-postalarıma takvim daveti ekle"))


class TokenForm(Form):
    name = StringField(_l("Anahtarın adı"), validators=[DataRequired(REQUIRED), Length(max=100)])


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token."""


# --- bookings ----------------------------------------------------------------


class _BookingFields(Form):
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
    # Shown to staff only: the reason for booking past an organisation's quota.
    quota_reason = StringField(_l("Kota aşımı gerekçesi"),
                               validators=[Optional(), Length(max=500)])


# A list long enough to search in (hundreds of organisations): booking/static/app.js
# puts a search box above it.
FILTERABLE = {"data-filter": _l("Kuruluş ara"),
              "data-filter-status": _l("{total} seçenekten {shown} tanesi eşleşiyor")}


# The booking form's rooms, grouped by center (booking/web/room_picker.py):
# booking/static/roompicker.js reads the search box's label and hint and what
# its live region says from these attributes.
ROOM_PICKER = {
    "data-room-picker": _l("Salon ara"),
    "data-picker-hint": _l("Salon ya da merkez adını yazın; oklarla seçin, Enter ile onaylayın."),
    "data-picker-none": _l("Eşleşen salon yok."),
    "data-picker-one": _l("1 salon eşleşiyor."),
    "data-picker-many": _l("{shown} salon eşleşiyor."),
    "data-picker-picked": _l("Seçilen salon: {room}"),
}


class BookingForm(_BookingFields):
    room_id = RecordSelect(_l("Salon"), validators=[InputRequired(_l("Bir salon seçin."))],
                           render_kw=ROOM_PICKER)
    organization_id = RecordSelect(_l("Kuruluş"),
                                  render_kw=FILTERABLE)
    freq = SelectField(_l("Tekrar"), choices=choices(FREQUENCY_CHOICES), default="")
    interval = Integer(_l("Kaç haftada/günde/ayda bir"), default=1,
                       validators=[Optional(), NumberRange(min=1, max=52,
                                                           message=_l("1 ile 52 arasında olmalı."))])
    byweekday = MultiCheckbox(_l("Günler (haftalık tekrar)"), choices=choices(WEEKDAY_CHOICES))
    count = Integer(_l("Tekrar sayısı"), validators=[Optional()])
    until = Date(_l("Son tarih"), validators=[Optional()])
    skip_conflicts = BooleanField(_l("Çakışan tarihleri atla, kalanları ayır"))
    second_date = Date(_l("İkinci toplantı tarihi"), validators=[Optional()])
    second_start_time = Time(_l("İkinci toplantı başlangıç saati"), validators=[Optional()])
    second_end_time = Time(_l("İkinci toplantı bitiş saati"), validators=[Optional()])

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


class WaitlistForm(Form):
    """Waiting for a taken interval: the room comes from the page (hidden)."""

    room_id = Integer(widget=HiddenInput(), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Başlık"), validators=[DataRequired(REQUIRED), Length(max=200)])
    date = Date(_l("Tarih"), validators=[InputRequired(REQUIRED)])
    start_time = Time(_l("Başlangıç saati"), validators=[InputRequired(REQUIRED)])
    end_time = Time(_l("Bitiş saati"), validators=[InputRequired(REQUIRED)])
    expected_attendees = Integer(_l("Beklenen katılımcı sayısı"), validators=[
        InputRequired(REQUIRED), NumberRange(min=1, message=_l("En az 1 olmalı."))])


class ReasonForm(Form):
    reason = TextAreaField(_l("Gerekçe"), validators=[Optional(), Length(max=2000)],
                           render_kw={"maxlength": 2000})


class RejectForm(Form):
    reason = TextAreaField(_l("Ret gerekçesi"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class AttendanceForm(Form):
    actual_attendees = Integer(_l("Gelen kişi sayısı"), validators=[
        InputRequired(REQUIRED), NumberRange(min=0, message=_l("0 ya da daha büyük olmalı."))])


class ClosureForm(Form):
    room_id = RecordSelect(_l("Salon"))
    start_date = Date(_l("Başlangıç tarihi"), validators=[InputRequired(REQUIRED)])
    start_time = Time(_l("Başlangıç saati"), validators=[Optional()])
    end_date = Date(_l("Bitiş tarihi"), validators=[InputRequired(REQUIRED)])
    end_time = Time(_l("Bitiş saati"), validators=[Optional()])
    reason = StringField(_l("Neden"), validators=[DataRequired(REQUIRED), Length(max=300)])


class HolidayImportForm(Form):
    year = Integer(_l("Yıl"), validators=[
        InputRequired(REQUIRED),
        NumberRange(min=2000, max=2100, message=_l("Geçerli bir yıl girin."))])


# --- admin -------------------------------------------------------------------


class CenterForm(Form):
    name = StringField(_l("Ad"), validators=[DataRequired(REQUIRED), Length(max=200)])
    district = StringField(_l("İlçe"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Açık adres (cadde, sokak, numara)"),
                          validators=[Optional(), Length(max=500)])
    postal_code = StringField(_l("Posta kodu"), validators=[Optional(), Length(max=10)])
    latitude = Coordinate(_l("Enlem"))
    longitude = Coordinate(_l("Boylam"))
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-posta"), validators=[Optional(), Email(BAD_EMAIL)])
    timezone = StringField(_l("Saat dilimi"), default="Europe/Istanbul",
                           validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Açıklama"), validators=[Optional(), Length(max=5000)])
    is_active = BooleanField(_l("Etkin"), default=True)
    checkin_required = BooleanField(
        _l("Onaylı rezervasyonlarda varış kaydı gerekir (kaydedilmeyen rezervasyonun salonu "
           "serbest bırakılır)"), default=True)


def _tristate(value: object) -> bool | None:
    """A room's check-in choice: "" (the center's setting), "1" or "0"."""
    if value in (None, "", "None"):
        return None
    if value in (True, "1", "True"):
        return True
    if value in (False, "0", "False"):
        return False
    raise ValueError("not a check-in choice")


class RoomForm(Form):
    center_id = RecordSelect(_l("Merkez"))
    name = StringField(_l("Ad"), validators=[DataRequired(REQUIRED), Length(max=200)])
    floor_level = Integer(_l("Kat"), validators=[Optional()])
    capacity = Integer(_l("Kapasite"), validators=[InputRequired(REQUIRED)])
    features = MultiCheckbox(_l("Olanaklar"), choices=_choices(FEATURE_LABELS, list(FEATURES)))
    accessibility = MultiCheckbox(_l("Erişilebilirlik"), choices=_choices(
        ACCESSIBILITY_LABELS, list(ACCESSIBILITY)))
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
    checkin_required = SelectField(
        _l("Varış kaydı"), coerce=_tristate, default="",
        choices=choices([("", _l("Merkezin ayarı")), ("1", _l("Varış kaydı gerekir")),
                         ("0", _l("Varış kaydı gerekmez"))]))


class OrganizationForm(Form):
    """An admin corrects an organisation's details; the service checks the kind
    and that no other organisation has the name in any Turkish case."""
    name = StringField(_l("Kuruluşun adı"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(_l("Kuruluş türü"), validate_choice=False, choices=_choices(
        ORGANIZATION_KIND_LABELS, [k.value for k in OrganizationKind]))
    registry_number = StringField(REGISTRY_NUMBER_LABEL, description=REGISTRY_NUMBER_HELP,
                                  validators=[Optional(), Length(max=64)])
    email = EmailField(_l("Kuruluşun e-posta adresi"),
                       validators=[DataRequired(REQUIRED), Email(BAD_EMAIL), Length(max=254)])
    phone = StringField(_l("Kuruluşun telefonu (isteğe bağlı)"),
                        validators=[Optional(), Length(max=40)])


class UserForm(Form):
    name = StringField(_l("Ad soyad"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(_l("E-posta"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    password = password_field(_l("İlk parola"))
    role = SelectField(_l("Rol"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    organization_id = RecordSelect(_l("Kuruluş"),
                                  render_kw=FILTERABLE)
    center_ids = MultiCheckbox(_l("Merkezler (görevliler için)"), coerce=record_id, validate_choice=False)
    language = SelectField(_l("Dil"), choices=choices(LANGUAGE_CHOICES))


class UserRoleForm(Form):
    role = SelectField(_l("Rol"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    organization_id = RecordSelect(_l("Kuruluş"),
                                  render_kw=FILTERABLE)
    center_ids = MultiCheckbox(_l("Merkezler (görevliler için)"), coerce=record_id, validate_choice=False)
    is_active = BooleanField(_l("Hesap etkin"))


# --- the search of the home page and /ara ------------------------------------


class SearchForm(Form):
    """The one search (SPEC §11), sent with GET: no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    date = Date(_l("Tarih"), validators=[InputRequired(REQUIRED)])
    start_time = Time(_l("Başlangıç saati"), validators=[Optional()])
    end_time = Time(_l("Bitiş saati"), validators=[Optional()])
    any_time = BooleanField(_l("Günün herhangi bir saati"))
    minutes = Integer(_l("Süre (dakika)"), default=60, validators=[
        Optional(), NumberRange(min=1, max=24 * 60,
                                message=_l("1 ile 1440 dakika arasında olmalı."))])
    attendees = Integer(_l("Katılımcı sayısı"), default=10, validators=[
        InputRequired(REQUIRED),
        NumberRange(min=1, max=100_000, message=_l("1 ile 100000 arasında olmalı."))])
    features = MultiCheckbox(_l("Olanaklar"), choices=_choices(FEATURE_LABELS, list(FEATURES)))
    accessibility = MultiCheckbox(_l("Erişilebilirlik gereksinimleri"), choices=_choices(
        ACCESSIBILITY_LABELS, list(ACCESSIBILITY)))
    center_id = RecordSelect(_l("Merkez"))
    district = SelectField(_l("İlçe"), validate_choice=False, validators=[Length(max=100)])

    def validate(self, extra_validators: Any = None) -> bool:
        """A start and an end after it, or "any time" and a length."""
        valid = super().validate(extra_validators)
        if self.any_time.data:
            if self.minutes.data is None and not self.minutes.errors:
                self.minutes.errors = [*self.minutes.errors, REQUIRED]
                return False
            return valid
        for item in (self.start_time, self.end_time):
            if item.data is None and not item.errors:
                item.errors = [*item.errors, REQUIRED]
                valid = False
        if valid and self.end_time.data <= self.start_time.data:  # type: ignore[operator]
            self.end_time.errors = [*self.end_time.errors,
                                    _l("Bitiş saati başlangıçtan sonra olmalı.")]
            valid = False
        return valid
