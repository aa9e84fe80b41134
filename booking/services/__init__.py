"""The domain: plain typed functions that take a session and the acting user.

Nothing here imports Flask's request, session, ``current_user`` or ``flash``;
``now`` is a parameter wherever time matters.
"""
