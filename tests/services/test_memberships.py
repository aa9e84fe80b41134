"""Representatives and members (SPEC §9) in the services, on both engines:
who may change what, the last representative rule, invitations (single use,
expiry, revoking), and the KVKK successor rule of deletion and retention."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.models import (
    ApiToken,
    BookingStatus,
    Invitation,
    OrganizationRole,
    Role,
    User,
)
from booking.services import (
    accounts,
    bookings,
    deletion,
    invitations,
    memberships,
    privacy_notice,
    retention,
    tokens,
)
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.services.hashing import hash_secret
from tests.support.factories import make_booking, make_center, make_organization, make_room, make_user

NOW = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
REP, MEMBER = OrganizationRole.REPRESENTATIVE, OrganizationRole.MEMBER


def _org(session):
    org = make_organization(session, name="Kent Gönüllüleri")
    rep = make_user(session, organization=org, name="Temsilci Tülin", organization_role=REP)
    member = make_user(session, organization=org, name="Üye Umut", organization_role=MEMBER)
    return org, rep, member


def _field(exc: pytest.ExceptionInfo[RuleViolation]) -> str:
    return exc.value.errors[0].field


def test_registering_makes_the_first_person_the_organisations_representative(session) -> None:
    registration = accounts.register_organization(
        session, org_name="Yeni Dernek", kind="association", org_email="yeni@example.org",
        user_name="Kurucu Kişi", user_email="kurucu@example.org", password="uzun-bir-parola",
        now=NOW)
    assert registration.user.organization_role == REP
    assert memberships.representatives(session, registration.organization.id) == [registration.user]


def test_representatives_lists_only_active_not_anonymised_representatives(session) -> None:
    org, rep, _member = _org(session)
    other_rep = make_user(session, organization=org, organization_role=REP)
    make_user(session, organization=org, organization_role=REP, is_active=False)
    make_user(session, organization=make_organization(session), organization_role=REP)
    assert memberships.representatives(session, org.id) == [rep, other_rep]


def test_a_representative_promotes_and_demotes_and_the_last_cannot_step_down(session) -> None:
    _o, rep, member = _org(session)
    memberships.set_role(session, rep, member.id, REP, NOW)
    assert member.organization_role == REP
    memberships.set_role(session, rep, member.id, MEMBER, NOW)
    with pytest.raises(RuleViolation) as exc:
        memberships.set_role(session, rep, rep.id, MEMBER, NOW)
    assert _field(exc) == "role" and "en az bir temsilcisi" in str(exc.value.errors[0].message)
    assert rep.organization_role == REP


def test_the_last_representative_cannot_leave_or_be_removed_and_nothing_changes(session) -> None:
    _o, rep, _member = _org(session)
    with pytest.raises(RuleViolation):
        memberships.leave(session, rep, NOW)
    with pytest.raises(RuleViolation):
        memberships.remove_member(session, rep, rep.id, NOW)
    assert rep.is_active and rep.organization_role == REP


def test_removing_a_member_closes_their_account_and_ends_their_tokens(session) -> None:
    _o, rep, member = _org(session)
    tokens.create_token(session, member, "telefon", NOW)
    memberships.remove_member(session, rep, member.id, NOW)
    assert not member.is_active
    assert session.scalar(select(ApiToken).where(ApiToken.user_id == member.id)).revoked_at == NOW
    assert memberships.members(session, rep) == [rep]


def test_a_member_leaves_and_a_representative_leaves_once_another_remains(session) -> None:
    org, rep, member = _org(session)
    memberships.leave(session, member, NOW)
    assert not member.is_active
    second = make_user(session, organization=org, organization_role=REP)
    memberships.leave(session, rep, NOW)
    assert not rep.is_active and memberships.representatives(session, org.id) == [second]


def test_members_cannot_manage_people_and_other_organisations_people_are_not_found(session):
    _o, rep, member = _org(session)
    with pytest.raises(NotAllowed):
        memberships.set_role(session, member, rep.id, MEMBER, NOW)
    with pytest.raises(NotAllowed):
        memberships.remove_member(session, member, rep.id, NOW)
    with pytest.raises(NotAllowed):
        invitations.invite(session, member, "yeni@example.org", MEMBER, NOW)
    stranger = make_user(session, organization_role=MEMBER)
    with pytest.raises(NotFound):
        memberships.remove_member(session, rep, stranger.id, NOW)
    staff = make_user(session, Role.STAFF, centers=[make_center(session)])
    with pytest.raises(NotAllowed):
        memberships.members(session, staff)


def test_members_cancel_their_own_bookings_and_representatives_any_of_the_organisation(session):
    org, rep, member = _org(session)
    room = make_room(session, make_center(session))
    colleague = make_user(session, organization=org, organization_role=MEMBER)
    own = make_booking(session, room, NOW + timedelta(days=3), organization=org, created_by=member)
    theirs = make_booking(session, room, NOW + timedelta(days=4), organization=org,
                          created_by=colleague)
    elsewhere = make_booking(session, room, NOW + timedelta(days=5),
                             organization=make_organization(session))
    bookings.cancel_booking(session, member, own.id, None, NOW)
    assert own.status == BookingStatus.CANCELLED
    with pytest.raises(NotAllowed):
        bookings.cancel_booking(session, member, theirs.id, None, NOW)
    with pytest.raises(NotFound):
        bookings.cancel_booking(session, member, elsewhere.id, None, NOW)
    bookings.cancel_booking(session, rep, theirs.id, None, NOW)
    assert theirs.status == BookingStatus.CANCELLED
    with pytest.raises(NotFound):
        bookings.cancel_booking(session, rep, elsewhere.id, None, NOW)


# --- invitations ---------------------------------------------------------------


def test_an_invitation_stores_only_a_hash_and_registers_the_person_once(session) -> None:
    org, rep, _member = _org(session)
    issued = invitations.invite(session, rep, " Yeni.Kisi@Example.org ", MEMBER, NOW, 7)
    row = issued.invitation
    assert row.email == "yeni.kisi@example.org" and row.expires_at == NOW + timedelta(days=7)
    assert row.token_hash == hash_secret(issued.secret) and issued.secret not in row.token_hash
    user = invitations.accept(session, issued.secret, name="Yeni Kişi", password="uzun-parola-1",
                              notice_version=None, language="en", now=NOW + timedelta(hours=1))
    assert (user.organization_id, user.organization_role, user.language) == (org.id, MEMBER, "en")
    assert user.email_confirmed_at == NOW + timedelta(hours=1)
    assert row.used_at == NOW + timedelta(hours=1) and row.used_by_id == user.id
    with pytest.raises(NotFound):
        invitations.accept(session, issued.secret, name="İkinci", password="uzun-parola-2",
                           notice_version=None, language="tr", now=NOW + timedelta(hours=2))


def test_an_expired_or_revoked_invitation_is_refused_and_creates_no_one(session) -> None:
    _o, rep, _member = _org(session)
    expired = invitations.invite(session, rep, "gec@example.org", MEMBER, NOW, 7)
    with pytest.raises(NotFound):
        invitations.accept(session, expired.secret, name="Geç", password="uzun-parola-1",
                           notice_version=None, language="tr", now=NOW + timedelta(days=7))
    revoked = invitations.invite(session, rep, "iptal@example.org", REP, NOW, 7)
    invitations.revoke(session, rep, revoked.invitation.id, NOW)
    with pytest.raises(NotFound):
        invitations.check(session, revoked.secret, NOW)
    with pytest.raises(RuleViolation):
        invitations.revoke(session, rep, revoked.invitation.id, NOW)
    assert accounts.find_user_by_email(session, "gec@example.org") is None
    assert accounts.find_user_by_email(session, "iptal@example.org") is None


def test_a_bad_password_or_a_missing_notice_leaves_the_invitation_unused(session) -> None:
    _o, rep, _member = _org(session)
    admin = make_user(session, Role.ADMIN)
    privacy_notice.publish(session, admin, "Metin", "Text", None, None, NOW)
    issued = invitations.invite(session, rep, "dikkat@example.org", MEMBER, NOW, 7)
    session.commit()
    with pytest.raises(RuleViolation) as exc:
        invitations.accept(session, issued.secret, name="", password="kısa",
                           notice_version=None, language="tr", now=NOW)
    session.rollback()
    assert {e.field for e in exc.value.errors} == {"user.name", "user.password", "notice_version"}
    assert session.get(Invitation, issued.invitation.id).used_at is None


def test_inviting_again_replaces_the_open_invitation_and_members_are_refused(session) -> None:
    _o, rep, member = _org(session)
    first = invitations.invite(session, rep, "iki@example.org", MEMBER, NOW, 7)
    second = invitations.invite(session, rep, "iki@example.org", REP, NOW, 7)
    assert first.invitation.revoked_at == NOW
    assert invitations.pending(session, rep, NOW) == [second.invitation]
    with pytest.raises(RuleViolation) as exc:
        invitations.invite(session, rep, member.email, MEMBER, NOW, 7)
    assert _field(exc) == "email"
    with pytest.raises(RuleViolation):
        invitations.invite(session, rep, "not an address", MEMBER, NOW, 7)


def test_an_address_with_an_account_is_told_to_sign_in_and_the_link_stays_unused(session):
    _o, rep, _member = _org(session)
    outsider = make_user(session, organization_role=REP)
    issued = invitations.invite(session, rep, outsider.email, MEMBER, NOW, 7)
    with pytest.raises(RuleViolation):
        invitations.accept(session, issued.secret, name="X", password="uzun-parola-1",
                           notice_version=None, language="tr", now=NOW)
    with pytest.raises(RuleViolation) as exc:
        invitations.refuse_signed_in(session, issued.secret, outsider, NOW)
    assert "başka bir kuruluşa" in str(exc.value.errors[0].message)
    assert issued.invitation.used_at is None


def test_another_organisations_invitation_is_not_found_to_revoke(session) -> None:
    _o, rep, _member = _org(session)
    issued = invitations.invite(session, rep, "baska@example.org", MEMBER, NOW, 7)
    other_rep = make_user(session, organization_role=REP)
    with pytest.raises(NotFound):
        invitations.revoke(session, other_rep, issued.invitation.id, NOW)


# --- KVKK: the last representative -------------------------------------------------


def _deletion_scene(session):
    org, rep, member = _org(session)
    center = make_center(session)
    staff = make_user(session, Role.STAFF, centers=[center])
    ahead = make_booking(session, make_room(session, center), NOW + timedelta(days=9),
                         status=BookingStatus.APPROVED, organization=org, created_by=rep)
    row = deletion.request_deletion(session, rep, None, NOW)
    return org, rep, member, staff, ahead, row


def test_the_last_representative_is_deleted_only_with_a_successor_or_a_closing(session):
    org, rep, member, staff, ahead, row = _deletion_scene(session)
    with pytest.raises(RuleViolation) as exc:
        deletion.carry_out(session, staff, row.id, NOW)
    assert _field(exc) == "successor_id" and rep.anonymised_at is None
    stranger = make_user(session, organization_role=MEMBER)
    with pytest.raises(RuleViolation):
        deletion.carry_out(session, staff, row.id, NOW, successor_id=stranger.id)
    deletion.carry_out(session, staff, row.id, NOW, successor_id=member.id)
    assert rep.anonymised_at == NOW and member.organization_role == REP
    assert memberships.representatives(session, org.id) == [member]
    assert ahead.status == BookingStatus.APPROVED and org.closed_at is None


def test_closing_the_organisation_cancels_its_bookings_ahead_and_stops_requests(session):
    org, _rep, member, staff, ahead, row = _deletion_scene(session)
    deletion.carry_out(session, staff, row.id, NOW, close=True)
    assert org.closed_at == NOW and ahead.status == BookingStatus.CANCELLED
    member.organization_role = REP
    with pytest.raises(RuleViolation) as exc:
        invitations.invite(session, member, "x@example.org", MEMBER, NOW)
    assert "kapatıldı" in str(exc.value)
    room = ahead.room
    with pytest.raises(RuleViolation) as exc:
        bookings.create_booking(session, member, bookings.BookingRequest(
            room_id=room.id, title="Toplantı", start=NOW + timedelta(days=20, hours=2),
            end=NOW + timedelta(days=20, hours=3), expected_attendees=5), NOW)
    assert "kapatıldı" in str(exc.value)


def test_the_retention_run_names_the_earliest_active_member_or_closes_an_empty_organisation(
        session) -> None:
    org, rep, member = _org(session)
    for person in (rep,):
        person.created_at = person.last_login_at = NOW - timedelta(days=900)
        person.retention_notice_at = NOW - timedelta(days=20)
    lonely_org = make_organization(session)
    lonely = make_user(session, organization=lonely_org, organization_role=REP,
                       created_at=NOW - timedelta(days=900),
                       retention_notice_at=NOW - timedelta(days=20))
    session.flush()
    report = retention.run(session, NOW, 730, 730)
    assert report.anonymised == 2
    assert rep.anonymised_at == NOW and member.organization_role == REP
    assert lonely.anonymised_at == NOW and lonely_org.closed_at == NOW and org.closed_at is None
    assert session.scalar(select(User).where(User.id == member.id)).is_active


def test_an_admin_cannot_take_the_last_representative_away_from_the_organisation(session):
    from booking.services import users

    org, rep, member = _org(session)
    admin = make_user(session, Role.ADMIN)
    for change in ({"is_active": False, "organization_id": org.id},
                   {"is_active": True, "organization_id": make_organization(session).id}):
        with pytest.raises(RuleViolation) as exc:
            users.update_user(session, admin, rep.id, role="member", center_ids=[], now=NOW,
                              **change)
        assert _field(exc) == "organization_id"
    users.update_user(session, admin, member.id, role="member", organization_id=org.id,
                      center_ids=[], is_active=False, now=NOW)
    assert not member.is_active and rep.is_active and rep.organization_id == org.id
