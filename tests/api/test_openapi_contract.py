"""Schemathesis against the live OpenAPI document, on SQLite and PostgreSQL.

Every operation is called with generated valid input as an admin, staff, a
member and anonymously, and with generated invalid input as an admin and
anonymously; half the cases aim at ids that exist. Every schemathesis check
runs, none excluded: no answer is a 5xx; every answer matches the document
(status, content type, headers, body); input the document forbids is refused;
input it allows is not refused as malformed; a protected operation refuses a
request without credentials; an undeclared method is a 405 with ``Allow``.

One setting differs from schemathesis' defaults, for a reason the document
cannot remove: valid input may still break a rule of the domain that no JSON
schema can state (an end before its start, a name already taken, a slot in
the past), and SPEC §3 answers that with 422. So ``positive_data_acceptance``
also expects 422, and ``the_models_accept_what_the_document_allows`` makes up
for it: every request generated as valid must pass the handler's own pydantic
models (body and query string, read as the server reads them), so a 422 to
valid input is always the domain's, never a stricter reading of the input
than the document's.

CI runs a bounded number of examples per operation (``EXAMPLES``); ``make fuzz``
runs many more (``BOOKING_FUZZ_EXAMPLES``, default 500 there).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from pydantic import ValidationError
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from booking.api import querystring
from booking.api.registry import OPERATIONS
from booking.models import ApiToken, BookingStatus
from tests.support.api import Api, at, booking_row
from tests.support.scene import build_scene

EXAMPLES = int(os.environ.get("BOOKING_FUZZ_EXAMPLES", "6"))
# schemathesis' defaults for positive_data_acceptance, plus 422 (see above).
VALID_INPUT_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": VALID_INPUT_STATUSES}}})
SETTINGS = hypothesis.settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def the_models_accept_what_the_document_allows(ctx, response, case):
    """A request generated as valid passes the models its handler validates
    with: the body as sent, and the query string as the server reads it."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    operation = next(op for op in OPERATIONS
                     if (op.method, op.path) == (case.method.lower(), case.operation.path))
    sent = response.request
    try:
        if operation.query is not None:
            args = MultiDict(parse_qsl(urlsplit(sent.url).query, keep_blank_values=True))
            querystring.read(operation.query, args)
        if operation.body is not None:
            operation.body.model_validate_json(sent.body or b"{}")
    except ValidationError as exc:
        raise AssertionError(f"valid input refused by the models: {exc}") from None
    return None


@dataclass
class World:
    """A role's request headers, and a way back to the credentials the run began with."""

    headers: dict[str, dict[str, str]]
    restore: Callable[[], None]


@pytest.fixture
def world(client, session):
    """A scene with bookings, so ids 1, 2, … point at real objects, and tokens.

    The tokens are ids 1, 2 and 3, the ids half the cases aim at, so
    ``DELETE /auth/tokens/{token_id}`` revokes them (as their owner, a 204):
    ``restore`` makes them valid again before each case, or every case after
    that one would be an anonymous 401."""
    scene = build_scene(session)
    booking_row(session, scene.room, 3, 10, organization=scene.org, created_by=scene.member)
    booking_row(session, scene.big_room, 4, 14, organization=scene.other_org)
    booking_row(session, scene.small_room, -1, 9, status=BookingStatus.APPROVED,
                organization=scene.org)
    api = Api(client, session)
    roles = {"admin": scene.admin, "staff": scene.staff, "member": scene.member}
    headers = {role: {"Authorization": f"Bearer {api.token(user)}"} for role, user in roles.items()}
    user_ids = [user.id for user in roles.values()]

    def restore() -> None:
        session.execute(update(ApiToken).where(ApiToken.user_id.in_(user_ids))
                        .values(revoked_at=None))
        session.commit()

    return World(headers, restore)


def _operations(app):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 27
    return operations


def _fuzz(app, world: World, mode: GenerationMode, examples: int, *roles: str | None) -> None:
    """Every operation, ``examples`` generated cases each, sent as each role
    (None: anonymously)."""
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
            world.restore()
            for role in roles:
                headers = world.headers[role] if role else {}
                case.call_and_validate(
                    headers=headers, additional_checks=[the_models_accept_what_the_document_allows])

        check()


def test_every_schemathesis_check_runs():
    load_all_checks()
    settings = CONFIG.projects.default.checks
    names = [check.__name__ for check in CHECKS.get_all()]
    assert len(names) >= 14
    assert all(settings.get_by_name(name=name).enabled for name in names), names


@pytest.mark.slow
def test_valid_input_as_every_role_and_anonymous_matches_the_document(app, world):
    _fuzz(app, world, GenerationMode.POSITIVE, EXAMPLES, "admin", "staff", "member", None)


@pytest.mark.slow
def test_invalid_input_is_refused_without_a_server_error(app, world):
    _fuzz(app, world, GenerationMode.NEGATIVE, EXAMPLES, "admin", None)


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
