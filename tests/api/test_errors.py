"""Every error under /api/ is problem+json, and no malformed input is a 500."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy.exc import OperationalError

from booking.services import bookings as engine
from tests.support.api import assert_problem, at, booking_row, iso


def test_unknown_paths_under_the_api_are_404_problems(api, scene):
    for path in ("/nothing-here", "/bookings/abc", "/bookings/0"):
        body = assert_problem(api.get(path, scene.admin), 404)
        assert body["type"].endswith("#problem-not-found")
    assert_problem(api.client.get("/api/v2/bookings"), 404)


def test_ids_beyond_the_database_range_are_404_not_405(api, scene):
    for method in ("GET", "PATCH"):
        assert_problem(api.call(method, "/bookings/99999999999999999999", scene.admin, json={}), 404)
    assert_problem(api.post("/bookings/2147483648/approve", scene.admin), 404)


def test_a_wrong_method_is_a_405_problem_with_allow(api, scene):
    response = api.call("PUT", "/centers", scene.admin)
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("raw", [b"{", b"{'a': 1}", b'{"title": "x",}', b"\xff\xfe\x00",
                                 b'{"title": "\\ud800"}', b"nul\x00"])
def test_malformed_json_or_bad_utf8_is_a_400_problem(api, scene, raw):
    response = api.post("/bookings", scene.member, data=raw, content_type="application/json")
    body = assert_problem(response, 400)
    assert body["type"].endswith("#problem-malformed-request")


def test_json_that_is_not_an_object_is_a_422_problem(api, scene):
    for raw in (b"[]", b"42", b'"text"', b"null"):
        response = api.post("/bookings", scene.member, data=raw, content_type="application/json")
        assert assert_problem(response, 422)["errors"]


def test_a_body_that_is_not_json_is_415(api, scene):
    response = api.post("/bookings", scene.member, data="room_id=1", content_type="text/plain")
    assert_problem(response, 415)


@pytest.mark.parametrize("app_config", [{"API_MAX_BODY_BYTES": 1000}])
def test_a_body_over_the_limit_is_413(api, scene):
    response = api.post("/bookings", scene.member, json={"title": "x" * 5000})
    assert_problem(response, 413)


def _booking(scene, **changes):
    payload = {"room_id": scene.room.id, "title": "Toplantı", "start": iso(at(3, 10)),
               "end": iso(at(3, 12)), "expected_attendees": 10}
    payload.update(changes)
    return payload


@pytest.mark.parametrize("changes, field", [
    ({"room_id": "1"}, "room_id"),
    ({"room_id": -3}, "room_id"),
    ({"room_id": 10**40}, "room_id"),
    ({"expected_attendees": -1}, "expected_attendees"),
    ({"expected_attendees": 1.5}, "expected_attendees"),
    ({"expected_attendees": True}, "expected_attendees"),
    ({"title": "x" * 100_000}, "title"),
    ({"title": "a\u0000b"}, "title"),
    ({"title": ["list"]}, "title"),
    ({"start": "yesterday"}, "start"),
    ({"start": "2030-02-30T10:00:00"}, "start"),
    ({"start": "0001-01-01T00:00:00+14:00"}, "start"),
    ({"start": "9999-12-31T23:59:59-12:00"}, "start"),
    ({"start": 1700000000}, "start"),
    ({"kind": "party"}, "kind"),
    ({"is_public": "yes"}, "is_public"),
    ({"surprise": 1}, "surprise"),
    ({"recurrence": {"freq": "hourly", "count": 2}}, "recurrence.freq"),
    ({"recurrence": {"freq": "weekly", "count": 10**6}}, "recurrence.count"),
    ({"recurrence": {"freq": "weekly", "until": "2030-13-01"}}, "recurrence.until"),
    ({"recurrence": {"freq": "weekly", "count": 3, "byweekday": ["XX"]}}, "recurrence.byweekday.0"),
])
def test_malformed_members_are_422_with_the_field_named(api, scene, changes, field):
    body = assert_problem(api.post("/bookings", scene.member, json=_booking(scene, **changes)), 422)
    assert field in {error["field"] for error in body["errors"]}, body["errors"]


@pytest.mark.parametrize("query", [
    "page=0", "page=-1", "page=abc", "page=99999999999999999999", "per_page=0",
    "from=not-a-date", "to=2030-02-30", "status=weird", "room_id=-1", "center_id=1e9",
])
def test_malformed_query_parameters_are_422(api, scene, query):
    assert_problem(api.get(f"/bookings?{query}", scene.admin), 422)


def test_huge_per_page_is_capped_not_refused(api, scene):
    body = api.get("/bookings?per_page=99999999999", scene.admin).get_json()
    assert body["per_page"] == 200


def test_an_unexpected_exception_is_a_500_problem_without_internals(app, scene):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/_explode", "explode_for_test", explode)
    response = app.test_client().get("/api/v1/_explode")
    body = assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["title"] == "Internal Server Error"


def test_html_pages_keep_their_own_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype != "application/problem+json"


class _Deadlock(Exception):
    sqlstate = "40P01"


def _flaky(real, failures: int, calls: list[int]):
    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("UPDATE bookings …", {}, _Deadlock("deadlock detected"))
        return real(*args, **kwargs)

    return call


def test_a_deadlock_is_retried_once_and_then_succeeds(api, scene, session, monkeypatch):
    booking = booking_row(session, scene.room, 3, 10, organization=scene.org)
    calls: list[int] = []
    monkeypatch.setattr(engine, "cancel_booking", _flaky(engine.cancel_booking, 1, calls))
    response = api.post(f"/bookings/{booking.id}/cancel", scene.member)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert len(calls) == 2


def test_a_second_deadlock_is_a_503_problem(api, scene, session, monkeypatch):
    booking = booking_row(session, scene.room, 3, 10, organization=scene.org)
    calls: list[int] = []
    monkeypatch.setattr(engine, "cancel_booking", _flaky(engine.cancel_booking, 2, calls))
    response = api.post(f"/bookings/{booking.id}/cancel", scene.member)
    assert_problem(response, 503)
    assert len(calls) == 2 and response.headers["Retry-After"]


def test_messages_follow_the_users_language_then_accept_language(api, scene, session):
    payload = {"room_id": scene.room.id, "title": "Toplantı", "start": iso(at(3, 10)),
               "end": iso(at(3, 12)), "expected_attendees": 500}
    turkish = assert_problem(api.post("/bookings", scene.member, json=payload), 422)
    assert "en fazla 40 kişiliktir" in turkish["errors"][0]["message"]
    scene.member.language = "en"
    session.commit()
    setting = assert_problem(api.post("/bookings", scene.member, json=payload,
                                      headers={"Accept-Language": "tr"}), 422)
    assert "at most 40 people" in setting["errors"][0]["message"]
    day = at(3, 0).date()
    backwards = f"/rooms/{scene.room.id}/availability?from={day}T12:00&to={day}T10:00"
    anonymous = assert_problem(api.get(backwards, headers={"Accept-Language": "en"}), 422)
    assert anonymous["errors"][0]["message"] == "The end of the range must be after its start."
    default = assert_problem(api.get(backwards), 422)
    assert default["errors"][0]["message"] == "Aralığın sonu başından sonra olmalı."


def _documented_problem_types(api) -> set[str]:
    page = api.get("/docs").get_data(as_text=True)
    return set(re.findall(r'id="problem-([a-z-]+)"', page))


def test_http_errors_have_documented_problem_types(api, scene):
    documented = _documented_problem_types(api)
    cases = [
        (api.call("PUT", "/centers", scene.admin), 405, "method-not-allowed"),
        (api.post("/bookings", scene.member, data="x" * (2 * 1024 * 1024),
                  content_type="application/json"), 413, "body-too-large"),
        (api.post("/bookings", scene.member, data="room_id=1", content_type="text/plain"), 415,
         "unsupported-media-type"),
        (api.post("/bookings", scene.member, data=b"{", content_type="application/json"), 400,
         "malformed-request"),
        (api.get("/nothing-here"), 404, "not-found"),
    ]
    for response, status, kind in cases:
        body = assert_problem(response, status)
        assert body["type"] == f"http://localhost/api/v1/docs#problem-{kind}", body
        assert kind in documented
        assert body["title"] and body["detail"]


def test_every_problem_type_in_use_is_documented(api):
    from booking.api.errors import PROBLEM_TYPES, STATUS_KINDS

    assert set(STATUS_KINDS.values()) <= set(PROBLEM_TYPES)
    assert set(PROBLEM_TYPES) <= _documented_problem_types(api)


def test_a_json_body_without_a_content_type_is_415_not_guessed(api, scene):
    payload = json.dumps(_booking(scene)).encode()
    response = api.client.open("/api/v1/bookings", method="POST", data=payload, headers={
        "Authorization": f"Bearer {api.token(scene.member)}"})
    assert response.request.headers.get("Content-Type") is None
    body = assert_problem(response, 415)
    assert body["type"].endswith("#problem-unsupported-media-type")
    # An empty body still counts as {} whatever the headers say.
    booking = booking_row(api.session, scene.room, 3, 15, organization=scene.org)
    cancelled = api.post(f"/bookings/{booking.id}/cancel", scene.member)
    assert cancelled.status_code == 200, cancelled.get_json()


def test_api_messages_are_turkish_by_default_and_english_on_request(api, scene, session):
    en = {"Accept-Language": "en"}
    cases = [  # (response in Turkish, response in English, Turkish detail, English detail)
        (api.get("/centers/999"), api.get("/centers/999", headers=en),
         "Merkez bulunamadı.", "Centre not found."),
        (api.get("/rooms/999"), api.get("/rooms/999", headers=en),
         "Salon bulunamadı.", "Room not found."),
        (api.get("/users/me"), api.get("/users/me", headers=en),
         "Giriş yapın ya da bir API anahtarı gönderin.", "Sign in or send an API token."),
        (api.get("/users/me", headers={"Authorization": "Basic x"}),
         api.get("/users/me", headers={"Authorization": "Basic x", **en}),
         "Anahtarı `Authorization: Bearer <anahtar>` başlığıyla gönderin.",
         "Send the token as `Authorization: Bearer <token>`."),
        (api.post("/centers", scene.member, json={"name": "X"}),
         api.post("/centers", scene.member, json={"name": "X"}, headers=en),
         "Bu işlemi yalnızca yöneticiler yapabilir.", None),
    ]
    for turkish, english, tr_detail, en_detail in cases:
        assert turkish.get_json()["detail"] == tr_detail
        if en_detail is not None:
            assert english.get_json()["detail"] == en_detail
    # A signed-in caller's own setting wins over Accept-Language.
    scene.member.language = "en"
    session.commit()
    forbidden = api.post("/centers", scene.member, json={"name": "X"},
                         headers={"Accept-Language": "tr"})
    assert forbidden.get_json()["detail"] == "Only admins may do this."


@pytest.mark.parametrize("changes, field, turkish, english", [
    ({"title": None}, "title", "Metin olmalı.", "Must be text."),
    ({"surprise": 1}, "surprise", "Bilinmeyen alan.", "Unknown field."),
    ({"expected_attendees": "5"}, "expected_attendees", "Bir tam sayı girin.",
     "Enter a whole number."),
    ({"expected_attendees": 0}, "expected_attendees", "En az 1 olmalı.", "Must be at least 1."),
    ({"expected_attendees": 10**6}, "expected_attendees", "En fazla 100000 olmalı.",
     "Must be at most 100000."),
    ({"title": ""}, "title", "Boş bırakılamaz.", "Must not be empty."),
    ({"kind": "party"}, "kind", "Geçerli değerler: 'meeting', 'program' veya 'general_assembly'",
     "Valid values: 'meeting', 'program' or 'general_assembly'"),
    ({"start": "yesterday"}, "start",
     "RFC 3339 biçiminde geçerli bir tarih ve saat girin (ör. 2026-12-01T18:00).",
     "Enter a valid RFC 3339 date and time (e.g. 2026-12-01T18:00)."),
    ({"start": "2500-01-01T10:00"}, "start", "Yıl 1900 ile 2200 arasında olmalı.",
     "The year must lie between 1900 and 2200."),
    ({"title": "a\u0000b"}, "title", "NUL karakteri içeremez.", "Must not contain NUL characters."),
])
def test_validation_messages_are_translated(api, scene, session, changes, field, turkish,
                                           english):
    payload = _booking(scene, **changes)
    tr_body = assert_problem(api.post("/bookings", scene.member, json=payload), 422)
    scene.member.language = "en"  # a signed-in caller's setting chooses the language
    session.commit()
    en_body = assert_problem(api.post("/bookings", scene.member, json=payload), 422)
    assert {"field": field, "message": turkish} in tr_body["errors"], tr_body["errors"]
    assert {"field": field, "message": english} in en_body["errors"], en_body["errors"]
    assert tr_body["detail"].startswith("Girdi geçersiz: ")
    assert en_body["detail"].startswith("The input is not valid: ")


def test_a_missing_member_is_required_in_either_language(api):
    # Anonymous callers: Accept-Language chooses, Turkish by default.
    tr_body = assert_problem(api.post("/auth/tokens", json={"email": "a@example.org"}), 422)
    en_body = assert_problem(api.post("/auth/tokens", json={"email": "a@example.org"},
                                      headers={"Accept-Language": "en"}), 422)
    assert tr_body["errors"] == [{"field": "password", "message": "Bu alan gerekli."}]
    assert en_body["errors"] == [{"field": "password", "message": "This field is required."}]
    assert en_body["detail"] == "The input is not valid: password: This field is required."
