"""Public pages: the home page and the health check."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from booking.extensions import db
from booking.i18n.text import turkish_sorted
from booking.models import Center

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    """The centers and their rooms, so a first visit shows the real system."""
    centers = turkish_sorted(
        db.session.scalars(select(Center).where(Center.is_active.is_(True))), key=lambda c: c.name)
    return render_template("public/home.html", centers=centers)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify(status="error", database="unreachable", detail=type(exc).__name__), 503
    return jsonify(status="ok", database=db.engine.dialect.name), 200
