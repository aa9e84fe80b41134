"""Public pages: the home page, the search and the health check."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from booking.extensions import db
from booking.i18n.text import turkish_sorted
from booking.services.access import visible_centers
from booking.web.search import request_link, run_search, search_form

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    """The centers and their rooms, so a first visit shows the real system."""
    centers = turkish_sorted(
        db.session.scalars(visible_centers(None)), key=lambda c: c.name)  # the public list
    return render_template("public/home.html", centers=centers, form=search_form(read=False))


@bp.get("/ara")
def search() -> str:
    """The one search (SPEC §11): free rooms across every center, best fit first."""
    form = search_form()
    answer = run_search(form)
    return render_template("public/search.html", form=form, answer=answer,
                           request_link=request_link)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify(status="error", database="unreachable", detail=type(exc).__name__), 503
    return jsonify(status="ok", database=db.engine.dialect.name), 200
