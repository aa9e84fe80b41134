"""Admin pages for quotas per organisation and center (services/quotas.py)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import Optional

from booking.extensions import db
from booking.form_fields import Integer, RecordSelect
from booking.forms import Form, choices
from booking.i18n.text import turkish_sorted
from booking.models import QUOTA_LIMITS, Center, Organization
from booking.services import quotas
from booking.web.admin import _form_page
from booking.web.common import admin_required, now


class QuotaForm(Form):
    """A center's quota rule, or one organisation's override (quotas.py checks the limits)."""

    organization_id = RecordSelect(_l("Kimin için"))
    monthly_hours = Integer(_l("Aylık saat"), validators=[Optional()])
    open_requests = Integer(_l("Aynı anda açık talep"), validators=[Optional()])
    weekly_bookings = Integer(_l("Haftalık rezervasyon"), validators=[Optional()])


bp = Blueprint("quotas", __name__, url_prefix="/admin/centers/<int:center_id>/quotas")


def _organization_choices() -> list[tuple[int, str]]:
    organizations = turkish_sorted(db.session.scalars(select(Organization)), key=lambda o: o.name)
    return [(0, gettext("Tüm kuruluşlar (merkezin kuralı)"))] + [
        (o.id, o.name) for o in organizations]


@bp.route("", methods=["GET", "POST"])
@admin_required
def index(center_id: int) -> Any:
    """The center's rule and the organisations' overrides, and a form that sets one."""
    center = db.session.get(Center, center_id)
    if center is None:
        abort(404)
    actor = current_user._get_current_object()
    form = QuotaForm()
    form.organization_id.choices = choices(_organization_choices())
    rules = quotas.center_rules(db.session(), actor, center_id)
    if request.method == "GET":
        chosen = request.args.get("organization_id", 0, type=int)
        form.organization_id.data = chosen
        rule = next((r for r in rules if (r.organization_id or 0) == chosen), None)
        for name in QUOTA_LIMITS:
            getattr(form, name).data = getattr(rule, name) if rule else None
    values = {name: getattr(form, name).data for name in QUOTA_LIMITS}
    return _form_page(
        form, lambda: quotas.set_rule(db.session(), actor, center_id,
                                      form.organization_id.data or None, values, now()),
        lambda rule: (gettext("Kota kaydedildi.") if rule is not None
                      else gettext("Kota kaldırıldı: sınır kalmadı.")),
        url_for("quotas.index", center_id=center_id), "admin/quotas.html",
        center=center, rules=rules)
