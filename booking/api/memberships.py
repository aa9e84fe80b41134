"""Representatives and members (SPEC §9; docs/representatives.md): the
caller's organisation's people and invitations, and accepting an invitation.
Each handler calls one function of services/memberships.py or invitations.py."""
from __future__ import annotations

from flask import Response, current_app

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import auth_rate_limit, require_user
from booking.api.registry import operation, reply, write
from booking.extensions import db
from booking.models import Invitation, User, utcnow
from booking.services import invitations, memberships
from booking.web.memberships import send_invitation

REPRESENTATIVES = "a representative of the organisation"


def member(u: User) -> s.MemberOut:
    return s.MemberOut(id=u.id, name=u.name, email=u.email,
                       organization_role=u.organization_role,
                       created_at=serialize._in(u.created_at, serialize.default_tz()))


def invitation(i: Invitation) -> s.InvitationOut:
    tz = serialize.default_tz()
    return s.InvitationOut(id=i.id, email=i.email, organization_role=i.role,
                           created_at=serialize._in(i.created_at, tz),
                           expires_at=serialize._in(i.expires_at, tz),
                           invited_by_id=i.invited_by_id)


@operation("GET", "/organizations/me/members", summary="List my organisation's people",
           tag="Organisations", access=REPRESENTATIVES, response=s.MemberList,
           errors=(401, 403))
def list_members() -> Response:
    """The organisation's active people with their roles, representatives
    first. 403 for members who are no representative, staff and admins."""
    user = require_user()
    people = memberships.members(db.session(), user)
    body = s.MemberList(organization_id=user.organization_id or 0,
                        items=[member(u) for u in people])
    db.session.rollback()
    return reply(body)


@operation("PATCH", "/organizations/me/members/{user_id}", summary="Change a person's role",
           tag="Organisations", access=REPRESENTATIVES, response=s.MemberOut,
           body=s.MemberChange, errors=(401, 403, 404, 422))
def change_member(user_id: int, body: s.MemberChange) -> Response:
    """Make a member a representative or a representative (the caller too) a
    member. 422 `errors:[{field:"role"}]` for the organisation's last
    representative: an organisation always keeps one. 404 for anyone who is
    not an active person of the caller's organisation."""
    user = require_user()
    changed = write(lambda: memberships.set_role(db.session(), user, user_id,
                                                 body.organization_role, utcnow()))
    return reply(member(changed))


@operation("DELETE", "/organizations/me/members/{user_id}", summary="Remove a person",
           tag="Organisations", access=REPRESENTATIVES + "; anyone themselves (leaving)",
           status=204, errors=(401, 403, 404, 422))
def remove_member(user_id: int) -> Response:
    """Remove a person from the organisation: their account is closed (it
    signs in no more; sessions, API tokens and calendar links end) and their
    bookings stay with the organisation. Removing oneself is leaving, which
    members may do too. 422 `errors:[{field:"user"}]` for the last representative."""
    user = require_user()
    if user_id == user.id:
        write(lambda: memberships.leave(db.session(), user, utcnow()))
    else:
        write(lambda: memberships.remove_member(db.session(), user, user_id, utcnow()))
    return reply(None, 204)


@operation("PATCH", "/organizations/me", summary="Change my organisation's contacts",
           tag="Organisations", access=REPRESENTATIVES, response=s.OrganizationOut,
           body=s.OrganizationContacts, errors=(401, 403, 422))
def change_contacts(body: s.OrganizationContacts) -> Response:
    """The organisation's contact address and phone (a phone left out is removed)."""
    user = require_user()
    organization = write(lambda: memberships.update_contacts(
        db.session(), user, email=body.email, phone=body.phone, now=utcnow()))
    return reply(serialize.organization(organization))


@operation("GET", "/organizations/me/invitations", summary="List open invitations",
           tag="Organisations", access=REPRESENTATIVES, response=s.InvitationList,
           errors=(401, 403))
def list_invitations() -> Response:
    """Invitations not yet used, revoked or expired, oldest first."""
    user = require_user()
    rows = invitations.pending(db.session(), user, utcnow())
    body = s.InvitationList(items=[invitation(i) for i in rows])
    db.session.rollback()
    return reply(body)


@operation("POST", "/organizations/me/invitations", summary="Invite a person",
           tag="Organisations", access=REPRESENTATIVES, status=201, response=s.InvitationOut,
           body=s.InvitationCreate, errors=(401, 403, 422))
def create_invitation(body: s.InvitationCreate) -> Response:
    """E-mail the address a single-use link that expires after
    INVITATION_VALID_DAYS; an open invitation of the same address is replaced.
    The link's secret is never returned: only the invited address receives it.
    422 when the address is already one of the organisation's people."""
    user = require_user()
    days = int(current_app.config["INVITATION_VALID_DAYS"])
    issued = write(lambda: invitations.invite(db.session(), user, body.email,
                                              body.organization_role, utcnow(), days))
    send_invitation(issued, user)
    return reply(invitation(issued.invitation), 201)


@operation("DELETE", "/organizations/me/invitations/{invitation_id}",
           summary="Revoke an invitation", tag="Organisations", access=REPRESENTATIVES,
           status=204, errors=(401, 403, 404, 422))
def revoke_invitation(invitation_id: int) -> Response:
    """The link stops working. 422 when it was already used, revoked or expired;
    404 for another organisation's invitation."""
    user = require_user()
    write(lambda: invitations.revoke(db.session(), user, invitation_id, utcnow()))
    return reply(None, 204)


@operation("POST", "/invitations/accept", summary="Accept an invitation", tag="Organisations",
           access="anyone with the link", status=201, response=s.UserOut,
           body=s.InvitationAccept, errors=(404, 422, 429), rate_limit=auth_rate_limit)
def accept_invitation(body: s.InvitationAccept) -> Response:
    """Register the invited person into the organisation with the offered
    role; the address counts as confirmed (the link reached it), so tokens
    can be made at once. 404 when the link is unknown, used, revoked or
    expired (of two acceptances at once one registers, the other gets 404);
    422 when the address already has an account (`errors:[{field:"invitation"}]`),
    or on the name, password or `notice_version`."""
    created = write(lambda: invitations.accept(
        db.session(), body.token, name=body.name, password=body.password,
        notice_version=body.notice_version, language=body.language, now=utcnow()))
    return reply(serialize.user(created), 201)
