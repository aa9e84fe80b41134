"""Run a child process of the test suite on the suite's clock.

tests/support/clock.py puts this folder on PYTHONPATH, with the number of
seconds the suite's clock is ahead of the real one in BOOKING_TEST_CLOCK_SHIFT,
only when the suite runs on a moved "today". Python imports ``sitecustomize``
at start-up, before the service's own code reads the time.
"""
import os

_shift = os.environ.get("BOOKING_TEST_CLOCK_SHIFT")
if _shift:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_shift), tick=True).start()
