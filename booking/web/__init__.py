"""HTML blueprints. Each module owns one area of the site."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from booking.web import calendar_feeds, freebusy, public, reports

    app.register_blueprint(public.bp)
    app.register_blueprint(calendar_feeds.bp)
    app.register_blueprint(freebusy.bp)
    app.register_blueprint(reports.bp)

    from booking.web import admin_outbox, admin_photos, admin_services, dev_mail, photos

    app.register_blueprint(admin_outbox.bp)
    app.register_blueprint(admin_photos.bp)
    app.register_blueprint(admin_services.bp)  # centers' catalogues of services (SPEC §9)
    app.register_blueprint(photos.bp)
    app.register_blueprint(dev_mail.bp)  # every address 404 unless MAIL_BACKEND is instance

    from booking.web import leave, memberships, my_calendars, privacy, privacy_admin

    app.register_blueprint(leave.bp)  # /admin/holidays: holidays and leave for every centre
    app.register_blueprint(memberships.bp)  # /organization/members, /invitations/<token>

    app.register_blueprint(my_calendars.bp)  # /profile/calendars
    app.register_blueprint(privacy.bp)  # /privacy, /profile/data.json (SPEC §10)
    app.register_blueprint(privacy_admin.bp)  # deletion requests, notices, the logs

    from booking.web import (
        accounts,
        admin,
        bookings,
        checkin,
        errors,
        general_assembly,
        poster,
        quotas,
        registration,
        rooms,
        services,
        staff,
        suggestions,
        ui,
        waitlist,
    )

    ui.init_app(app)
    errors.init_app(app)
    for module in (accounts, registration, rooms, bookings, suggestions, staff, admin, quotas,
                   checkin, poster, waitlist, services, general_assembly):
        app.register_blueprint(module.bp)
