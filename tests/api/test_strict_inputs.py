"""The OpenAPI document is exactly as strict as the code (SPEC §13): query
strings are read as the document types them, never coerced; bodies are
required exactly when the document says so; and the ranges the code keeps
(years, whole numbers, password lengths, e-mail addresses, NUL) are stated in
the document's schemas, in the same words the code checks them with."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import email_validator
import pytest
from pydantic import ValidationError

from booking.api import schemas as s
from booking.api.registry import OPERATIONS, body_required
from booking.api.schemas.types import (
    DATE_OR_DATETIME_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    EMAIL_PATTERN,
    MAX_PASSWORD_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    SPECIAL_USE_DOMAINS,
    SPECIAL_USE_PATTERN,
)
from booking.services.accounts import MIN_PASSWORD_LENGTH
from tests.support.api import assert_problem, at, booking_row, iso

RFC3339_MESSAGE = "RFC 3339 biçiminde geçerli bir tarih ve saat girin (ör. 2026-12-01T18:00)."
WHOLE_NUMBER_MESSAGE = "Bir tam sayı girin."
EMAIL_MESSAGE = "Geçerli bir e-posta adresi girin."


def _fields(body):
    return {error["field"]: error["message"] for error in body["errors"]}


def _document(api):
    return api.get("/openapi.json").get_json()


def _parameter(doc, path, name):
    return next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)


# --- query strings ------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "0.5", "1700000000", "-1", "1e3",              # Unix timestamps, as pydantic's lax mode reads them
    "2030-01-01 10:00", "2030-1-1", "20300101T1000", "2030-01-01T10:00:00.1234567",
    "2030-01-01T10", "2030-01-01T10:00+03", "2030-01-01T10:00+0300",
])
def test_a_query_date_time_is_rfc_3339_or_refused(api, scene, value):
    for name in ("from", "to"):
        body = assert_problem(api.get("/bookings", scene.admin, query_string={name: value}), 422)
        assert _fields(body) == {name: RFC3339_MESSAGE}, body
    query = {"center_id": scene.center.id, "start": value, "end": "2030-01-01T12:00"}
    body = assert_problem(api.get("/availability", query_string=query), 422)
    assert _fields(body) == {"start": RFC3339_MESSAGE}


@pytest.mark.parametrize("value", [
    "2030-01-01T10:00", "2030-01-01T10:00:30", "2030-01-01T10:00:30.5", "2030-01-01t10:00z",
    "2030-01-01T10:00:00.123456+03:00", "2030-01-01T07:00Z", "2030-01-01T10:00-00:00",
])
def test_every_rfc_3339_spelling_the_document_allows_is_read(api, scene, value):
    response = api.get("/bookings", scene.admin, query_string={"to": value})
    assert response.status_code == 200, response.get_json()


def test_a_day_alone_is_a_list_filter_not_an_instant(api, scene):
    """docs/api.md: the from/to filters take a day alone (its midnight); the
    start and end of an interval need a time."""
    assert api.get("/bookings?from=2030-01-01&to=2030-01-02", scene.admin).status_code == 200
    room = api.get(f"/rooms/{scene.room.id}/availability?from=2030-01-01&to=2030-01-02")
    assert room.status_code == 200, room.get_json()
    assert room.get_json()["free"][0]["start"].startswith("2030-01-01T08:00")
    query = {"center_id": scene.center.id, "start": "2030-01-01", "end": "2030-01-01T12:00"}
    body = assert_problem(api.get("/availability", query_string=query), 422)
    assert _fields(body) == {"start": RFC3339_MESSAGE}


def test_the_query_year_is_refused_outside_the_documented_range(api, scene):
    body = assert_problem(api.get("/bookings?to=1899-12-31T23:59", scene.admin), 422)
    assert _fields(body) == {"to": f"Yıl {MIN_YEAR} ile {MAX_YEAR} arasında olmalı."}


@pytest.mark.parametrize("query", [
    "page=1.0", "page=2.0", "page=1e3", "page=+1", "page=%201", "page=1_000", "page=01",
    "page=0x10", "page=", "room_id=1.5", "per_page=5.", "page=" + "9" * 5000,
])
def test_a_query_integer_is_digits_or_refused(api, scene, query):
    field = query.partition("=")[0]
    body = assert_problem(api.get(f"/bookings?{query}", scene.admin), 422)
    assert field in _fields(body), body


@pytest.mark.parametrize("value", ["1", "0", "yes", "no", "on", "True", "t", ""])
def test_a_query_boolean_is_true_or_false_or_refused(api, scene, value):
    body = assert_problem(api.get("/organizations", scene.admin,
                                  query_string={"verified": value}), 422)
    assert _fields(body) == {"verified": "Doğru ya da yanlış olmalı."}


def test_documented_query_values_are_still_read(api, scene):
    assert api.get("/organizations?verified=true&page=1&per_page=2", scene.admin).status_code == 200
    assert api.get("/organizations?verified=false", scene.admin).status_code == 200
    rooms = api.get(f"/rooms?center_id={scene.center.id}&min_capacity=0&feature=projector"
                    "&feature=sound_system").get_json()
    assert [room["name"] for room in rooms["items"]] == ["Konferans Salonu"]
    assert api.get("/reports/summary?year=2030", scene.admin).status_code == 200
    assert_problem(api.get("/reports/summary?year=2030.0", scene.admin), 422)


# --- bodies -----------------------------------------------------------------------


def _booking(scene, **changes):
    payload = {"room_id": scene.room.id, "title": "Toplantı", "start": iso(at(3, 10)),
               "end": iso(at(3, 12)), "expected_attendees": 10}
    payload.update(changes)
    return payload


@pytest.mark.parametrize("value", ["1700000000", "0.5", "2030-01-01 10:00", "2030-01-01"])
def test_a_body_date_time_is_rfc_3339_text_not_a_timestamp(api, scene, value):
    response = api.post("/bookings", scene.member, json=_booking(scene, start=value))
    assert _fields(assert_problem(response, 422)) == {"start": RFC3339_MESSAGE}


@pytest.mark.parametrize("value", ["1700000000", "2030-01-01T00:00", "2030-1-1"])
def test_a_body_date_is_an_rfc_3339_full_date(api, scene, value):
    recurrence = {"freq": "weekly", "until": value}
    response = api.post("/bookings", scene.member, json=_booking(scene, recurrence=recurrence))
    assert _fields(assert_problem(response, 422)) == {"recurrence.until": "Geçerli bir tarih girin."}


def test_a_whole_number_float_is_the_integer_it_equals(api, scene):
    """JSON Schema's "integer" includes 10.0, so the code takes it as 10."""
    payload = _booking(scene, room_id=float(scene.room.id), expected_attendees=10.0)
    response = api.post("/bookings", scene.member, json=payload)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["expected_attendees"] == 10
    refused = api.post("/bookings", scene.member, json=_booking(scene, expected_attendees=10.5))
    assert _fields(assert_problem(refused, 422)) == {"expected_attendees": WHOLE_NUMBER_MESSAGE}


