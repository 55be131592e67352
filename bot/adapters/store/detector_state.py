"""What the detectors remember between polls, one compact document per judged series.

Kind ``detector_state``, key ``rule/model-or-guardrail/metric/statistic`` (whatever the
poller names a series with). The body is JSON, compressed with zlib and base64-encoded, so a
week of baseline stays far below DynamoDB's 400 KB item limit; a state that would still be
too large is not written (the series warms up from history again on the next poll, and the
log says why). A row that cannot be decoded is set aside (kind ``detector_state_set_aside``)
and reads as absent, so that series re-warms and the others go on.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import zlib
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.store.base import Conflict, StateStore, StoreError

KIND = "detector_state"
SET_ASIDE = "detector_state_set_aside"
MAX_BYTES = 300_000  # the encoded body; DynamoDB refuses items over 400 KB
KEEP = timedelta(days=35)  # an idle series keeps its weekly profile for five weeks

log = logging.getLogger(__name__)


class StateTooLarge(StoreError):
    """The compacted state is over the size guard; it is not written."""


def compact(body: dict[str, Any]) -> str:
    """``body`` as base64 of zlib-compressed JSON."""
    text = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return base64.b64encode(zlib.compress(text, 9)).decode("ascii")


def expand(packed: str) -> dict[str, Any]:
    """The inverse of ``compact``; ValueError when ``packed`` is not one."""
    try:
        found = json.loads(zlib.decompress(base64.b64decode(packed, validate=True)))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a compacted state: {type(exc).__name__}") from exc
    if not isinstance(found, dict):
        raise ValueError("not a compacted state: not an object")
    return found


class DetectorStateStore:
    """Load and save detector state in any ``StateStore`` (SQLite or DynamoDB)."""

    def __init__(self, store: StateStore, max_bytes: int = MAX_BYTES, prefix: str = "") -> None:
        """``prefix``: load only keys starting with it (one target region's series)."""
        self.store = store
        self.max_bytes = max_bytes
        self.prefix = prefix

    def load_all(self) -> dict[str, tuple[dict[str, Any], int]]:
        """Every readable state with its version, by key (one query, not one read per series)."""
        found: dict[str, tuple[dict[str, Any], int]] = {}
        for record in self.store.scan(KIND, self.prefix):
            body = self._open(record.key, record.body, record.version)
            if body is not None:
                found[record.key] = (body, record.version)
        return found

    def save(self, key: str, body: dict[str, Any], version: int | None, now: datetime) -> int:
        """Write on top of ``version`` (0: new); raises Conflict when another poller wrote it
        first and StateTooLarge when the compacted body is over the guard."""
        packed = compact(body)
        if len(packed) > self.max_bytes:
            raise StateTooLarge(
                f"detector state {key} is {len(packed):,} bytes compacted, over "
                f"{self.max_bytes:,}: not kept, the series warms up from history next poll"
            )
        return self.store.put(
            KIND, key, {"z": packed}, expected_version=version, expires_at=now + KEEP
        )

    def forget(self, key: str, version: int) -> None:
        """Remove the state written at ``version`` (the series warms up again)."""
        self.store.delete(KIND, key, expected_version=version)

    def _open(self, key: str, stored: dict[str, Any], version: int) -> dict[str, Any] | None:
        try:
            packed = stored.get("z")
            if not isinstance(packed, str):
                raise ValueError("no compacted state in the row")
            return expand(packed)
        except ValueError as exc:
            self._set_aside(key, stored, version, str(exc))
            return None

    def _set_aside(self, key: str, stored: dict[str, Any], version: int, reason: str) -> None:
        log.error(
            "detector state set aside: it cannot be read; the series warms up again",
            extra={"key": key, "reason": reason},
        )
        try:
            self.store.put(SET_ASIDE, key, {"reason": reason, "row": stored})
            self.store.delete(KIND, key, expected_version=version)
        except (Conflict, StoreError) as exc:
            log.warning("could not set the detector state aside", extra={"reason": str(exc)})
