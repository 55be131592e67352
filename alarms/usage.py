"""One Bedrock model-invocation log record, reduced to what cost and stats need.

``parse_record`` reads a record's JSON and keeps only counts and identifiers: prompt and
answer bodies are never kept. A record that is not a usable invocation log raises
``MalformedRecord`` whose message names the problem, never the content.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, NamedTuple

import msgspec

from alarms.model import Frozen
from alarms.pricing import TokenCounts, is_application_profile, plain_model_id, strip_geo

SCHEMA = "ModelInvocationLog"
# No Bedrock model takes or writes more than this many tokens in one call (the largest
# context windows are a few million tokens); a larger count is a broken or forged record.
MAX_TOKENS = 10_000_000
EMPTY: dict[str, Any] = {}
# A record's time: RFC 3339 with a zone, as Bedrock writes it (read in C by msgspec).
Stamp = Annotated[datetime, msgspec.Meta(tz=True)]
_STAMP = msgspec.json.Decoder(Stamp)


class MalformedRecord(ValueError):
    """The record cannot be used; the message says why without quoting it."""


class OutOfBounds(MalformedRecord):
    """The record is well formed but a number in it is outside what Bedrock can produce."""


class UsageRecord(Frozen):
    """Who called which model when, with how many tokens (no bodies)."""

    time: datetime
    request_id: str
    operation: str
    model_id: str  # as logged: a model id, a profile id or an ARN
    base_model: str  # the model behind it (an unresolved application profile stays an ARN)
    inference_profile: str | None = None  # the cross-region or application profile used
    region: str | None = None
    inference_region: str | None = None
    identity_arn: str = ""
    principal: str = ""
    tags: dict[str, str] = {}
    tokens: TokenCounts = TokenCounts()
    latency_ms: int | None = None
    stop_reason: str | None = None
    error_code: str | None = None


def principal_of(arn: str) -> str:
    """A readable caller: role name for assumed roles and roles, user name for users."""
    if not arn:
        return "unknown"
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    parts = [p for p in rest.split("/") if p]
    if kind == "assumed-role" and parts:
        return parts[0]
    if kind in ("user", "role", "federated-user") and parts:
        return parts[-1]
    if resource == "root":
        return "root"
    return resource or arn


def base_model_of(model_id: str) -> str:
    """The model behind a logged id (an unresolved application profile stays an ARN)."""
    plain = plain_model_id(model_id)
    return plain if is_application_profile(plain) else strip_geo(plain)


def parse_record(message: str | bytes) -> UsageRecord:
    """The UsageRecord in one log event's message; raises MalformedRecord."""
    return record_from(decode(message))


def decode(message: str | bytes) -> dict[str, Any]:
    """One log event's message decoded whole; raises MalformedRecord (never RecursionError)."""
    try:
        data = json.loads(message)
    except (ValueError, UnicodeDecodeError):
        raise MalformedRecord("not JSON") from None
    except RecursionError:
        raise MalformedRecord("nested too deeply to read") from None
    if not isinstance(data, dict):
        raise MalformedRecord("not a JSON object")
    return data


def record_from(data: dict[str, Any]) -> UsageRecord:
    """The UsageRecord in an already decoded invocation-log record; raises MalformedRecord."""
    try:
        return _record_from(data)
    except MalformedRecord:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # pydantic's, or odd values
        raise MalformedRecord(f"unusable values ({type(exc).__name__})") from None


class Checked(NamedTuple):
    """The checked fields of one record that spend needs (what the ingest path reads)."""

    time: datetime
    request_id: str
    model_id: str
    identity_arn: str
    input: int
    output: int
    cache_read: int
    cache_write: int
    error_code: str | None  # a non-empty errorCode, else None
    tags: tuple[tuple[str, str], ...]  # requestMetadata's entries with string values
    account: str = ""  # accountId as logged ("" when absent or not a string)
    region: str = ""  # region as logged (the caller's region, not inferenceRegion)


