"""Run one piece of work in many threads released at the same instant, each in
its own application context and session, as concurrent requests would."""
from __future__ import annotations

import threading
from collections.abc import Callable

from booking.extensions import db


def race(app, work: Callable[[int], object], writers: int,
         expected: Callable[[Exception], str | None]) -> list[str]:
    """Run ``work(i)`` for i in range(writers) at once, committing each; return
    the outcomes: "ok", or what ``expected`` makes of an exception it expects
    (it returns None for one it does not: that outcome is "<type>: <message>",
    which no test expects, so the assertion shows it)."""
    barrier = threading.Barrier(writers)
    results: list[str] = []
    guard = threading.Lock()

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                work(i)
                db.session.commit()
                outcome = "ok"
            except Exception as exc:  # noqa: BLE001 - every outcome is reported
                db.session.rollback()
                outcome = expected(exc) or f"{type(exc).__name__}: {exc}"
            finally:
                db.session.remove()
        with guard:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
