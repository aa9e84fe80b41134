"""Do the answers to registration and to a reset request take the same time
whether or not the address has an account? One command:

    .venv/bin/python bench/account_privacy.py [--runs 40] [--engine sqlite]

Builds a throw-away database, makes one account (with the product's own
password hashing), and times through the real web app (test client; CSRF and
rate limits off; the SMTP server is a closed port, so a mail thread's send fails
after the answer, as a slow one would): POST /register for a new address and
for the taken one, POST /password/forgot for the account's address and for an
unknown one. Prints p50/p95 per case and the difference of the medians.
"""
from __future__ import annotations

import argparse
import itertools

from common import bench_app, bench_database, format_ms, print_machine, summarize, time_calls

from booking.extensions import db
from booking.migrate import upgrade_to_head
from booking.models import Role
from booking.services import accounts

PASSWORD = "bir uzun parola 2030"
TAKEN = "kurucu@ornek.org"


def _registration(email: str, n: int) -> dict[str, str]:
    return {"org_name": f"Ölçüm Derneği {n}", "org_kind": "association",
            "org_email": f"iletisim{n}@ornek.org", "user_name": "Ölçüm Kişisi",
            "user_email": email, "password": PASSWORD, "password_confirm": PASSWORD}


def run(engine_name: str, runs: int) -> None:
    with bench_database(engine_name) as url:
        app = bench_app(url, WTF_CSRF_ENABLED=False, SMTP_HOST="127.0.0.1", SMTP_PORT=9,
                        SMTP_TIMEOUT=1)
        with app.app_context():
            upgrade_to_head()
            accounts.create_user(db.session(), None, email=TAKEN, name="Kurucu",
                                 password=PASSWORD, role=Role.ADMIN)
            db.session.commit()
            print_machine(db.engine)
        client = app.test_client()
        counter = itertools.count()

        def post(path: str, data: dict[str, str]) -> None:
            response = client.post(path, data=data)
            assert response.status_code == 302, (path, response.status_code)

        cases = {
            "register, new address": lambda i: post(
                "/register", _registration(f"yeni{next(counter)}@ornek.org", next(counter))),
            "register, taken address": lambda i: post(
                "/register", _registration(TAKEN, next(counter))),
            "reset request, account": lambda i: post("/password/forgot", {"email": TAKEN}),
            "reset request, no account": lambda i: post(
                "/password/forgot", {"email": "kimse@ornek.org"}),
        }
        # Interleaved, so that a change of the machine's load falls on every case alike.
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for action in cases.values():
            time_calls(action, 0, warmup=3)
        for _ in range(runs):
            for name, action in cases.items():
                samples[name] += time_calls(action, 1, warmup=0)
        medians = {}
        for name, durations in samples.items():
            figures = summarize(durations)
            medians[name] = figures["p50"]
            print(f"{name:28} {format_ms(figures)}")
        for first, second in (("register, new address", "register, taken address"),
                              ("reset request, account", "reset request, no account")):
            print(f"difference of medians, {first.split(',')[0]}: "
                  f"{medians[first] - medians[second]:+.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    run(args.engine, args.runs)


if __name__ == "__main__":
    main()