def checked(data: dict[str, Any]) -> Checked:
    """The record's identifiers and counts, checked; raises MalformedRecord (OutOfBounds).

    Runs once per logged call, so the common case is tested inline and only a value that
    fails it goes through the checks that say what is wrong.
    """
    get = data.get
    if get("schemaType", SCHEMA) != SCHEMA:
        raise MalformedRecord(f"schemaType is not {SCHEMA}")
    model_id, request_id, stamp = get("modelId"), get("requestId"), get("timestamp")
    if not (type(model_id) is str and type(request_id) is str and type(stamp) is str):
        model_id, request_id = _required(data, "modelId"), _required(data, "requestId")
        stamp = _required(data, "timestamp")
    elif not (model_id and request_id and stamp):
        _required(data, "modelId"), _required(data, "requestId"), _required(data, "timestamp")
    moment = moment_of(stamp)
    inp, out = get("input", EMPTY), get("output", EMPTY)
    if type(inp) is not dict or type(out) is not dict:
        inp, out = _section(data, "input"), _section(data, "output")
    counts = (
        inp.get("inputTokenCount", 0),
        out.get("outputTokenCount", 0),
        inp.get("cacheReadInputTokenCount", 0),
        inp.get("cacheWriteInputTokenCount", 0),
    )
    a, b, c, d = counts
    if not (
        type(a) is int
        and type(b) is int
        and type(c) is int
        and type(d) is int
        and min(counts) >= 0
        and max(counts) <= MAX_TOKENS
    ):
        a, b = _count(inp, "inputTokenCount"), _count(out, "outputTokenCount")
        c, d = _count(inp, "cacheReadInputTokenCount"), _count(inp, "cacheWriteInputTokenCount")
    identity = get("identity")
    arn = identity.get("arn", "") if type(identity) is dict else ""
    arn = arn if type(arn) is str else ""
    tags = tuple(tags_of(get("requestMetadata")).items())
    account, region = get("accountId", ""), get("region", "")
    return Checked(
        moment,
        request_id,
        model_id,
        arn,
        a,
        b,
        c,
        d,
        _text(data, "errorCode"),
        tags,
        account if type(account) is str else "",
        region if type(region) is str else "",
    )


def moment_of(stamp: str) -> datetime:
    """The time of a record's ``timestamp`` (ISO 8601 with a zone); raises MalformedRecord.

    RFC 3339 is read as msgspec reads it on the fast path (so both paths agree to the
    microsecond); other ISO 8601 forms as ``datetime.fromisoformat`` reads them.
    """
    try:
        return _STAMP.decode(msgspec.json.encode(stamp))
    except (msgspec.MsgspecError, ValueError, OverflowError):  # a lone surrogate, a range
        pass
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedRecord("timestamp is not ISO 8601") from None
    if moment.tzinfo is None:
        raise MalformedRecord("timestamp has no time zone")
    return moment


def _record_from(data: dict[str, Any]) -> UsageRecord:
    got = checked(data)
    model_id, arn = got.model_id, got.identity_arn
    body = data["output"].get("outputBodyJson") if "output" in data else None
    body = body if isinstance(body, dict) else {}
    plain = plain_model_id(model_id)
    base = base_model_of(model_id)
    # Every value is checked above, so the models are built without validating them again
    # (this runs once per logged call: hundreds of thousands a poll on a busy account).
    return UsageRecord.model_construct(
        time=got.time,
        request_id=got.request_id,
        operation=_text(data, "operation") or "",
        model_id=model_id,
        base_model=base,
        inference_profile=model_id if base != plain or is_application_profile(plain) else None,
        region=_text(data, "region"),
        inference_region=_text(data, "inferenceRegion"),
        identity_arn=arn,
        principal=principal_of(arn),
        tags=dict(got.tags),
        tokens=TokenCounts.model_construct(
            input=got.input,
            output=got.output,
            cache_read=got.cache_read,
            cache_write=got.cache_write,
        ),
        latency_ms=_latency(body),
        stop_reason=_stop_reason(body),
        error_code=got.error_code,
    )


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _required(data: dict[str, Any], key: str) -> str:
    value = _text(data, key)
    if value is None:
        raise MalformedRecord(f"{key} is missing or not a string")
    return value


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise MalformedRecord(f"{key} is not an object")
    return value


def _count(section: dict[str, Any], key: str) -> int:
    value = section.get(key, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedRecord(f"{key} is not a non-negative integer")
    if value > MAX_TOKENS:
        raise OutOfBounds(f"{key} is above {MAX_TOKENS:,}, more than any model takes")
    return value


def tags_of(value: Any) -> dict[str, str]:
    """The caller's requestMetadata tags with string values (others are ignored)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _latency(body: dict[str, Any]) -> int | None:
    metrics = body.get("metrics")
    value = metrics.get("latencyMs") if isinstance(metrics, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _stop_reason(body: dict[str, Any]) -> str | None:
    value = body.get("stopReason", body.get("stop_reason"))
    return value if isinstance(value, str) else None
