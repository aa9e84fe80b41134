"""Representatives and invitations that race (SPEC §9), on both engines: an
invitation accepted twice at once registers one person, and two
representatives stepping down at once leave the organisation one."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import OrganizationRole, User, utcnow
from booking.services import invitations, memberships
from booking.services.errors import NotFound, RuleViolation
from tests.support.factories import make_organization, make_user
from tests.support.races import race

WRITERS = 4
REP = OrganizationRole.REPRESENTATIVE


def _outcome(exc: Exception) -> str | None:
    if isinstance(exc, RuleViolation):
        return ",".join(e.field for e in exc.errors)
    if isinstance(exc, NotFound):
        return "not-found"
    return None


def test_an_invitation_accepted_several_times_at_once_registers_one_person(app) -> None:
    with app.app_context():
        org = make_organization(db.session)
        rep = make_user(db.session, organization=org, organization_role=REP)
        secret = invitations.invite(db.session, rep, "ayni@example.org",
                                    OrganizationRole.MEMBER, utcnow()).secret
        db.session.commit()

    def accept(i: int) -> None:
        invitations.accept(db.session, secret, name=f"Kişi {i}", password="uzun-bir-parola",
                           notice_version=None, language="tr", now=utcnow())

    results = race(app, accept, WRITERS, _outcome)
    assert sorted(results) == ["not-found"] * (WRITERS - 1) + ["ok"], results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.email == "ayni@example.org")) == 1


def test_representatives_stepping_down_at_once_leave_one_representative(app) -> None:
    with app.app_context():
        org = make_organization(db.session)
        reps = [make_user(db.session, organization=org, organization_role=REP).id
                for _ in range(WRITERS)]
        db.session.commit()
        org_id = org.id

    def step_down(i: int) -> None:
        actor = db.session.get(User, reps[i])
        memberships.set_role(db.session, actor, actor.id, OrganizationRole.MEMBER, utcnow())

    results = race(app, step_down, WRITERS, _outcome)
    assert sorted(results) == ["ok"] * (WRITERS - 1) + ["role"], results
    with app.app_context():
        assert len(memberships.representatives(db.session, org_id)) == 1


def test_representatives_leaving_at_once_leave_one_representative(app) -> None:
    with app.app_context():
        org = make_organization(db.session)
        reps = [make_user(db.session, organization=org, organization_role=REP).id
                for _ in range(WRITERS)]
        db.session.commit()
        org_id = org.id

    def leave(i: int) -> None:
        memberships.leave(db.session, db.session.get(User, reps[i]), utcnow())

    results = race(app, leave, WRITERS, _outcome)
    assert sorted(results) == ["ok"] * (WRITERS - 1) + ["user"], results
    with app.app_context():
        assert len(memberships.representatives(db.session, org_id)) == 1
