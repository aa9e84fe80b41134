"""Room booking for civil-society centers: the Flask application factory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application. Starts no scheduler (see booking/scheduler.py)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    from booking.config import load_config

    load_config(app, test_config)
    from booking.web.requests import BoundedRequest

    app.request_class = BoundedRequest

    from booking.web.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added

    from booking import api, cli, i18n, limits
    from booking.database import configure_engine
    from booking.extensions import csrf, db, limiter, release_held
    from booking.web import login

    db.init_app(app)
    app.teardown_request(release_held)
    with app.app_context():
        configure_engine(db.engine)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    limits.warn_if_per_process(app)
    i18n.init_app(app)
    login.init_app(app)
    from booking import headers  # security and caching headers on every answer
    headers.init_app(app)

    from booking.web import register_blueprints

    register_blueprints(app)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    from booking import metrics

    metrics.init_app(app)  # /metrics, off until METRICS_TOKEN is set
    proxies = int(app.config["PROXY_COUNT"])
    if proxies > 0:
        # Behind nginx: rate limits count the visitor's address, links use https.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies)
    if app.config["SCHEDULER_EMBEDDED"]:
        from booking.scheduler import start_embedded  # only under `flask run`, never gunicorn

        start_embedded(app)
    return app
