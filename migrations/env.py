"""Alembic environment: uses the Flask app's engine and the models' metadata."""
from __future__ import annotations

from alembic import context
from flask import current_app, has_app_context

from booking.models import Base


def _include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    # Dialect-specific pieces (the exclusion constraint) are managed by hand.
    return True


def run_migrations_online() -> None:
    if has_app_context():
        engine = current_app.extensions["sqlalchemy"].engine
        _run(engine)
        return
    from booking import create_app

    app = create_app()
    with app.app_context():
        _run(app.extensions["sqlalchemy"].engine)


def _run(engine) -> None:  # noqa: ANN001
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=_include_object,
            user_module_prefix="booking.models.base.",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `flask --app wsgi init-db`.")
run_migrations_online()
