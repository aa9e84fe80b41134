"""Requests that race for the same thing outside the booking engine.

Two requests claiming the same unique name at once (a double-clicked
"register" button, two admins typing the same center): the services check
names before writing, but on PostgreSQL both checks can pass before either
commits. The database's unique constraint then refuses the second write, and
the second requester gets the same field error the check gives, never a 500.
A password reset link is spent once, even when submitted twice at once, and
two "new calendar link" clicks at once leave one working link."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from booking.extensions import db
from booking.models import Center, FeedToken, Organization, User, utcnow
from booking.services import accounts, feed_tokens, passwords, places
from booking.services.errors import NotFound, RuleViolation
from booking.services.hashing import hash_secret
from tests.support.races import race
from tests.support.scene import build_scene

WRITERS = 6


def _outcome(exc: Exception) -> str | None:
    if isinstance(exc, RuleViolation):
        return ",".join(sorted(e.field for e in exc.errors))
    return "NotFound" if isinstance(exc, NotFound) else None


def _race(app, work: Callable[[int], object]) -> list[str]:
    """Outcomes of WRITERS concurrent ``work``: "ok", the fields of a
    RuleViolation, or "NotFound" (anything else fails the test's assertion)."""
    return race(app, work, WRITERS, _outcome)


def _register(i: int, org_name: str, user_email: str) -> None:
    accounts.register_organization(
        db.session, org_name=org_name, kind="association", org_email=f"dernek{i}@example.org",
        user_name=f"Kurucu {i}", user_email=user_email, password="uzun-bir-parola-123")


def test_registering_one_organisation_name_twice_at_once_gives_a_field_error(app):
    results = _race(app, lambda i: _register(i, "Çifte Tık Derneği", f"kurucu{i}@example.org"))
    assert sorted(results) == ["ok"] + ["organization.name"] * (WRITERS - 1), results
    with app.app_context():
        assert db.session.query(Organization).filter_by(name="Çifte Tık Derneği").count() == 1


def test_registering_one_e_mail_twice_at_once_gives_a_field_error(app):
    results = _race(app, lambda i: _register(i, f"Dernek {i}", "ayni@example.org"))
    assert sorted(results) == ["ok"] + ["user.email"] * (WRITERS - 1), results
    with app.app_context():
        assert db.session.query(User).filter_by(email="ayni@example.org").count() == 1


def test_two_admins_adding_the_same_center_or_room_get_a_field_error(app):
    with app.app_context():
        scene = build_scene(db.session)
        admin_id, center_id = scene.admin.id, scene.center.id
        db.session.commit()

    def center(i: int) -> None:
        places.create_center(db.session, db.session.get(User, admin_id), name="Yeni Merkez")

    def room(i: int) -> None:
        places.create_room(db.session, db.session.get(User, admin_id), center_id=center_id,
                           name="Yeni Salon", capacity=20)

    assert sorted(_race(app, center)) == ["name"] * (WRITERS - 1) + ["ok"]
    assert sorted(_race(app, room)) == ["name"] * (WRITERS - 1) + ["ok"]
    with app.app_context():
        assert db.session.query(Center).filter_by(name="Yeni Merkez").count() == 1


def test_creating_one_user_e_mail_twice_at_once_gives_a_field_error(app):
    with app.app_context():
        scene = build_scene(db.session)
        admin_id, org_id = scene.admin.id, scene.org.id
        db.session.commit()

    def create(i: int) -> None:
        accounts.create_user(db.session, db.session.get(User, admin_id), email="yeni@example.org",
                             name=f"Yeni {i}", password="uzun-bir-parola-123",
                             organization_id=org_id)

    assert sorted(_race(app, create)) == ["email"] * (WRITERS - 1) + ["ok"]


def test_a_password_reset_link_submitted_twice_at_once_is_spent_once(app):
    with app.app_context():
        scene = build_scene(db.session)
        issued = passwords.request_reset(db.session, scene.member.email, utcnow())
        db.session.commit()
        member_id = scene.member.id

    def reset(i: int) -> None:
        passwords.reset_password(db.session, issued.secret, f"yeni-parola-{i}-uzun", utcnow())

    results = _race(app, reset)
    assert sorted(results) == ["NotFound"] * (WRITERS - 1) + ["ok"], results
    with app.app_context():
        email = db.session.get(User, member_id).email
        signs_in = [i for i in range(WRITERS)
                    if accounts.authenticate(db.session, email, f"yeni-parola-{i}-uzun")]
        assert len(signs_in) == 1


def test_two_new_calendar_links_at_once_leave_one_working_link(app):
    with app.app_context():
        scene = build_scene(db.session)
        member_id = scene.member.id
        db.session.commit()
    secrets: list[str] = []

    def issue(i: int) -> None:
        issued = feed_tokens.issue_personal(db.session, db.session.get(User, member_id), utcnow())
        secrets.append(issued.token)

    assert _race(app, issue) == ["ok"] * WRITERS
    with app.app_context():
        live = db.session.scalars(select(FeedToken).where(
            FeedToken.user_id == member_id, FeedToken.revoked_at.is_(None))).all()
        assert len(live) == 1
        assert live[0].token_hash in {hash_secret(secret) for secret in secrets}
