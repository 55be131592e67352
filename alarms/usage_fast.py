"""Reading an invocation-log record's counts without building its prompt and answer.

Bedrock writes the request and response bodies (``input.inputBodyJson`` and
``output.outputBodyJson``) in full: they are most of a record's bytes and none of what spend
needs. ``read_fields`` decodes a record with msgspec into ``LoggedCall``, a typed struct that
declares only the fields spend reads. msgspec parses every byte (a record that is not JSON
fails) but skips undeclared fields, the bodies among them, in C without building a Python
object for them, and checks the declared ones while it reads:

* identifiers (``modelId``, ``requestId``) are non-empty strings, ``timestamp`` an RFC 3339
  time with a zone (parsed in C), ``schemaType`` (when present) is ``ModelInvocationLog``;
* the four token counts are integers from 0 to ``MAX_TOKENS`` (no float, bool or string);
* ``identity``, ``input`` and ``output`` are objects, ``requestMetadata`` an object of
  strings, ``errorCode`` a string or null.

A key of the same name inside a body (a tool input holding ``inputTokenCount``) is not the
record's: only the top-level sections are declared. A body nested too deeply for msgspec
raises ``RecursionError`` at its depth limit (about 1,000 levels, as ``json.loads``), never a
crash.

Whenever msgspec refuses a record (a type, a bound, a syntax or depth error, a lone
surrogate that cannot be UTF-8, a timestamp in another ISO 8601 form), the record is decoded
whole by ``alarms.usage.decode`` and checked by ``alarms.usage.checked``, with their
protections: that path decides, and its error names the problem. So the fast path only ever
answers for records that the whole reader would accept with the same fields.

The ingest loop reads ``LoggedCall`` itself (``read_call``): a record the whole reader had to
decide is turned back into one (``call_of``), so there is one shape to sum.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import msgspec

from alarms.usage import MAX_TOKENS, Checked, MalformedRecord, Stamp, checked, decode

Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_TOKENS)]
Name = Annotated[str, msgspec.Meta(min_length=1)]


class Identity(msgspec.Struct, gc=False):
    """The caller's section: its ARN."""

    arn: str = ""


class Request(msgspec.Struct, gc=False):
    """The ``input`` section without its body."""

    inputTokenCount: Count = 0
    cacheReadInputTokenCount: Count = 0
    cacheWriteInputTokenCount: Count = 0


class Answer(msgspec.Struct, gc=False):
    """The ``output`` section without its body."""

    outputTokenCount: Count = 0


class LoggedCall(msgspec.Struct, gc=False):
    """What spend reads of one invocation-log record; every other field is skipped."""

    timestamp: Stamp
    requestId: Name
    modelId: Name
    schemaType: Literal["ModelInvocationLog"] = "ModelInvocationLog"
    identity: Identity = msgspec.field(default_factory=Identity)
    input: Request = msgspec.field(default_factory=Request)
    output: Answer = msgspec.field(default_factory=Answer)
    errorCode: str | None = None
    requestMetadata: dict[str, str] = msgspec.field(default_factory=dict)
    accountId: str = ""
    region: str = ""


DECODER = msgspec.json.Decoder(LoggedCall)
REFUSED = (msgspec.MsgspecError, ValueError, RecursionError)
MAKE = partial(tuple.__new__, Checked)  # Checked built in C: no per-field Python call


def read_fields(message: str) -> Checked:
    """The record's checked fields; raises MalformedRecord (OutOfBounds) saying why."""
    return fast_fields(message) or whole_fields(message)


def whole_fields(message: str) -> Checked:
    """The checked fields of the record decoded whole (every protection of
    ``alarms.usage.decode``); raises MalformedRecord (OutOfBounds) saying why."""
    data = decode(message)
    try:
        return checked(data)
    except (ValueError, TypeError, RecursionError) as exc:
        if isinstance(exc, MalformedRecord):
            raise
        raise MalformedRecord(f"unusable values ({type(exc).__name__})") from None


def fast_fields(message: str) -> Checked | None:
    """The checked fields read without building the bodies; None when msgspec refuses the
    record (then only the whole reader can say what is wrong with it)."""
    try:
        call: LoggedCall = DECODER.decode(message)
    except REFUSED:
        return None
    inp = call.input
    return MAKE(
        (
            call.timestamp,
            call.requestId,
            call.modelId,
            call.identity.arn,
            inp.inputTokenCount,
            call.output.outputTokenCount,
            inp.cacheReadInputTokenCount,
            inp.cacheWriteInputTokenCount,
            call.errorCode or None,
            tuple(call.requestMetadata.items()),
            call.accountId,
            call.region,
        )
    )


def read_call(message: str) -> LoggedCall:
    """The record as a LoggedCall, fast when msgspec takes it, else decided by the whole
    reader; raises MalformedRecord (OutOfBounds) saying why."""
    try:
        return DECODER.decode(message)
    except REFUSED:
        return call_of(whole_fields(message))


def call_of(got: Checked) -> LoggedCall:
    """The LoggedCall holding the fields the whole reader checked."""
    return LoggedCall(
        timestamp=got.time,
        requestId=got.request_id,
        modelId=got.model_id,
        identity=Identity(got.identity_arn),
        input=Request(got.input, got.cache_read, got.cache_write),
        output=Answer(got.output),
        errorCode=got.error_code,
        requestMetadata=dict(got.tags),
        accountId=got.account,
        region=got.region,
    )


__all__ = [
    "LoggedCall",
    "MalformedRecord",
    "call_of",
    "fast_fields",
    "read_call",
    "read_fields",
    "whole_fields",
]
