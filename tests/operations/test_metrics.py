"""GET /metrics (docs/deployment.md, Metrics): off by default, behind a bearer
token, answers counted by status, every 429 counted as a refusal, the outbox
read from the database at scrape time, and the counters of several gunicorn
workers added up (prometheus_client's multiprocess mode)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from booking import create_app
from booking.extensions import db, limiter
from booking.metrics import count_refusal
from booking.models import OutboxStatus, utcnow
from booking.notifications import kinds, outbox
from tests.support.factories import make_user
from tests.support.mailbox import eventually, free_port
from tests.support.processes import ROOT, sender_env

TOKEN = "metrics-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"METRICS_TOKEN": TOKEN}


def parse(text: str) -> Samples:
    """Every sample of a scrape, read by prometheus_client's own parser."""
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client: FlaskClient) -> Samples:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    return parse(response.get_data(as_text=True))


# --- who may scrape ------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{}])
def test_metrics_are_off_until_a_token_is_set(client: FlaskClient, app: Flask) -> None:
    assert app.config["METRICS_TOKEN"] == ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
])
def test_a_scrape_without_the_right_token_is_refused(client: FlaskClient,
                                                     headers: dict[str, str]) -> None:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "booking_" not in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{
    "METRICS_TOKEN": TOKEN, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True,
    "RATELIMIT_DEFAULT": "2 per minute",
}])
def test_scrapes_are_exempt_from_rate_limits_and_csrf(client: FlaskClient) -> None:
    limiter.reset()
    try:
        assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
        assert [client.get("/metrics", headers=AUTH).status_code for _ in range(5)] == [200] * 5
    finally:
        # The limiter is one object for every app of the process and keeps the
        # default limit it was first given: take it away again for later tests.
        limiter.limit_manager.set_default_limits([])
        limiter.reset()


# --- what is counted -------------------------------------------------------------------


def test_answers_are_counted_by_area_and_status(client: FlaskClient) -> None:
    before = scrape(client)
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/api/v1/no-such-thing").status_code == 404
    assert client.get("/metrics").status_code == 401
    after = scrape(client)

    def grew(**labels: str) -> float:
        name = "booking_http_requests_total"
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew(area="public", status="200") == 2
    assert grew(area="none", status="404") == 2  # no route matched
    assert grew(area="metrics", status="401") == 1
    assert grew(area="metrics", status="200") == 1  # the first scrape; this one counts later


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN, "PROPAGATE_EXCEPTIONS": False}])
def test_an_unexpected_error_is_counted_as_its_500(app: Flask, client: FlaskClient) -> None:
    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/test-broken", "broken", broken)
    before = scrape(client)
    assert client.get("/test-broken").status_code == 500
    after = scrape(client)
    name = "booking_http_requests_total"
    assert value(after, name, area="broken", status="500") - \
        value(before, name, area="broken", status="500") == 1


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN, "RATELIMIT_ENABLED": True,
                                         "API_AUTH_RATE_LIMIT": "1 per minute",
                                         "SIGN_IN_ACCOUNT_RATE_LIMIT": "2 per hour"}])
def test_every_429_is_counted_once_as_a_refusal(app: Flask, client: FlaskClient,
                                                session: Session) -> None:
    user = make_user(session)
    session.commit()
    limiter.reset()
    try:
        before = scrape(client)
        # Every reason is a series from the start (at 0 until its first refusal).
        assert all(("booking_rate_limit_refusals_total", (("reason", reason),)) in before
                   for reason in ("ip", "account", "api"))
        wrong = {"email": user.email, "password": "wrong password"}
        # The account's limit: two wrong passwords, then it pauses.
        assert [client.post("/login", data=wrong).status_code for _ in range(3)] == \
            [200, 200, 429]
        # The address's limit: other accounts until the address is refused.
        others = []
        for n in range(12):
            others.append(client.post("/login", data={
                "email": f"kimse{n}@example.org", "password": "x"}).status_code)
            if others[-1] == 429:
                break
        assert others.count(429) == 1 and set(others[:-1]) == {200}
        other = {"email": "baska@example.org", "password": "wrong password"}
        tokens = [client.post("/api/v1/auth/tokens", json=other).status_code for _ in range(3)]
        assert tokens == [401, 429, 429]
        after = scrape(client)
    finally:
        limiter.reset()

    def refused(reason: str) -> float:
        name = "booking_rate_limit_refusals_total"
        return value(after, name, reason=reason) - value(before, name, reason=reason)

    assert (refused("ip"), refused("api"), refused("account")) == (1, 2, 1)
    answered = "booking_http_requests_total"
    assert value(after, answered, area="auth", status="429") - \
        value(before, answered, area="auth", status="429") == 2
    assert value(after, answered, area="api", status="429") - \
        value(before, answered, area="api", status="429") == 2


