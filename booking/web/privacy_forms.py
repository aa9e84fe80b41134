"""The forms of the KVKK pages (SPEC §10; booking/web/privacy.py and privacy_admin.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from booking.form_fields import Form, choices
from booking.services.privacy_notice import MAX_TEXT

REQUIRED = _l("Bu alan gerekli.")


class NoticeForm(Form):
    text_tr = TextAreaField(_l("Metin (Türkçe)"),
                            validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])
    text_en = TextAreaField(_l("Metin (İngilizce)"),
                            validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])
    changes_tr = TextAreaField(_l("Bu sürümde ne değişti (Türkçe, isteğe bağlı)"),
                               validators=[Optional(), Length(max=5000)])
    changes_en = TextAreaField(_l("Bu sürümde ne değişti (İngilizce, isteğe bağlı)"),
                               validators=[Optional(), Length(max=5000)])


class AcknowledgeForm(Form):
    version = HiddenField()
    next = HiddenField()


class DeletionRequestForm(Form):
    reason = TextAreaField(_l("Açıklama (isteğe bağlı)"), validators=[Optional(), Length(max=2000)])


class CarryOutForm(Form):
    """Carrying out a deletion request; for an organisation's last
    representative, who takes over (a member's id) or ``close``."""

    successor = SelectField(_l("Kuruluşun yeni temsilcisi"), choices=[], validate_choice=False)


class AccessLogFilter(Form):
    """A GET form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    viewer = StringField(_l("Görüntüleyen (e-posta)"), validators=[Optional(), Length(max=254)])
    subject = StringField(_l("Kişi (e-posta)"), validators=[Optional(), Length(max=254)])
    organization_id = IntegerField(_l("Kuruluş no."),
                                   validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    what = SelectField(_l("Ne görüntülendi"), choices=choices([
        ("", _l("Hepsi")), ("member_list", _l("Üye listesi")),
        ("contact_details", _l("İletişim bilgileri"))]), validators=[Optional()])
