"""The staff's verification inbox (/staff/organizations): the filter and its
default, the count in the menu (one COUNT, staff and admins only), paging that
keeps the filter and the search, and verifying back to the same list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.extensions import db
from booking.models import Organization, Role, utcnow
from booking.web.staff import ORGANIZATIONS_PER_PAGE
from tests.performance.test_statement_budget import statements
from tests.support.factories import make_organization, make_user
from tests.support.scene import Scene
from tests.support.web import database, login, page_time, scene_for

MENU_COUNT = re.compile(r'<span class="nav-count" aria-hidden="true"> \((\d+)\)</span>')


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)  # its two organisations are verified


def _waiting(app: Flask, count: int, name: str = "Bekleyen Dernek", start: int = 0) -> list[int]:
    """``count`` unverified organisations, each with its first member and a
    later one; registered a day apart, the first one oldest."""
    ids = []
    with database(app) as session:
        for n in range(start, start + count):
            org = make_organization(session, name=f"{name} {n:03d}", is_verified=False,
                                    registry_number=f"35-{n:04d}", email=f"org{n}@example.org",
                                    created_at=utcnow() - timedelta(days=400 - n))
            make_user(session, Role.MEMBER, org, name=f"Kurucu {n:03d}", email=f"kurucu{n}@example.org")
            make_user(session, Role.MEMBER, org, name=f"Sonraki {n:03d}",
                      email=f"sonraki{n}@example.org")
            ids.append(org.id)
        session.commit()
    return ids


def _menu_count(html: str) -> int | None:
    found = MENU_COUNT.search(html)
    return int(found.group(1)) if found else None


def test_the_inbox_opens_on_those_awaiting_with_what_staff_decide_on(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    [first, second, _] = _waiting(app, 3)
    login(client, scene.staff)
    html = client.get("/staff/queue").get_data(as_text=True)
    assert _menu_count(html) == 3
    assert "Kuruluşlar<span" in html and "3 kuruluş doğrulama bekliyor" in html
    html = client.get("/staff/organizations").get_data(as_text=True)
    assert 'href="/staff/organizations?status=awaiting" aria-current="page"' in html
    assert "Doğrulama bekleyenler (3)" in html and "Doğrulananlar (2)" in html and "Tümü (5)" in html
    assert "3 kuruluş" in html and scene.org.name not in html
    # Oldest registration first, with the first member (not a later one).
    assert html.index("Bekleyen Dernek 000") < html.index("Bekleyen Dernek 001") < html.index(
        "Bekleyen Dernek 002")
    row = html[html.index(f'id="organization-{first}"'):html.index(f'id="organization-{second}"')]
    with database(app) as session:
        registered = session.get(Organization, first).created_at
    for shown in ("DERBİS kütük numarası: 35-0000", "org0@example.org", "Dernek", "Kurucu 000",
                  "kurucu0@example.org", page_time(app, registered), "Doğrula"):
        assert shown in row, shown
    assert "Sonraki 000" not in row
    verified = client.get("/staff/organizations?status=verified").get_data(as_text=True)
    assert scene.org.name in verified and "Bekleyen Dernek" not in verified
    assert 'href="/staff/organizations?status=verified" aria-current="page"' in verified
    everything = client.get("/staff/organizations?status=all").get_data(as_text=True)
    assert "5 kuruluş" in everything
    # Unverified first, then by Turkish name order.
    assert everything.index("Bekleyen Dernek 002") < everything.index(scene.org.name) \
        < everything.index(scene.other_org.name)


def test_with_none_awaiting_there_is_no_badge_and_the_list_shows_all(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    html = client.get("/staff/organizations").get_data(as_text=True)
    assert _menu_count(html) is None and "doğrulama bekliyor</span>" not in html
    assert 'href="/staff/organizations?status=all" aria-current="page"' in html
    assert "Doğrulama bekleyenler (0)" in html and scene.org.name in html
    empty = client.get("/staff/organizations?status=awaiting").get_data(as_text=True)
    assert "Doğrulama bekleyen kuruluş yok." in empty
    # Admins see the count too.
    _waiting(app, 1)
    assert _menu_count(client.get("/profile").get_data(as_text=True)) == 1


def test_paging_keeps_the_filter_and_the_search(app: Flask, client: FlaskClient,
                                                scene: Scene) -> None:
    _waiting(app, ORGANIZATIONS_PER_PAGE + 5, name="Işık Gençlik")
    _waiting(app, 3, name="Deniz Kooperatifi", start=100)
    login(client, scene.staff)
    first = client.get("/staff/organizations").get_data(as_text=True)
    assert f"{ORGANIZATIONS_PER_PAGE + 8} kuruluş" in first and "Sayfa 1 / 2" in first
    assert 'rel="next" href="/staff/organizations?page=2&amp;status=awaiting"' in first
    assert first.count('id="organization-') == ORGANIZATIONS_PER_PAGE
    searched = client.get("/staff/organizations?status=awaiting&q=IŞIK").get_data(as_text=True)
    assert f"{ORGANIZATIONS_PER_PAGE + 5} kuruluş" in searched and "Deniz" not in searched
    assert ('rel="next" href="/staff/organizations?page=2&amp;status=awaiting&amp;q=I%C5%9EIK"'
            in searched)
    # The search form and the filter links keep each other.
    assert '<input type="hidden" name="status" value="awaiting">' in searched
    assert 'href="/staff/organizations?status=all&amp;q=I%C5%9EIK"' in searched
    second = client.get("/staff/organizations?status=awaiting&q=IŞIK&page=2").get_data(as_text=True)
    assert second.count('id="organization-') == 5 and "Sayfa 2 / 2" in second
    assert 'rel="prev" href="/staff/organizations?page=1&amp;status=awaiting&amp;q=I%C5%9EIK"' in second
    # Members are searched too: the first member's name finds the organisation.
    by_member = client.get("/staff/organizations?q=kurucu 101").get_data(as_text=True)
    assert "1 kuruluş" in by_member and "Deniz Kooperatifi 101" in by_member


def test_verifying_returns_to_the_same_list_with_the_message(app: Flask, client: FlaskClient,
                                                             scene: Scene) -> None:
    ids = _waiting(app, ORGANIZATIONS_PER_PAGE + 2, name="Işık Gençlik")
    login(client, scene.staff)
    page = client.get("/staff/organizations?status=awaiting&q=ışık&page=2").get_data(as_text=True)
    action = f"/staff/organizations/{ids[-1]}/verify?status=awaiting&amp;q=%C4%B1%C5%9F%C4%B1k&amp;page=2"
    assert f'action="{action}"' in page
    response = client.post(action.replace("&amp;", "&"), data={"method": "document_seen"})
    assert response.status_code == 302
    assert response.headers["Location"] == \
        "/staff/organizations?status=awaiting&q=%C4%B1%C5%9F%C4%B1k&page=2"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Işık Gençlik 051 doğrulandı; üyeleri artık salon talep edebilir." in html
    assert _menu_count(html) == ORGANIZATIONS_PER_PAGE + 1
    assert f'id="organization-{ids[50]}"' in html and f'id="organization-{ids[-1]}"' not in html
    with database(app) as session:
        assert session.get(Organization, ids[-1]).is_verified
    # The last one of a list: back to the (now empty) awaiting list, not to "all".
    for organization_id in ids[:-1]:
        client.post(f"/staff/organizations/{organization_id}/verify?status=awaiting",
                    data={"method": "document_seen"})
    html = client.get("/staff/organizations?status=awaiting").get_data(as_text=True)
    assert "Doğrulama bekleyen kuruluş yok." in html and _menu_count(html) is None


def test_members_and_visitors_do_not_reach_the_inbox(app: Flask, client: FlaskClient,
                                                     scene: Scene) -> None:
    [waiting] = _waiting(app, 1)
    assert "/login" in client.get("/staff/organizations").headers["Location"]
    assert "/login" in client.post(f"/staff/organizations/{waiting}/verify").headers["Location"]
    assert _menu_count(client.get("/centers").get_data(as_text=True)) is None
    login(client, scene.member)
    assert client.get("/staff/organizations?status=awaiting").status_code == 404
    assert client.post(f"/staff/organizations/{waiting}/verify").status_code == 404
    html = client.get("/bookings").get_data(as_text=True)
    assert _menu_count(html) is None and "doğrulama bekliyor" not in html
    with database(app) as session:
        assert not session.get(Organization, waiting).is_verified


def _counts(sent: list[str]) -> list[str]:
    return [s for s in sent if "count(" in s.lower() and "organizations" in s]


def test_the_menu_count_is_one_count_query_and_only_for_staff(app: Flask, scene: Scene) -> None:
    _waiting(app, 30)
    with app.app_context():
        engine = db.engine
    staff, member = app.test_client(), app.test_client()
    login(staff, scene.staff)
    login(member, scene.member)
    with statements(engine) as sent:
        assert _menu_count(staff.get("/staff/queue").get_data(as_text=True)) == 30
    assert len(_counts(sent)) == 1, "\n".join(sent)
    with statements(engine) as sent:
        assert member.get("/bookings").status_code == 200
    assert _counts(sent) == [] and not [s for s in sent if "FROM organizations" in s
                                        and "organizations.is_verified IS 0" in s]
    # The inbox itself: one grouped COUNT serves the filter and the menu; the
    # organisations and their members come in bulk, not one query per row.
    with statements(engine) as sent:
        assert _menu_count(staff.get("/staff/organizations").get_data(as_text=True)) == 30
    assert len(_counts(sent)) == 1, "\n".join(sent)
    reads = [s for s in sent if "FROM organizations" in s or "FROM users" in s]
    assert len(reads) <= 4, "\n".join(reads)  # the signed-in user, the count, the list, members


def test_the_inbox_and_its_count_in_english(app: Flask, client: FlaskClient, scene: Scene) -> None:
    _waiting(app, 2)
    login(client, scene.staff)
    client.post("/language", data={"language": "en", "next": "/staff/organizations"})
    html = client.get("/staff/organizations").get_data(as_text=True)
    assert "(2 organisations awaiting verification)" in html and _menu_count(html) == 2
    assert "Awaiting verification (2)" in html and "Verified (2)" in html and "All (4)" in html
    assert "2 organisations · oldest registration first" in html
    assert "Registered on" in html and "First member" in html
    searched = client.get("/staff/organizations?status=awaiting&q=yok-böyle-bir-şey")
    assert "Organisation not found." in searched.get_data(as_text=True)
