"""The forms of a room's photos (the admin's upload and captions; booking/web/admin_photos.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from booking.forms import REQUIRED, Form


class PhotoAltForm(Form):
    """What a photo shows, read aloud by screen readers (Turkish; English optional)."""
    alt_text = StringField(_l("Fotoğrafın açıklaması (Türkçe)"),
                           validators=[DataRequired(REQUIRED), Length(max=300)])
    alt_text_en = StringField(_l("Fotoğrafın açıklaması (İngilizce, isteğe bağlı)"),
                              validators=[Optional(), Length(max=300)])


class PhotoForm(PhotoAltForm):
    """A photo's upload; what the file is, Pillow decides (services/photos.py)."""
    photo = FileField(_l("Fotoğraf (JPEG, PNG ya da WebP)"),
                      validators=[FileRequired(_l("Bir fotoğraf dosyası seçin."))])