def test_a_body_is_documented_as_required_exactly_when_a_member_is(api):
    doc = _document(api)
    for op in OPERATIONS:
        if op.body is None:
            continue
        documented = doc["paths"][op.path][op.method]["requestBody"]["required"]
        members = op.body.model_json_schema().get("required", [])
        assert documented == bool(members) == body_required(op.body), (op.method, op.path)
    cancel = doc["paths"]["/bookings/{booking_id}/cancel"]["post"]["requestBody"]
    reject = doc["paths"]["/bookings/{booking_id}/reject"]["post"]["requestBody"]
    assert cancel["required"] is False and reject["required"] is True


def test_an_empty_body_is_refused_where_the_document_requires_one(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, organization=scene.org)
    body = assert_problem(api.post(f"/bookings/{booking.id}/reject", scene.staff), 422)
    assert _fields(body) == {"reason": "Bu alan gerekli."}
    missing = assert_problem(api.post("/bookings", scene.member), 422)
    assert set(_fields(missing)) == {"room_id", "title", "start", "end", "expected_attendees"}
    # ... and read as {} where it does not.
    cancelled = api.post(f"/bookings/{booking.id}/cancel", scene.staff)
    assert cancelled.status_code == 200, cancelled.get_json()


def test_required_and_nullable_members_are_what_the_models_take(api):
    """For every body: the members the document requires are the ones the
    model misses in {}, and a member is nullable in the document exactly when
    the model takes null for it."""
    schemas = _document(api)["components"]["schemas"]
    for op in OPERATIONS:
        if op.body is None:
            continue
        schema = schemas[op.body.__name__]
        assert set(schema.get("required", [])) == _refused(op.body, {}, "missing"), op.body
        for name, prop in schema["properties"].items():
            nullable = {"type": "null"} in prop.get("anyOf", [])
            refuses_null = name in _refused(op.body, {name: None})
            assert nullable != refuses_null, (op.body.__name__, name)


