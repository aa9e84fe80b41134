"""Admin pages: centers, rooms, users and roles, and an organisation's details.
Organisations are listed and verified on the staff page; admins edit them here.
Anyone but an admin gets a 404."""
from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.extensions import db
from booking.forms import (
    CenterForm,
    OrganizationForm,
    RoomForm,
    UserForm,
    UserRoleForm,
    choices,
    record_id,
    validated,
)
from booking.i18n.text import matches, turkish_sorted
from booking.models import Center, Organization, Role, Room, User
from booking.services import accounts, places, users, verification_records
from booking.web import privacy
from booking.web.admin_photos import photo_context
from booking.web.common import admin_required, now, page_of_list, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")

CENTER_FIELDS = ("name", "district", "address", "postal_code", "latitude", "longitude", "phone",
                 "email", "timezone", "description", "is_active", "checkin_required")
ROOM_FIELDS = ("name", "floor_level", "capacity", "features", "accessibility",
               "requires_approval", "buffer_minutes", "opening_time", "closing_time",
               "min_duration_minutes", "max_duration_minutes", "max_advance_days", "description",
               "is_active", "checkin_required")


def _form_page(form: Any, save: Callable[[], Any], saved_message: Callable[[Any], str], done: str,
               template: str, **context: Any) -> Any:
    """Every admin form: on a valid POST call the service, commit, flash and go
    to ``done``; a broken rule puts its messages on the fields (or above the
    form) and shows the page again with 422, the data as typed."""
    general: list[str] = []
    if form.validate_on_submit():
        outcome = submit(form, save)
        if outcome.done:
            flash(saved_message(outcome.result), "ok")
            return redirect(done)
        general = outcome.general
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, general=general, **context), status


def _saved(saved: Center | Room | Organization) -> str:
    return gettext("“%(name)s” kaydedildi.", name=saved.name)


def _values(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: getattr(form, name).data for name in names}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip() or (None if name not in ("name", "timezone") else "")
    return values


@bp.get("/")
@admin_required
def index() -> str:
    centers = turkish_sorted(db.session.scalars(select(Center)), key=lambda c: c.name)
    return render_template("admin/index.html", centers=centers)


@bp.route("/centers/new", methods=["GET", "POST"])
@bp.route("/centers/<int:center_id>", methods=["GET", "POST"])
@admin_required
def center(center_id: int | None = None) -> Any:
    existing = db.session.get(Center, center_id) if center_id else None
    if center_id and existing is None:
        abort(404)
    form = CenterForm(obj=existing)
    def save() -> Center:
        values = _values(form, CENTER_FIELDS)
        if existing is None:
            return places.create_center(db.session(), _actor(), now=now(), **values)
        return places.update_center(db.session(), _actor(), existing.id, now=now(), **values)

    return _form_page(form, save, _saved, url_for("admin.index"), "admin/center.html",
                      center=existing)


@bp.route("/rooms/new", methods=["GET", "POST"])
@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@admin_required
def room(room_id: int | None = None) -> Any:
    existing = db.session.get(Room, room_id) if room_id else None
    if room_id and existing is None:
        abort(404)
    form = RoomForm(obj=existing)
    form.center_id.choices = choices(center_choices())
    if request.method == "GET" and existing is None:
        form.center_id.data = request.args.get("center_id", type=record_id)
        form.opening_time.data, form.closing_time.data = time(8), time(22)
    def save() -> Room:
        values = _values(form, ROOM_FIELDS)
        if existing is None:
            return places.create_room(db.session(), _actor(), center_id=form.center_id.data,
                                      now=now(), **values)
        return places.update_room(db.session(), _actor(), existing.id, now=now(), **values)

    return _form_page(form, save, _saved, url_for("admin.index"), "admin/room.html", room=existing,
                      **photo_context(existing))


def _actor() -> User:
    return current_user._get_current_object()


USERS_PER_PAGE = 50


def _org_choices() -> list[tuple[int, str]]:
    orgs = turkish_sorted(db.session.scalars(select(Organization)), key=lambda o: o.name)
    return [(0, gettext("— yok —"))] + [(o.id, o.name) for o in orgs]


def center_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name)
            for c in turkish_sorted(db.session.scalars(select(Center)), key=lambda c: c.name)]


@bp.get("/users")
@admin_required
def users_page() -> str:
    """Every user, sorted and searched by Turkish rules, USERS_PER_PAGE at a
    time; organisations and centers come in two queries, not one per row."""
    query = request.args.get("q", "").strip()
    rows = list(db.session.scalars(
        select(User).options(selectinload(User.organization), selectinload(User.centers))))
    if query:
        rows = [u for u in rows if matches(query, u.name, u.email,
                                           u.organization.name if u.organization else "")]
    page = page_of_list(turkish_sorted(rows, key=lambda u: u.name), USERS_PER_PAGE)
    privacy.viewed_contacts(page.items)
    return render_template("admin/users.html", page=page, query=query)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> Any:
    form = UserForm()
    form.organization_id.choices = choices(_org_choices())
    form.center_ids.choices = choices(center_choices())
    def save() -> User:
        return accounts.create_user(
            db.session(), _actor(), email=validated(form.email.data), name=validated(form.name.data),
            password=validated(form.password.data), role=form.role.data,
            organization_id=form.organization_id.data or None,
            center_ids=form.center_ids.data or [], language=form.language.data)

    return _form_page(form, save, lambda saved: gettext("%(name)s eklendi.", name=saved.name),
                      url_for("admin.users_page"), "admin/user_new.html")


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Any:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserRoleForm(obj=user)
    form.organization_id.choices = choices(_org_choices())
    form.center_ids.choices = choices(center_choices())
    if request.method == "GET":
        privacy.viewed_contacts([user])
        form.role.data = user.role.value
        form.organization_id.data = user.organization_id or 0
        form.center_ids.data = sorted(user.center_ids)
    def save() -> User:
        return users.update_user(db.session(), _actor(), user.id, role=form.role.data,
                                 organization_id=form.organization_id.data or None,
                                 center_ids=form.center_ids.data or [],
                                 is_active=form.is_active.data, now=now())

    return _form_page(form, save, lambda saved: gettext("%(name)s güncellendi.", name=saved.name),
                      url_for("admin.users_page"), "admin/user_edit.html", user=user, roles=Role)


@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
@admin_required
def organization(organization_id: int) -> Any:
    """Correct an organisation's name, kind, registry number and contacts."""
    existing = db.session.get(Organization, organization_id)
    if existing is None:
        abort(404)
    form = OrganizationForm(obj=existing)
    if request.method == "GET":
        privacy.viewed_members(existing.id)
        form.kind.data = existing.kind.value
    def save() -> Organization:
        return users.update_organization(
            db.session(), _actor(), existing.id, name=validated(form.name.data), kind=form.kind.data,
            email=validated(form.email.data), phone=form.phone.data,
            registry_number=form.registry_number.data, now=now())

    return _form_page(form, save, _saved, url_for("staff.organizations"),
                      "admin/organization.html", organization=existing,
                      verifications=verification_records.history(db.session(), existing.id),
                      method_label=verification_records.method_label)