def test_a_refusal_reason_outside_the_known_few_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown rate-limit refusal reason 'account:x@y'"):
        count_refusal("account:x@y")


# --- the outbox, read from the database ------------------------------------------------


def test_the_outbox_figures_match_its_rows(client: FlaskClient, session: Session) -> None:
    empty = scrape(client)
    assert value(empty, "booking_database_up") == 1
    assert [value(empty, f"booking_outbox_{name}") for name in
            ("pending_messages", "backlog_messages", "backlog_oldest_seconds",
             "failed_messages")] == [0, 0, 0, 0]

    now = utcnow()
    plan = [  # (minutes from now when due, status)
        (-30, OutboxStatus.PENDING), (-5, OutboxStatus.PENDING),  # the backlog
        (24 * 60, OutboxStatus.PENDING),  # a reminder for tomorrow: pending, not late
        (-90, OutboxStatus.FAILED), (-120, OutboxStatus.FAILED), (-60, OutboxStatus.FAILED),
        (-600, OutboxStatus.SENT), (-700, OutboxStatus.SKIPPED),
    ]
    for number, (minutes, status) in enumerate(plan):
        message = outbox.enqueue(session, kind=kinds.REMINDER, recipient=f"kisi{number}@example.org",
                                 due_at=now + timedelta(minutes=minutes))
        message.status = status
    session.commit()

    taken = time.monotonic()
    samples = scrape(client)
    elapsed = time.monotonic() - taken + (utcnow() - now).total_seconds()
    assert value(samples, "booking_outbox_pending_messages") == 3
    assert value(samples, "booking_outbox_backlog_messages") == 2
    assert 30 * 60 <= value(samples, "booking_outbox_backlog_oldest_seconds") <= 30 * 60 + elapsed + 1
    assert value(samples, "booking_outbox_failed_messages") == 3


def test_an_unreachable_database_is_a_gauge_not_a_failed_scrape(
    db_engine_name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if db_engine_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'no-such-directory' / 'booking.sqlite3'}"
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/booking"
    unreachable = create_app({"TESTING": True, "DATABASE_URL": url, "METRICS_TOKEN": TOKEN})
    try:
        samples = scrape(unreachable.test_client())
    finally:
        with unreachable.app_context():
            db.engine.dispose()
    assert value(samples, "booking_database_up") == 0
    assert not [key for key in samples if key[0].startswith("booking_outbox_")]
    assert "metrics: the outbox could not be read: OperationalError" in caplog.text


# --- several gunicorn workers ------------------------------------------------------------


GUNICORN_CONF = """\
from prometheus_client import multiprocess


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
"""


def test_multiprocess_mode_without_its_directory_stops_the_start(tmp_path: Path) -> None:
    """Checked whether metrics are on or not: every answer is counted."""
    env = sender_env("sqlite://", free_port(),
                     PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "not-made-yet"))
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 1
    assert "ValueError: PROMETHEUS_MULTIPROC_DIR must name an existing directory" in started.stderr


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _healthz_200s(port: int) -> float:
    status, text = _get(port, "/metrics", AUTH)
    assert status == 200, text
    return value(parse(text), "booking_http_requests_total", area="public", status="200")


def _worker_pids(directory: Path) -> set[int]:
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob("counter_*.db")}


def test_every_gunicorn_worker_answers_with_the_totals_of_all(
    database_url: str, tmp_path: Path
) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text(GUNICORN_CONF, encoding="utf-8")
    port = free_port()
    env = sender_env(database_url, free_port(), PROMETHEUS_MULTIPROC_DIR=str(shared),
                     BOOKING_METRICS_TOKEN=TOKEN, BOOKING_SECRET_KEY="x" * 40)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(conf), "--workers", "2",
         "--timeout", "60", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert eventually(lambda: _answers(port), timeout=60), "gunicorn did not start"
        # One worker is kept busy by a request that has not finished arriving
        # (a sync worker serves one at a time), so the other serves the next ones.
        held = socket.create_connection(("127.0.0.1", port), timeout=10)
        held.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        time.sleep(0.3)
        for _ in range(5):
            assert _get(port, "/healthz")[0] == 200
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.recv(100).startswith(b"HTTP/1.1 200")
        held.close()
        assert len(_worker_pids(shared)) == 2  # a counter file per worker (none for the master)
        # Each scrape, whichever worker answers it, has all six.
        assert [_healthz_200s(port) for _ in range(6)] == [6] * 6

        # A worker that exits leaves its counts behind: the totals never go back.
        os.kill(sorted(_worker_pids(shared))[0], signal.SIGTERM)
        assert eventually(lambda: len(_worker_pids(shared)) == 3, timeout=30)  # its replacement
        assert [_healthz_200s(port) for _ in range(4)] == [6] * 4
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output, output


def _answers(port: int) -> bool:
    try:
        return _get(port, "/metrics", AUTH)[0] == 200
    except OSError:
        return False

