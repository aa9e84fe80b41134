"""Admin pages of a center's catalogue of services (SPEC §9): list, add,
change, deactivate (items used by bookings are never deleted). Anyone but
an admin gets a 404."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from booking.extensions import db
from booking.forms import REQUIRED, Form, Integer
from booking.models import Center, ServiceItem
from booking.services import service_catalogue
from booking.services.booking_services import catalogue
from booking.services.service_catalogue import ItemValues
from booking.web.common import admin_required, now, submit

bp = Blueprint("admin_services", __name__, url_prefix="/admin")

class ServiceItemForm(Form):
    name = StringField(_l("Ad"), validators=[DataRequired(REQUIRED), Length(max=120)])
    unit = StringField(_l("Birim"), validators=[DataRequired(REQUIRED), Length(max=40)])
    stock = Integer(_l("Stok (boş: sınırsız)"), validators=[
        Optional(), NumberRange(min=0, max=100_000, message=_l("0 ile 100000 arasında olmalı."))])
    sort_order = Integer(_l("Sıra"), default=0, validators=[
        Optional(), NumberRange(min=0, max=10_000, message=_l("0 ile 10000 arasında olmalı."))])
    is_active = BooleanField(_l("Sunuluyor (etkin)"), default=True)


def _values(form: ServiceItemForm) -> ItemValues:
    return ItemValues(form.name.data or "", form.unit.data or "", form.stock.data,
                      bool(form.is_active.data), form.sort_order.data or 0)


def _page(form: ServiceItemForm, center: Center, save: Any, item: ServiceItem | None) -> Any:
    general: list[str] = []
    if form.validate_on_submit():
        outcome = submit(form, save)
        if outcome.done and outcome.result is not None:
            flash(gettext("“%(name)s” kaydedildi.", name=outcome.result.name), "ok")
            return redirect(url_for("admin_services.center_services", center_id=center.id))
        general = outcome.general
    status = 422 if request.method == "POST" else 200
    return render_template("admin/services.html", form=form, general=general, center=center,
                           item=item, items=catalogue(db.session(), center.id, active_only=False)
                           ), status


@bp.route("/centers/<int:center_id>/services", methods=["GET", "POST"])
@admin_required
def center_services(center_id: int) -> Any:
    """The catalogue and the form that adds an item to it."""
    center = db.session.get(Center, center_id)
    if center is None:
        abort(404)
    form = ServiceItemForm()
    return _page(form, center, lambda: service_catalogue.add_item(
        db.session(), current_user, center.id, _values(form), now()), None)


@bp.route("/services/<int:item_id>", methods=["GET", "POST"])
@admin_required
def edit_item(item_id: int) -> Any:
    item = db.session.get(ServiceItem, item_id)
    if item is None:
        abort(404)
    form = ServiceItemForm(obj=item)
    return _page(form, item.center, lambda: service_catalogue.change_item(
        db.session(), current_user, item.id, _values(form), now()), item)
