"""Reading an invocation-log record's counts without decoding its prompt and answer.

Bedrock writes the request and response bodies (``input.inputBodyJson`` and
``output.outputBodyJson``) in full: they are most of a record's bytes and none of what spend
needs. ``read_usage`` cuts both bodies out by position and decodes only the rest, a few
hundred bytes. The cut is checked, not trusted: the remainder must decode to exactly the
shape Bedrock writes (both sections present, only their known keys, the bodies where they
were cut), else the record is read the slow way, whole, by ``parse_record``. A body that
mentions the same key names cannot move the cut to a wrong place unnoticed: a cut that
starts or ends inside a body leaves brackets unbalanced or the sections' keys changed.

Latency and stop reason live inside the response body, so this path leaves them unset;
they come from CloudWatch metrics where they are needed.
"""

from __future__ import annotations

import json
from typing import Any

from alarms.usage import MalformedRecord, UsageRecord, parse_record, record_from

INPUT_BODY = '"inputBodyJson":'
OUTPUT_BODY = '"outputBodyJson":'
INPUT_AFTER = ',"inputTokenCount":'
OUTPUT_AFTER = ',"outputTokenCount":'
INPUT_KEYS = frozenset(
    {
        "inputContentType",
        "inputBodyJson",
        "inputTokenCount",
        "cacheReadInputTokenCount",
        "cacheWriteInputTokenCount",
    }
)
OUTPUT_KEYS = frozenset({"outputContentType", "outputBodyJson", "outputTokenCount"})
SMALL = 2048  # records this short are decoded whole: nothing to save


def read_usage(message: str) -> UsageRecord:
    """The UsageRecord of one log event's message; raises MalformedRecord.

    Gives what ``parse_record`` gives for every well-formed record, without decoding the
    bodies when they can be cut out safely.
    """
    if len(message) > SMALL:
        data = _without_bodies(message)
        if data is not None:
            return record_from(data)
    return parse_record(message)


def _without_bodies(text: str) -> dict[str, Any] | None:
    """The record decoded with both bodies replaced by null, or None when unsure."""
    marks = _first_marks(text)
    if marks is None or marks != _last_marks(text):
        return None  # a body holds one of the key names: read it the slow way
    a, b, c, d = marks
    a += len(INPUT_BODY)
    c += len(OUTPUT_BODY)
    try:
        data = json.loads(f"{text[:a]}null{text[b:c]}null{text[d:]}")
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not (
        _section_ok(data.get("input"), INPUT_KEYS, "inputBodyJson")
        and _section_ok(data.get("output"), OUTPUT_KEYS, "outputBodyJson")
    ):
        return None
    return data


def _first_marks(text: str) -> tuple[int, int, int, int] | None:
    """Where the four key names first occur, each after the one before."""
    a = text.find(INPUT_BODY)
    b = text.find(INPUT_AFTER, a) if a >= 0 else -1
    c = text.find(OUTPUT_BODY, b) if b >= 0 else -1
    d = text.find(OUTPUT_AFTER, c) if c >= 0 else -1
    return (a, b, c, d) if d >= 0 else None


def _last_marks(text: str) -> tuple[int, int, int, int] | None:
    """Where the four key names last occur, each before the one after.

    When these equal the first occurrences, each name occurs once in its stretch, so no body
    holds one and the cuts are exactly the bodies.
    """
    d = text.rfind(OUTPUT_AFTER)
    c = text.rfind(OUTPUT_BODY, 0, d) if d >= 0 else -1
    b = text.rfind(INPUT_AFTER, 0, c) if c >= 0 else -1
    a = text.rfind(INPUT_BODY, 0, b) if b >= 0 else -1
    return (a, b, c, d) if a >= 0 else None


def _section_ok(section: Any, keys: frozenset[str], body: str) -> bool:
    return (
        isinstance(section, dict)
        and section.keys() <= keys
        and body in section
        and section[body] is None
    )


__all__ = ["MalformedRecord", "read_usage"]
