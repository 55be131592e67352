"""Reading stored rows defensively: a body that is not a JSON object is a corrupt row."""

from __future__ import annotations

import json
from typing import Any

# Rows whose body cannot be read are moved here, never deleted: an operator can look at them.
SET_ASIDE = """
CREATE TABLE IF NOT EXISTS set_aside (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body BLOB,
    version INTEGER,
    reason TEXT NOT NULL,
    at REAL NOT NULL
)
"""


def text_or_bytes(raw: bytes) -> str | bytes:
    """TEXT as str; bytes that are not UTF-8 are handed on as they are (a corrupt body)."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw


class CorruptRow(ValueError):
    """A stored body that is not a JSON object."""


def decode(text: object) -> dict[str, Any]:
    """The body of a row; raises CorruptRow when it is not a JSON object."""
    try:
        body = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError, RecursionError) as exc:
        raise CorruptRow(f"not valid JSON ({type(exc).__name__})") from exc
    if not isinstance(body, dict):
        raise CorruptRow(f"a JSON {type(body).__name__}, not an object")
    return body
