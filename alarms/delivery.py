"""Delivery decisions: how long a notice waits after a failure, and which failures are final.

Pure: the app's delivery pipeline asks these questions; the channel adapter only reports
what the far end said (``SendFailed``).
"""

from __future__ import annotations

from datetime import timedelta

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=15)


class SendFailed(Exception):
    """A channel could not take a message.

    ``permanent``: the far end refused it for good (retrying cannot help). ``retry_after``:
    the far end asked for this wait (e.g. HTTP 429 ``Retry-After``).
    """

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 1 min, 2 min ... up to 15 min."""
    return min(BACKOFF_BASE * 2 ** max(0, attempts - 1), BACKOFF_CAP)


def wait_after(failure: SendFailed, attempts: int) -> timedelta:
    """How long the failed notice (and everything queued behind it) waits."""
    return failure.retry_after or backoff(attempts)
