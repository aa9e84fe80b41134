"""The service starts, answers health checks and keeps its schema in step with the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from booking.database import OVERLAP_CONSTRAINT, SQLITE_OVERLAP_TRIGGERS, has_overlap_guard
from booking.extensions import db
from booking.migrate import alembic_config, current_revision
from booking.models import Base, Role, User
from tests.support.factories import make_center, make_room


def test_healthz_reports_the_database_engine(client, db_engine_name):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": db_engine_name}


def test_home_page_lists_centers_and_rooms_in_turkish_by_default(app, client, session):
    center = make_center(session, name="Kadıköy Sivil Toplum Merkezi")
    make_room(session, center, name="Büyük Salon", capacity=120)
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Kadıköy Sivil Toplum Merkezi" in page
    assert "Büyük Salon" in page
    assert 'lang="tr"' in page


def test_migrated_schema_equals_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "user_module_prefix": "booking.models.base."}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_the_migrated_database_holds_the_no_overlap_guard_database_py_names(app):
    """database.py names the guard migration 0001 creates; dropping it is seen."""
    with app.app_context(), db.engine.begin() as connection:
        assert has_overlap_guard(connection)
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"ALTER TABLE bookings DROP CONSTRAINT {OVERLAP_CONSTRAINT}"))
        else:
            connection.execute(text(f"DROP TRIGGER {SQLITE_OVERLAP_TRIGGERS[1]}"))
        assert not has_overlap_guard(connection)
        connection.rollback()
    with app.app_context(), db.engine.connect() as connection:
        assert has_overlap_guard(connection)  # the drop was rolled back


def test_init_db_is_idempotent_and_upgrades_an_older_database(app, runner):
    from alembic import command
    from alembic.script import ScriptDirectory

    with app.app_context():
        command.downgrade(alembic_config(), "base")
        assert current_revision() is None
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["init-db"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert current_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_create_user_command_adds_a_staff_member_for_a_center(app, runner, session):
    center = make_center(session)
    session.commit()
    center_id = center.id
    session.close()
    result = runner.invoke(
        args=[
            "create-user", "--email", "Personel@Example.org", "--password", "uzun-parola-1",
            "--role", "staff", "--center", str(center_id),
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "personel@example.org"))
        assert user is not None and user.role == Role.STAFF
        assert user.center_ids == {center_id}


def test_create_user_command_member_gets_a_verified_organization(app, runner):
    result = runner.invoke(
        args=[
            "create-user", "--email", "uye@example.org", "--password", "uzun-parola-1",
            "--organization", "Çevre Gönüllüleri Derneği",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "uye@example.org"))
        assert user.organization.name == "Çevre Gönüllüleri Derneği"
        assert user.organization.is_verified


def test_create_user_command_refuses_a_short_password_with_a_clear_message(runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--password", "kısa", "--role", "admin"]
    )
    assert result.exit_code == 2
    assert "password" in result.output
