"""E-mail notifications through a durable outbox (SPEC §5).

- ``events``: what the booking services call; they only write outbox rows.
- ``outbox``: enqueue, claim, mark sent/failed/skipped; the sender loop.
- ``messages``: subject, plain text and HTML of each kind, per language.
- ``mailer``: SMTP delivery with ``smtplib`` and ``email.message``.
- ``staff``: the daily digest and the pending-request escalation.
"""
