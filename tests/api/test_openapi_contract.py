"""Schemathesis against the live OpenAPI document, on SQLite and PostgreSQL.

Every operation is called with generated valid input as an admin, staff, a
member and anonymously, and with generated invalid input as an admin and
anonymously; half the cases aim at ids that exist. No answer may be a 5xx,
and every answer must match the document: its status is declared, its
content type is declared, and its body fits the declared schema.

CI runs a bounded number of examples per operation (``EXAMPLES``); ``make fuzz``
runs many more (``BOOKING_FUZZ_EXAMPLES``, default 500 there).
"""
from __future__ import annotations

import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from booking.models import BookingStatus
from tests.support.api import Api, at, booking_row
from tests.support.scene import build_scene

EXAMPLES = int(os.environ.get("BOOKING_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
SETTINGS = hypothesis.settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def world(client, session):
    """A scene with bookings, so ids 1, 2, … point at real objects, and tokens."""
    scene = build_scene(session)
    booking_row(session, scene.room, 3, 10, organization=scene.org, created_by=scene.member)
    booking_row(session, scene.big_room, 4, 14, organization=scene.other_org)
    booking_row(session, scene.small_room, -1, 9, status=BookingStatus.APPROVED,
                organization=scene.org)
    api = Api(client, session)
    return {role: {"Authorization": f"Bearer {api.token(user)}"}
            for role, user in (("admin", scene.admin), ("staff", scene.staff),
                               ("member", scene.member))}


def _operations(app):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 27
    return operations


def _fuzz(app, mode: GenerationMode, examples: int, *header_sets: dict[str, str]) -> None:
    """Every operation, ``examples`` generated cases each, sent with each header set."""
    for operation in _operations(app):

        strategy = operation.as_strategy(generation_mode=mode)
        names = [p.name for p in operation.path_parameters]
        if names:
            # Half the cases aim at objects that exist, so handlers get past the 404.
            strategy = st.one_of(strategy, *(
                operation.as_strategy(generation_mode=mode,
                                      path_parameters=dict.fromkeys(names, known))
                for known in (1, 2, 3)))

        @hypothesis.given(case=strategy)
        @hypothesis.settings(SETTINGS, max_examples=examples)
        def check(case):
            for headers in header_sets:
                case.call_and_validate(headers=headers, checks=CHECKS)

        check()


@pytest.mark.slow
def test_valid_input_as_every_role_and_anonymous_matches_the_document(app, world):
    _fuzz(app, GenerationMode.POSITIVE, EXAMPLES, world["admin"], world["staff"], world["member"], {})


@pytest.mark.slow
def test_invalid_input_is_refused_without_a_server_error(app, world):
    _fuzz(app, GenerationMode.NEGATIVE, EXAMPLES, world["admin"], {})


def test_the_document_is_openapi_3_1_and_covers_the_spec_table(client, session):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    expected = {
        ("post", "/auth/tokens"), ("delete", "/auth/tokens/{token_id}"),
        ("post", "/organizations/register"), ("post", "/organizations/{organization_id}/verify"),
        ("get", "/organizations"), ("get", "/organizations/{organization_id}"),
        ("post", "/centers"), ("get", "/centers"), ("get", "/centers/{center_id}"),
        ("post", "/rooms"), ("get", "/rooms"), ("get", "/rooms/{room_id}"),
        ("patch", "/rooms/{room_id}"), ("post", "/rooms/{room_id}/closures"), ("post", "/users"),
        ("get", "/rooms/{room_id}/availability"), ("get", "/availability"),
        ("post", "/bookings"), ("get", "/bookings"), ("get", "/bookings/{booking_id}"),
        ("patch", "/bookings/{booking_id}"), ("post", "/bookings/{booking_id}/approve"),
        ("post", "/bookings/{booking_id}/reject"), ("post", "/bookings/{booking_id}/cancel"),
        ("post", "/bookings/{booking_id}/attendance"), ("post", "/series/{series_id}/cancel"),
        ("get", "/reports/summary"),
    }
    present = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert expected <= present
    booking = doc["components"]["schemas"]["BookingOut"]
    assert set(booking["required"]) >= {
        "id", "room_id", "center_id", "organization_id", "title", "description", "kind",
        "category", "start", "end", "expected_attendees", "actual_attendees", "status",
        "status_reason", "is_public", "series_id", "created_at", "updated_at"}
    assert at(1, 10).tzinfo is not None


def test_the_reference_page_is_rendered_from_the_document_without_external_assets(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            assert f'id="{operation["operationId"]}"' in html
        assert path in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert 'id="problem-conflict"' in html
    assert "cdn" not in html.lower() and "<script" not in html
