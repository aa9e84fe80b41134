"""HTML blueprints. Each module owns one area of the site."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from booking.web import calendar_feeds, public, reports

    app.register_blueprint(public.bp)
    app.register_blueprint(calendar_feeds.bp)
    app.register_blueprint(reports.bp)

    from booking.web import admin_outbox

    app.register_blueprint(admin_outbox.bp)

    from booking.web import accounts, admin, bookings, errors, rooms, staff, ui

    ui.init_app(app)
    errors.init_app(app)
    for module in (accounts, rooms, bookings, staff, admin):
        app.register_blueprint(module.bp)
