"""HTML blueprints. Each module owns one area of the site."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from booking.web import feeds, public

    app.register_blueprint(public.bp)
    app.register_blueprint(feeds.bp)
