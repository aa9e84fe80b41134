"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""
import sys

from booking import create_app
from booking.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as exc:
    # One line instead of a traceback. Status 4 is gunicorn's "the application
    # could not be loaded": the master stops instead of restarting workers forever.
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(4) from None
