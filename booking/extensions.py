"""Extension singletons, bound to an app in ``create_app``."""
from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.orm import Session

from booking.models.base import Base

# expire_on_commit=False: reading an attribute after commit must not open a new
# transaction (on SQLite every transaction holds the write lock, see database.py).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


@event.listens_for(db.session.session_factory, "loaded_as_persistent")
def _hold_for_the_request(session: Session, instance: Any) -> None:
    """Keep every object loaded during a web request until the request's
    session is removed. The identity map only refers to objects weakly, so a
    room that a handler loaded, used and dropped would be fetched again by the
    service it then calls (the strong-reference recipe of SQLAlchemy's session
    docs). Limited to requests: a CLI job or the scheduler walking thousands
    of rows in one session must not keep them all."""
    if has_request_context():
        session.info.setdefault("held", []).append(instance)


def release_held(_exc: BaseException | None = None) -> None:
    """At the end of each request (registered in ``create_app``): the session
    may outlive the request when an application context was already pushed."""
    if db.session.registry.has():
        db.session.info.pop("held", None)


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