def _refused(model, data, kind=None):
    """The top-level members ``model`` refuses in ``data`` (errors of ``kind``)."""
    try:
        model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        return {str(e["loc"][0]) for e in exc.errors() if kind in (None, e["type"]) and e["loc"]}
    return set()


# --- the ranges the document states ------------------------------------------------


def _days(years):
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            yield day.isoformat()
            day += timedelta(days=1)
        for month in range(1, 13):
            for bad in (29, 30, 31, 32):
                yield f"{year:04d}-{month:02d}-{bad}"


def _code_accepts(model, field, value):
    return field not in _refused(model, {field: value})


YEARS = (1, 1899, 1900, 1904, 1999, 2000, 2024, 2025, 2100, 2104, 2199, 2200, 2201, 9998)


def test_the_documented_date_pattern_accepts_exactly_the_days_the_code_does():
    pattern = re.compile(DATE_PATTERN)
    for value in _days(YEARS):
        assert bool(pattern.fullmatch(value)) == _code_accepts(s.RecurrenceIn, "until", value), value


def test_the_documented_date_time_pattern_accepts_exactly_what_the_code_does():
    pattern = re.compile(DATETIME_PATTERN)
    times = ["T00:00", "T23:59:59", "T12:30:00.5", "T12:30:00.123456", "t08:00z", "T08:00Z",
             "T08:00+03:00", "T08:00-23:59", "T24:00", "T12:60", "T12:30:60", "T08:00+24:00",
             "T12:30:00.1234567", "T08", " 08:00", "T08:00+0300"]
    filter_pattern = re.compile(DATE_OR_DATETIME_PATTERN)
    for day in _days((1899, 1900, 2000, 2100, 2200, 2201)):
        for time in times:
            value = day + time
            accepted = _code_accepts(s.ClosureCreate, "start", value)
            assert bool(pattern.fullmatch(value)) == accepted, value
            assert bool(filter_pattern.fullmatch(value)) == accepted, value
        assert not _code_accepts(s.ClosureCreate, "start", day)
        accepted = _code_accepts(s.BookingQuery, "to", day)
        assert bool(filter_pattern.fullmatch(day)) == accepted, day


def test_the_document_states_the_years_of_dates_and_times(api):
    doc = _document(api)
    schemas = doc["components"]["schemas"]
    to = _parameter(doc, "/bookings", "to")["schema"]
    assert to == {"type": "string", "pattern": DATE_OR_DATETIME_PATTERN}  # no format: no offset
    start = _parameter(doc, "/availability", "start")["schema"]
    assert start == {"type": "string", "pattern": DATETIME_PATTERN}
    assert schemas["BookingCreate"]["properties"]["start"]["pattern"] == DATETIME_PATTERN
    until = schemas["RecurrenceIn"]["properties"]["until"]["anyOf"][0]
    assert until == {"type": "string", "format": "date", "pattern": DATE_PATTERN}


