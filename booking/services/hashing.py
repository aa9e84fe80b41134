"""Secrets handed out once (API tokens, feed links, password reset links):
made here, and stored only as their SHA-256 hash."""
from __future__ import annotations

import hashlib
import secrets


def new_secret(nbytes: int = 32) -> str:
    """A random URL-safe secret."""
    return secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its SHA-256 hex digest. (Surrogates pass, so
    even a malformed secret from a URL hashes instead of failing.)"""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
