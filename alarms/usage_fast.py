"""Reading an invocation-log record's counts without decoding its prompt and answer.

Bedrock writes the request and response bodies (``input.inputBodyJson`` and
``output.outputBodyJson``) in full: they are most of a record's bytes and none of what spend
needs. ``read_fields`` cuts both bodies out by position (``str.find``, C speed) and decodes
only the rest, a few hundred bytes, with ``json.loads``. The cut is checked, not trusted:

* A key found by ``"name":`` is a real key: inside a JSON string every ``"`` is escaped, so a
  prompt that *says* ``"inputTokenCount": 9`` never matches. A body may still hold an object
  with such a key (an InvokeModel body or a tool's input can).
* A body ends where Bedrock's next key starts: ``inputTokenCount`` after the request,
  ``outputTokenCount`` after the answer, only a comma and spaces between, and what lies
  between starts with ``{`` and ends with ``}`` (or ``[`` and ``]``). If the key found
  is one nested inside the body, the rest would close more brackets than it opens, so it does
  not decode and the record is read whole.
* The decoded rest must hold ``input.inputBodyJson`` and ``output.outputBodyJson`` as the
  ``null`` put in their place (the cut started at the real key), and the two sections only
  the keys Bedrock writes (no stretch of another object was glued in).
* A cache count missing from the decoded rest is not inside a cut, so a key written
  between a body and its next key cannot be dropped with the body.
* A body holding more than ``MAX_OPENERS`` brackets (a deep nest needs one per level) is
  read whole, so a record nested too deeply to decode is set aside as it always was.

One shape is taken on trust, because Bedrock never writes it: a section with no count key
after its body, followed by an object (requestMetadata, identity) whose entry just before a
key of that count's name is itself an object. Bedrock's requestMetadata and identity hold
strings only; such a record, written by something else, could lose that object's keys.

Whenever one of these fails, or the rest does not check out as a usable record, the record
is decoded whole by ``alarms.usage.decode`` with its protections; that path decides.
"""

from __future__ import annotations

import json
from typing import Any

from alarms.usage import Checked, MalformedRecord, UsageRecord, checked, decode, record_from

INPUT_BODY = '"inputBodyJson":'
OUTPUT_BODY = '"outputBodyJson":'
INPUT_NEXT = '"inputTokenCount":'
OUTPUT_NEXT = '"outputTokenCount":'
CACHE_KEYS = tuple(
    (key, f'"{key}":') for key in ("cacheReadInputTokenCount", "cacheWriteInputTokenCount")
)
INPUT_KEYS = frozenset(
    {
        "inputContentType",
        "inputBodyJson",
        "inputBodyS3Path",
        "inputTokenCount",
        "cacheReadInputTokenCount",
        "cacheWriteInputTokenCount",
    }
)
OUTPUT_KEYS = frozenset(
    {"outputContentType", "outputBodyJson", "outputBodyS3Path", "outputTokenCount"}
)
SMALL = 1024  # records this short are decoded whole: nothing to save
# A body with more brackets than this is read whole: it may nest deeper than json.loads
# can go (about 1,000 levels less the caller's stack). A shorter body cannot hold that many.
MAX_OPENERS = 500
SHALLOW = 2 * MAX_OPENERS
BLANK = " \t\n\r"
CLOSERS = {"{": "}", "[": "]"}
DECODER = json.JSONDecoder()
Span = tuple[int, int]
NONE: Span = (0, 0)  # no such body in the record


def read_fields(message: str) -> tuple[dict[str, Any], Checked]:
    """The record (bodies possibly null) and its checked fields; raises MalformedRecord."""
    if len(message) > SMALL:
        data = without_bodies(message)
        if data is not None:
            try:
                return data, checked(data)
            except MalformedRecord:
                pass  # the whole record decides what is wrong with it
    data = decode(message)
    try:
        return data, checked(data)
    except (ValueError, TypeError, RecursionError) as exc:
        if isinstance(exc, MalformedRecord):
            raise
        raise MalformedRecord(f"unusable values ({type(exc).__name__})") from None


def read_usage(message: str) -> UsageRecord:
    """The UsageRecord of one message (latency and stop reason unset when a body was cut)."""
    data, _ = read_fields(message)
    return record_from(data)


def without_bodies(text: str) -> dict[str, Any] | None:
    """The record decoded with its bodies replaced by null, or None when unsure."""
    request = _span(text, INPUT_BODY, INPUT_NEXT, 0)
    if request is None:
        return None
    answer = _span(text, OUTPUT_BODY, OUTPUT_NEXT, request[1])  # where Bedrock writes it
    if answer is NONE and request is not NONE:
        answer = _span(text, OUTPUT_BODY, OUTPUT_NEXT, 0)
    if answer is None:
        return None
    if request is NONE or answer is NONE:
        spans = [answer] if request is NONE else [request]
        if answer is request:
            return None  # no body: nothing to cut
    elif request[1] <= answer[0]:
        spans = [request, answer]
    elif answer[1] <= request[0]:
        spans = [answer, request]
    else:
        return None
    first, last = spans[0][0], spans[-1][1]
    if last - first > SHALLOW and (
        text.count("[", first, last) + text.count("{", first, last) > MAX_OPENERS
    ):
        return None  # perhaps nested too deeply to decode: let the whole record say so
    if len(spans) == 2:
        (a, b), (c, d) = spans
        rest = f"{text[:a]}null{text[b:c]}null{text[d:]}"
    else:
        rest = f"{text[:first]}null{text[last:]}"
    try:
        data = DECODER.decode(rest)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict:
        return None
    if request is not NONE:
        inp = data.get("input")
        if not isinstance(inp, dict) or not _cut(inp, INPUT_KEYS, "inputBodyJson"):
            return None
        start, end = request
        for key, marker in CACHE_KEYS:  # a count left out of the cut, not dropped with it
            if key not in inp and text.find(marker, start, end) >= 0:
                return None
    if answer is not NONE and not _cut(data.get("output"), OUTPUT_KEYS, "outputBodyJson"):
        return None
    return data


def _span(text: str, key: str, after: str, start: int) -> Span | None:
    """Where the value of ``key`` (the first from ``start``) lies if ``after`` follows it;
    NONE when there is no such key."""
    found = text.find(key, start)
    if found < 0:
        return NONE
    start = found + len(key)
    end = text.find(after, start) - 1
    if end < start:
        return None
    while text[end] in BLANK:
        end -= 1
    if text[end] != ",":
        return None
    end -= 1
    while text[end] in BLANK:
        end -= 1
    opener = start
    while opener < end and text[opener] in BLANK:
        opener += 1
    if CLOSERS.get(text[opener]) != text[end]:
        return None  # not one object or array from end to end: unsure where it stops
    return start, end + 1


def _cut(section: Any, keys: frozenset[str], body: str) -> bool:
    return (
        isinstance(section, dict)
        and section.get(body, 0) is None
        and body in section
        and section.keys() <= keys
    )


__all__ = ["MalformedRecord", "read_fields", "read_usage", "without_bodies"]
