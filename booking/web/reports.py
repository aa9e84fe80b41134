"""The yearly report page and its CSV downloads, for staff and admins.

Staff see their centers, admins every center; members get a 404, and an
anonymous visitor is sent to the sign-in page (or gets a 404 while the site
has no sign-in page).
"""
from __future__ import annotations

from typing import Any

from babel.dates import get_month_names
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import get_locale, gettext
from flask_login import current_user

from booking.extensions import db, login_manager
from booking.forms import record_id
from booking.i18n.labels import CATEGORY_LABELS, label
from booking.i18n.text import turkish_sorted
from booking.models import Role, User, utcnow
from booking.services import reports
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.web import charts
from booking.web.report_csv import bookings_csv, summary_csv

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _actor() -> User:
    """The signed-in staff member or admin; anything else ends the request."""
    if not current_user.is_authenticated:
        if "auth.login" in current_app.view_functions:
            abort(login_manager.unauthorized())
        abort(404)
    if current_user.role == Role.MEMBER:
        abort(404)
    return current_user._get_current_object()


def _month_names() -> list[str]:
    names = get_month_names("wide", context="stand-alone", locale=get_locale())
    return [names[m] for m in range(1, 13)]


def _choice(actor: User) -> tuple[int, int | None, list[int], str | None]:
    """The year and center asked for. A yearly report is about a finished year, so
    the default is the last past year with approved bookings (else this year).
    A year that is not a number or out of the reports' range falls back to the
    default, with a message saying so (the fourth value)."""
    years = reports.years_with_bookings(db.session(), actor)
    this_year = utcnow().year
    default = reports.last_year_with_bookings(db.session(), actor, this_year) or this_year
    asked = request.args.get("year", "").strip()
    year, notice = default, None
    if asked:
        try:
            year = reports.check_year(asked)
        except RuleViolation:
            notice = gettext("“%(asked)s” bir rapor yılı değil: yıl %(a)d ile %(b)d arasında "
                             "olmalı. %(year)d yılının raporu gösteriliyor.",
                             asked=asked[:20], a=reports.MIN_YEAR, b=reports.MAX_YEAR,
                             year=default)
    center_id = request.args.get("center_id", default=None, type=record_id)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return year, center_id, years, notice


def _summary(actor: User, year: int, center_id: int | None) -> reports.Summary:
    try:
        return reports.summary(db.session(), actor, year, center_id, now=utcnow())
    except (NotFound, NotAllowed):
        abort(404)
    except RuleViolation:
        abort(400)


@bp.get("/")
def summary_page() -> str:
    """Headline figures, charts by month, center and category, and the tables."""
    actor = _actor()
    year, center_id, years, notice = _choice(actor)
    report = _summary(actor, year, center_id)
    by_center = turkish_sorted(report["by_center"], key=lambda e: e["name"])
    months = _month_names()
    scope = reports.report_scope(db.session(), actor)
    short = get_month_names("abbreviated", context="stand-alone", locale=get_locale())
    rows_month = [(short[e["month"]], e["meetings"], e["programs"])
                  for e in report["by_month"]]
    categories = sorted(report["by_category"],
                        key=lambda e: (-(e["meetings"] + e["programs"]), e["category"]))
    return render_template(
        "reports/summary.html",
        report=report,
        by_center=by_center,
        notice=notice,
        year=year,
        years=years,
        center_id=center_id,
        centers=turkish_sorted(scope.centers, key=lambda c: c.name),
        center_name=next((c["name"] for c in report["by_center"]), None) if center_id else None,
        month_names=months,
        categories=[{**e, "label": label(CATEGORY_LABELS, e["category"])} for e in categories],
        month_chart=charts.vertical(rows_month),
        center_chart=charts.horizontal(
            [(e["name"], e["meetings"], e["programs"]) for e in by_center]),
        category_chart=charts.horizontal(
            [(label(CATEGORY_LABELS, e["category"]), e["meetings"], e["programs"])
             for e in categories]),
    )


def _csv_response(body: Any, filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _suffix(center_id: int | None) -> str:
    return f"-merkez-{center_id}" if center_id else ""


@bp.get("/summary.csv")
def summary_download() -> Response:
    """The summary as a spreadsheet-ready CSV (UTF-8 with BOM, semicolons)."""
    actor = _actor()
    year, center_id, _, _ = _choice(actor)
    report = _summary(actor, year, center_id)
    return _csv_response(summary_csv(report, _month_names()),
                         f"rapor-ozet-{year}{_suffix(center_id)}.csv")


@bp.get("/bookings.csv")
def bookings_download() -> Response:
    """Every booking of the year (any status) as CSV, streamed."""
    actor = _actor()
    year, center_id, _, _ = _choice(actor)
    try:  # refuse before the stream starts: a streamed body cannot turn into a 404
        reports.check_year(year)
        reports.report_scope(db.session(), actor, center_id)
    except (NotFound, NotAllowed):
        abort(404)
    except RuleViolation:
        abort(400)
    rows = bookings_csv(reports.year_bookings(db.session(), actor, year, center_id))
    return _csv_response(stream_with_context(rows),
                         f"rezervasyonlar-{year}{_suffix(center_id)}.csv")
