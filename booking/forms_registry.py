"""The forms of registry identity (SPEC §9): how staff verified an organisation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from booking.form_fields import Form, choices
from booking.models import VerificationMethod

REGISTRY_NUMBER_LABEL = _l("Kayıt numarası (dernek: DERBİS kütük no, vakıf: VGM kayıt no, "
                           "kooperatif: MERSİS no)")
REGISTRY_NUMBER_HELP = _l("Örnekler: 34-038-123 (DERBİS), 4521 (VGM), 0123 4567 8901 2345 "
                          "(MERSİS). Diğer kuruluş türleri için isteğe bağlı.")


class VerifyForm(Form):
    """Staff verify (or renew) an organisation, saying how; the service checks the method."""

    method = SelectField(_l("Nasıl doğrulandı"), validate_choice=False, choices=choices([
        ("", _l("Seçin…")),
        (VerificationMethod.DOCUMENT_SEEN.value, _l("Belge görüldü")),
        (VerificationMethod.REGISTRY_CHECKED.value, _l("Sicil kaydı kontrol edildi")),
    ]))
    note = StringField(_l("Not (isteğe bağlı)"), validators=[Optional(), Length(max=2000)])
