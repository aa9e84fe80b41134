"""The API's private calendar links: a person's own (make, see, revoke) and an
organisation's older shared link (see, revoke), with who may do what."""
from __future__ import annotations

from booking.models import Role
from tests.support.api import assert_problem
from tests.support.factories import make_organization_feed_link, make_user


def _path(url: str) -> str:
    return url.removeprefix("http://localhost")


def test_regenerating_my_link_stops_only_my_old_one_not_a_colleagues(api, client, scene, session):
    colleague = make_user(session, Role.MEMBER, scene.org)
    first = api.post("/users/me/feed-link", scene.member)
    assert first.status_code == 201
    mine = first.get_json()
    assert mine["kind"] == "personal" and mine["shows"] == "organization"
    theirs = api.post("/users/me/feed-link", colleague).get_json()
    before = client.get(_path(theirs["url"]))
    assert before.status_code == 200
    again = api.post("/users/me/feed-link", scene.member).get_json()
    assert again["token"] != mine["token"]
    assert client.get(_path(mine["url"])).status_code == 404
    assert client.get(_path(again["url"])).status_code == 200
    after = client.get(_path(theirs["url"]))
    assert after.status_code == 200 and after.data == before.data


def test_a_new_link_comes_as_https_webcal_and_download_of_one_feed(api, client, scene):
    body = api.post("/users/me/feed-link", scene.staff).get_json()
    assert body["shows"] == "centers"
    assert body["url"] == f"http://localhost/feeds/{body['token']}.ics"
    assert body["webcal_url"] == "webcal://localhost/feeds/" + body["token"] + ".ics"
    assert body["download_url"] == body["url"] + "?download=1"
    inline, download = client.get(_path(body["url"])), client.get(_path(body["download_url"]))
    assert download.headers["Content-Disposition"] == 'attachment; filename="calendar.ics"'
    assert inline.headers["Content-Disposition"] == 'inline; filename="calendar.ics"'
    assert inline.headers["ETag"] == download.headers["ETag"] and inline.data == download.data


def test_my_link_status_says_whether_it_works_and_never_gives_the_address(api, scene):
    none = api.get("/users/me/feed-link", scene.member)
    assert none.status_code == 200
    assert none.get_json() == {"kind": "personal", "active": False, "created_at": None,
                               "shows": "organization"}
    made = api.post("/users/me/feed-link", scene.member).get_json()
    status = api.get("/users/me/feed-link", scene.member).get_json()
    assert status["active"] is True and status["created_at"] == made["created_at"]
    assert made["token"] not in str(status)


def test_revoking_my_link_makes_it_404_and_revoking_none_is_a_404_problem(api, client, scene):
    made = api.post("/users/me/feed-link", scene.member).get_json()
    assert api.delete("/users/me/feed-link", scene.member).status_code == 204
    assert client.get(_path(made["url"])).status_code == 404
    assert_problem(api.delete("/users/me/feed-link", scene.member), 404)


def test_nobody_revokes_another_persons_link(api, client, scene):
    """The only personal link the API names is the caller's own: another
    member, staff or an admin revoking "theirs" leaves the member's working."""
    made = api.post("/users/me/feed-link", scene.member).get_json()
    for caller in (scene.other_member, scene.staff, scene.admin):
        assert_problem(api.delete("/users/me/feed-link", caller), 404)
    assert client.get(_path(made["url"])).status_code == 200


def test_an_organisation_link_is_seen_and_revoked_by_its_members_and_staff_only(
        api, client, scene, session):
    shared = make_organization_feed_link(session, scene.org)
    mine = api.post("/users/me/feed-link", scene.member).get_json()
    path = f"/organizations/{scene.org.id}/feed-link"
    status = api.get(path, scene.member)
    assert status.status_code == 200 and status.get_json()["active"] is True
    assert api.get(path, scene.staff).get_json()["active"] is True
    # Another organisation's member: as if it did not exist.
    assert_problem(api.get(path, scene.other_member), 404)
    assert_problem(api.delete(path, scene.other_member), 404)
    assert client.get(f"/feeds/{shared}.ics").status_code == 200
    assert api.delete(path, scene.member).status_code == 204
    assert client.get(f"/feeds/{shared}.ics").status_code == 404
    assert api.get(path, scene.member).get_json()["active"] is False
    assert_problem(api.delete(path, scene.member), 404)
    # The member's own link is not the organisation's.
    assert client.get(_path(mine["url"])).status_code == 200
    assert_problem(api.get("/organizations/999999/feed-link", scene.staff), 404)


def test_no_new_organisation_link_can_be_made(api, scene):
    assert_problem(api.post(f"/organizations/{scene.org.id}/feed-link", scene.member), 405)


def test_anonymous_callers_get_401_problems(api, scene):
    for method in ("GET", "POST", "DELETE"):
        assert_problem(api.call(method, "/users/me/feed-link"), 401)
    assert_problem(api.get(f"/organizations/{scene.org.id}/feed-link"), 401)
    assert_problem(api.delete(f"/organizations/{scene.org.id}/feed-link"), 401)


def test_the_document_describes_the_feed_link_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/users/me/feed-link"]) >= {"get", "post", "delete"}
    assert set(paths["/organizations/{organization_id}/feed-link"]) >= {"get", "delete"}
    created = paths["/users/me/feed-link"]["post"]["responses"]["201"]
    assert "FeedLinkCreated" in str(created)