def test_the_document_states_password_lengths_e_mails_and_nul(api):
    schemas = _document(api)["components"]["schemas"]
    sign_in = schemas["TokenCreate"]["properties"]["password"]
    assert (sign_in["minLength"], sign_in["maxLength"]) == (0, MAX_PASSWORD_LENGTH) == (0, 1024)
    for model in ("UserCreate", "RegistrationUserIn"):
        new = schemas[model]["properties"]["password"]
        assert (new["minLength"], new["maxLength"]) == (MIN_PASSWORD_LENGTH, 1024), model
    for model in ("TokenCreate", "UserCreate", "RegistrationUserIn", "OrganizationIn"):
        email = schemas[model]["properties"]["email"]
        assert email["format"] == "email" and email["pattern"] == EMAIL_PATTERN, model
        assert email["not"] == {"pattern": SPECIAL_USE_PATTERN}
    assert schemas["BookingCreate"]["properties"]["title"]["pattern"] == "^[^\\u0000]*$"


def test_a_password_may_be_1024_characters_and_no_longer(api, scene):
    def user(password, email):
        return {"email": email, "name": "Yeni Görevli", "password": password, "role": "staff",
                "center_ids": [scene.center.id]}

    created = api.post("/users", scene.admin, json=user("p" * 1024, "uzun@ornek.org.tr"))
    assert created.status_code == 201, created.get_json()
    refused = api.post("/users", scene.admin, json=user("p" * 1025, "daha.uzun@ornek.org.tr"))
    assert _fields(assert_problem(refused, 422)) == {
        "password": "En fazla 1024 karakter olabilir."}
    short = api.post("/users", scene.admin, json=user("p" * 7, "kisa@ornek.org.tr"))
    assert _fields(assert_problem(short, 422)) == {"password": "En az 8 karakter olmalı."}


def test_the_special_use_domains_are_the_ones_the_service_refuses():
    assert sorted(SPECIAL_USE_DOMAINS) == sorted(email_validator.SPECIAL_USE_DOMAIN_NAMES)


@pytest.mark.parametrize("email", [
    " ayse@ornek.org", "ayse@ornek.org ", "ayse@ornek", "ayse@ornek.test", "ayse@ornek.LOCALHOST",
    "ayse@[192.0.2.1]", '"ayse yilmaz"@ornek.org', "ayşe@ornek.org", "ayse@örnek.org",
    "ayse..yilmaz@ornek.org", "ayse@ornek..org", "ayse@-ornek.org", "ayse@xn--rnek-zoa.org",
    "ayse@ornek.org1", "a" * 65 + "@ornek.org", "ayse@" + "o" * 64 + ".org",
])
def test_an_e_mail_outside_the_documented_format_is_refused(api, scene, email):
    payload = {"email": email, "name": "Ayşe", "password": "uzun-bir-parola", "role": "admin"}
    body = assert_problem(api.post("/users", scene.admin, json=payload), 422)
    assert _fields(body) == {"email": EMAIL_MESSAGE}
    token = assert_problem(api.post("/auth/tokens", json={"email": email, "password": "x"}), 422)
    assert _fields(token) == {"email": EMAIL_MESSAGE}


@pytest.mark.parametrize("email", [
    "ayse@ornek.org", "Ayse.Yilmaz@Ornek.Org.TR", "a+b@c.io", "{|}~'!#$%&*=?^_`-/@a1-b2.example",
    "a" * 64 + "@ornek.org", "ayse@" + "o" * 63 + ".org",
])
def test_every_e_mail_the_document_allows_is_taken(api, scene, email):
    assert re.fullmatch(EMAIL_PATTERN, email) and not re.search(SPECIAL_USE_PATTERN, email)
    payload = {"email": email, "name": "Ayşe", "password": "uzun-bir-parola", "role": "admin"}
    created = api.post("/users", scene.admin, json=payload)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["email"] == email.lower()
