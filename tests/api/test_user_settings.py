"""The caller's own settings over the API: ``calendar_invitations`` in
GET /users/me, set with PATCH /users/me; bad input is a problem+json 422."""
from __future__ import annotations

from booking.models import User
from tests.support.api import assert_problem


def test_invitations_are_on_and_their_owner_turns_them_off_and_on(api, scene, session):
    assert api.get("/users/me", scene.member).get_json()["calendar_invitations"] is True
    off = api.patch("/users/me", scene.member, json={"calendar_invitations": False})
    assert off.status_code == 200, off.get_json()
    assert off.get_json()["calendar_invitations"] is False
    assert api.get("/users/me", scene.member).get_json()["calendar_invitations"] is False
    kept = api.patch("/users/me", scene.member, json={})
    assert kept.status_code == 200 and kept.get_json()["calendar_invitations"] is False
    assert session.get(User, scene.member.id).calendar_invitations is False
    session.rollback()
    on = api.patch("/users/me", scene.member, json={"calendar_invitations": True})
    assert on.get_json()["calendar_invitations"] is True
    # Nobody else's setting moved.
    assert api.get("/users/me", scene.other_member).get_json()["calendar_invitations"] is True


def test_bad_settings_are_field_errors_and_strangers_get_401(api, scene):
    for body, field in (({"calendar_invitations": "no"}, "calendar_invitations"),
                        ({"calendar_invitations": 0}, "calendar_invitations"),
                        ({"language": "en"}, "language")):
        problem = assert_problem(api.patch("/users/me", scene.member, json=body), 422)
        assert [e["field"] for e in problem["errors"]] == [field], problem
    assert_problem(api.patch("/users/me", json={"calendar_invitations": False}), 401)
