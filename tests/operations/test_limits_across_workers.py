"""The documented sign-in limits hold with several gunicorn workers: the counts
live in Redis, shared by every worker (issue 16, item 4). With four workers and
counts in each worker's memory, up to four times the limit got through."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from tests.support.factories import make_user
from tests.support.processes import ROOT, sender_env

REDIS = ("127.0.0.1", 6379)
WORKERS = 4
ATTEMPTS = 30
LIMIT = 10  # SIGN_IN_RATE_LIMIT's "10 per minute" (docs/configuration.md)

pytestmark = pytest.mark.slow


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url() -> str:
    if not _reachable(REDIS):
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    pytest.importorskip("redis")
    return "redis://127.0.0.1:6379/0"


@pytest.fixture
def gunicorn(database_url: str, redis_url: str, smtp_port: int) -> Iterator[str]:
    """The service under gunicorn with four workers, limits counted in Redis
    under a key prefix of this test's own."""
    port = _free_port()
    env = sender_env(database_url, smtp_port, BOOKING_SECRET_KEY=uuid.uuid4().hex,
                     BOOKING_RATELIMIT_STORAGE_URI=redis_url,
                     BOOKING_RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
                     BOOKING_BASE_URL=f"http://127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise AssertionError(process.communicate()[0]) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=30)


class Browser:
    """A browser with its cookies and the sign-in form's CSRF token; every
    request opens a new connection, so gunicorn hands them to any worker."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/login", timeout=10).read().decode()
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        assert match, page[:500]
        self.csrf = match.group(1)

    def sign_in(self, email: str, password: str) -> int:
        data = urllib.parse.urlencode({"email": email, "password": password,
                                       "csrf_token": self.csrf}).encode()
        try:
            with self.opener.open(self.base + "/login", data=data, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


def test_four_workers_let_through_exactly_the_documented_sign_ins_a_minute(
        gunicorn: str, session: Session) -> None:
    user = make_user(session)
    session.commit()
    browser = Browser(gunicorn)
    codes = [browser.sign_in(user.email, "yanlış parola") for _ in range(ATTEMPTS)]
    assert codes.count(200) == LIMIT, codes  # the form again: a wrong password, answered
    assert codes.count(429) == ATTEMPTS - LIMIT, codes


def _chunked_post(base: str, path: str, content_type: str, total: int) -> bytes:
    """POST ``total`` bytes in chunks (no Content-Length); the status line of
    the answer, which may come before the body is all sent."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}"
                           "\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        chunk, sent = b"a" * 65536, 0
        try:
            while sent < total:
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            connection.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before the end: what is tested
        return connection.recv(200).split(b"\r\n")[0]


def test_a_chunked_body_past_the_limit_is_a_413_under_gunicorn(gunicorn: str) -> None:
    """Without a Content-Length the body is read one byte past the limit, then
    refused: not cut silently to the limit (which read as a bad form or JSON)."""
    big = 8 * 1024 * 1024
    assert _chunked_post(gunicorn, "/login", "application/x-www-form-urlencoded", big) \
        == b"HTTP/1.1 413 REQUEST ENTITY TOO LARGE"
    assert _chunked_post(gunicorn, "/api/v1/auth/tokens", "application/json", big) \
        == b"HTTP/1.1 413 REQUEST ENTITY TOO LARGE"
