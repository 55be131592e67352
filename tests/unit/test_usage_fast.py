"""The fast reader of invocation-log records gives what decoding the whole record gives.

The fast reader (msgspec into a struct that declares only the fields spend reads) skips the
bodies; these records try to fool it: prompts that quote key names, bodies with real keys of
the same names, deep nests, escapes, duplicate keys, lone surrogates, keys in any order,
missing fields, wrong types, bodies kept in S3. Each is read both ways and must agree.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alarms.usage import Checked, MalformedRecord, checked, decode
from alarms.usage_fast import LoggedCall, call_of, fast_fields, read_call, read_fields

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILLER = "Summarise the ticket history below for the on-call engineer. " * 40


def record(**changes: Any) -> dict[str, Any]:
    """A Converse record in Bedrock's key order, bodies large enough to be cut."""
    base: dict[str, Any] = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": "2026-11-20T14:03:11Z",
        "accountId": "111122223333",
        "identity": {"arn": "arn:aws:sts::111122223333:assumed-role/support-bot/s-1"},
        "region": "us-east-1",
        "requestId": "req-1",
        "operation": "Converse",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": {"messages": [{"role": "user", "content": [{"text": FILLER}]}]},
            "inputTokenCount": 1200,
            "cacheReadInputTokenCount": 300,
            "cacheWriteInputTokenCount": 7,
        },
        "output": {
            "outputContentType": "application/json",
            "outputBodyJson": {"output": {"message": {"content": [{"text": FILLER}]}}},
            "outputTokenCount": 640,
        },
        "requestMetadata": {"team": "support"},
    }
    base.update(changes)
    return base


def both_ways(text: str) -> tuple[Any, Any]:
    """(fast, whole): each the checked fields plus error code and tags, or the error.

    The call the ingest loop sums (``read_call``) must hold the same fields as the fast
    reader's (an empty errorCode counts as none on both).
    """
    fast = _outcome(lambda: read_fields(text))
    summed = _outcome(lambda: read_call(text))
    if isinstance(summed, LoggedCall):
        summed = msgspec.structs.replace(summed, errorCode=summed.errorCode or None)
    assert summed == (call_of(fast) if isinstance(fast, Checked) else fast)
    return fast, _outcome(lambda: _whole(text))


def _whole(text: str) -> Checked:
    return checked(decode(text))


def _outcome(read: Any) -> Any:
    try:
        return read()
    except MalformedRecord as exc:
        return type(exc).__name__, str(exc)


def compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def test_a_bedrock_record_is_read_without_its_bodies_and_gives_the_same_fields() -> None:
    text = compact(record())
    assert fast_fields(text) is not None  # read without building the bodies
    fast, whole = both_ways(text)
    assert fast == whole
    assert fast.input == 1200 and fast.cache_read == 300 and fast.output == 640
    assert fast.tags == (("team", "support"),) and fast.error_code is None


@pytest.mark.parametrize(
    "said",
    [
        '"inputTokenCount": 999999',
        '"modelId":"evil","inputTokenCount":999999},"output":{"outputTokenCount":5',
        '\\",\\"inputTokenCount\\":1}',
        '"outputBodyJson":{} , "outputTokenCount": 10000000000',
    ],
)
def test_a_prompt_that_quotes_key_names_does_not_fool_the_reader(said: str) -> None:
    data = record()
    data["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"] = FILLER + said
    data["output"]["outputBodyJson"]["output"]["message"]["content"][0]["text"] = said
    text = compact(data)
    assert fast_fields(text) is not None  # quoted text never looks like a key
    fast, whole = both_ways(text)
    assert fast == whole
    assert fast.model_id.startswith("anthropic.") and fast.input == 1200


def test_bodies_holding_real_keys_of_the_same_names_give_the_real_counts() -> None:
    data = record()
    forged = {"inputTokenCount": 999_999, "modelId": "evil", "outputTokenCount": 5}
    data["input"]["inputBodyJson"] = {"prompt": FILLER, "input": forged, **forged}
    data["output"]["outputBodyJson"] = {"inputBodyJson": forged, "outputTokenCount": 7}
    data["requestMetadata"] = {"inputTokenCount": "1", "outputBodyJson": "x"}
    fast, whole = both_ways(compact(data))
    assert fast == whole
    assert (fast.model_id, fast.input, fast.output) == (data["modelId"], 1200, 640)


@pytest.mark.parametrize("depth", [1000, 100_000])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_a_body_nested_too_deeply_is_set_aside_as_the_whole_reader_does(
    opener: str, depth: int
) -> None:
    closer = "]" if opener == "[" else "}"
    deep = opener * depth + "1" + closer * depth
    text = compact(record()).replace('"inputBodyJson":{', f'"inputBodyJson":{{"d":{deep},', 1)
    assert fast_fields(text) is None  # msgspec stops at its depth limit: read whole
    fast, whole = both_ways(text)
    assert fast == whole == ("MalformedRecord", "nested too deeply to read")


def test_a_moderately_nested_body_is_read_like_any_other() -> None:
    nest = "[" * 300 + '"' + FILLER + '"' + "]" * 300
    text = compact(record()).replace('"inputBodyJson":{', f'"inputBodyJson":{{"d":{nest},', 1)
    assert fast_fields(text) is not None
    fast, whole = both_ways(text)
    assert fast == whole and fast.input == 1200


def test_escapes_and_non_ascii_text_in_bodies() -> None:
    data = record()
    text = FILLER + 'caf\u00e9 \U0001f642 "quoted" back\\slash \\" \n\t \u2028 }]}]'
    data["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"] = text
    for dumped in (compact(data), json.dumps(data)):  # raw UTF-8 and \\u escapes
        assert fast_fields(dumped) is not None
        fast, whole = both_ways(dumped)
        assert fast == whole


def test_an_escaped_key_name_is_read_the_slow_way_and_still_right() -> None:
    text = compact(record()).replace('"inputTokenCount"', '"input\\u0054okenCount"')
    fast, whole = both_ways(text)
    assert fast == whole and fast.input == 1200


@pytest.mark.parametrize("seed", range(12))
def test_keys_in_any_order_give_the_same_fields(seed: int) -> None:
    rng = random.Random(seed)
    data = record(errorCode="ThrottlingException")
    for section in ("input", "output"):
        items = list(data[section].items())
        rng.shuffle(items)
        data[section] = dict(items)
    items = list(data.items())
    rng.shuffle(items)
    text = json.dumps(dict(items), indent=2 if seed % 2 else None)
    fast, whole = both_ways(text)
    assert fast == whole
    assert fast.cache_read == 300 and fast.error_code == "ThrottlingException"


def test_pretty_printed_records_are_cut_too() -> None:
    text = json.dumps(record(), indent=2)
    assert fast_fields(text) is not None
    assert both_ways(text)[0] == both_ways(text)[1]


@pytest.mark.parametrize(
    "path",
    [
        *[("modelId",), ("timestamp",), ("requestId",), ("identity",), ("input",), ("output",)],
        *[("input", "inputTokenCount"), ("input", "inputBodyJson"), ("output", "outputBodyJson")],
    ],
)
def test_missing_fields_give_what_the_whole_record_gives(path: tuple[str, ...]) -> None:
    data = record()
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    fast, whole = both_ways(compact(data))
    assert fast == whole


def test_bodies_kept_in_s3_are_read_right() -> None:
    data = record()
    del data["input"]["inputBodyJson"], data["output"]["outputBodyJson"]
    data["input"]["inputBodyS3Path"] = "s3://logs/AWSLogs/input.json"
    data["output"]["outputBodyS3Path"] = "s3://logs/AWSLogs/output.json"
    data["requestMetadata"] = {"note": FILLER}  # long enough to try the fast path
    fast, whole = both_ways(compact(data))
    assert fast == whole and fast.input == 1200


def test_a_cache_count_written_between_a_body_and_its_next_key_is_not_lost() -> None:
    data = record()
    body = data["input"].pop("inputBodyJson")
    data["input"] = {"inputBodyJson": body, **data["input"]}  # cache counts after the body...
    data["input"]["inputTokenCount"] = data["input"].pop("inputTokenCount")  # ...then input
    fast, whole = both_ways(compact(data))
    assert fast == whole and (fast.cache_read, fast.cache_write) == (300, 7)


def test_a_key_of_the_same_name_in_a_later_object_is_not_taken_for_the_real_one() -> None:
    data = record()
    del data["output"]["outputTokenCount"]  # none after the answer: the next one is elsewhere
    data["requestMetadata"] = {"team": "support", "outputTokenCount": 5}
    fast, whole = both_ways(compact(data))
    assert fast == whole and fast.output == 0 and fast.tags == (("team", "support"),)


@pytest.mark.parametrize("count", [10**30, -5, 1.5, "12", True])
def test_counts_out_of_bounds_or_of_the_wrong_type_are_refused_alike(count: Any) -> None:
    data = record()
    data["input"]["inputTokenCount"] = count
    fast, whole = both_ways(compact(data))
    assert fast == whole and fast[0] in ("OutOfBounds", "MalformedRecord")
    if count == 10**30:
        assert fast == (
            "OutOfBounds",
            "inputTokenCount is above 10,000,000, more than any model takes",
        )


def test_duplicate_keys_count_the_last_value_as_the_whole_reader_does() -> None:
    text = compact(record()).replace(
        '"inputTokenCount":1200', '"inputTokenCount":5,"inputTokenCount":1200', 1
    )
    text = text.replace('"modelId":', '"modelId":"first","modelId":', 1)
    assert fast_fields(text) is not None
    fast, whole = both_ways(text)
    assert fast == whole and (fast.input, fast.model_id) == (1200, record()["modelId"])


@pytest.mark.parametrize("odd", ["\ud800 a lone surrogate", "\udfff\ud83d"])
def test_text_that_is_not_utf8_is_read_whole_and_counted(odd: str) -> None:
    data = record()
    data["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"] = FILLER + odd
    # written raw (a str that cannot be UTF-8) and as JSON escapes msgspec refuses
    for message in (compact(data), json.dumps(data)):
        assert fast_fields(message) is None  # the whole reader decides
        fast, whole = both_ways(message)
        assert fast == whole and fast.input == 1200


@pytest.mark.parametrize(
    ("schema", "outcome"),
    [
        (None, "MalformedRecord"),
        ("ModelInvocationLog", None),
        ("modelinvocationlog", "MalformedRecord"),
        (1, "MalformedRecord"),
        ("", "MalformedRecord"),
    ],
)
def test_schema_type_variations(schema: Any, outcome: str | None) -> None:
    fast, whole = both_ways(compact(record(schemaType=schema, schemaVersion="2.0")))
    assert fast == whole
    assert (fast[0] if outcome else None) == outcome
    data = record()
    del data["schemaType"], data["schemaVersion"]  # older records carry neither
    fast, whole = both_ways(compact(data))
    assert fast == whole and fast.input == 1200


@pytest.mark.parametrize(
    "changes",
    [
        {"modelId": 7},
        {"modelId": ""},
        {"requestId": ["r"]},
        {"timestamp": 1700000000},
        {"timestamp": "2026-11-20T14:03:11"},
        {"timestamp": "yesterday"},
        {"timestamp": "2026-11-20t14:03:11z"},
        {"timestamp": "2026-11-20T16:03:11.1234567+02:00"},
        {"timestamp": "20261120T140311Z"},
        {"timestamp": "2026-11-20T23:59:60Z"},
        {"timestamp": "0001-01-01T00:30:00+01:00"},
        {"identity": "arn:aws:iam::1:user/x"},
        {"identity": {"arn": 5}},
        {"identity": None},
        {"input": [1200]},
        {"input": None},
        {"output": "640"},
        {"errorCode": 5},
        {"errorCode": ""},
        {"errorCode": None},
        {"requestMetadata": {"team": 5, "app": "a"}},
        {"requestMetadata": ["team"]},
        {"requestMetadata": None},
    ],
)
def test_wrong_types_give_what_the_whole_record_gives(changes: dict[str, Any]) -> None:
    fast, whole = both_ways(compact(record(**changes)))
    assert fast == whole


def test_a_count_in_a_section_of_the_wrong_type_is_refused_alike() -> None:
    data = record()
    data["input"]["cacheReadInputTokenCount"] = None  # written as null: no cache tokens
    data["output"]["outputTokenCount"] = 2**64  # above what a 64-bit integer holds
    fast, whole = both_ways(compact(data))
    assert fast == whole and fast[0] == "OutOfBounds"


def test_an_integer_too_long_for_json_loads_in_a_body_does_not_lose_the_record() -> None:
    """The one known difference: json.loads refuses integers over 4,300 digits; msgspec
    skips them in a body it never builds, so the record is counted (its counts are fine)."""
    data = record()
    text = compact(data).replace(
        '"inputBodyJson":{', '"inputBodyJson":{"n":1' + "0" * 5000 + ",", 1
    )
    assert both_ways(text)[1] == ("MalformedRecord", "not JSON")
    got = read_fields(text)
    assert (got.input, got.output, got.model_id) == (1200, 640, data["modelId"])


KEYS = st.sampled_from(
    [
        "inputBodyJson",
        "outputBodyJson",
        "inputTokenCount",
        "outputTokenCount",
        "cacheReadInputTokenCount",
        "modelId",
        "input",
        "output",
        "text",
    ]
)
LEAF = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**8), st.text(max_size=30))
BODY = st.recursive(
    LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(
    request=BODY,
    answer=BODY,
    order=st.randoms(use_true_random=False),
    indent=st.sampled_from([None, 1]),
    padding=st.integers(0, 2000),
)
def test_any_bodies_in_any_order_give_what_the_whole_record_gives(
    request: Any, answer: Any, order: random.Random, indent: int | None, padding: int
) -> None:
    data = record()
    data["input"]["inputBodyJson"] = [request, "x" * padding]
    data["output"]["outputBodyJson"] = answer
    if order.random() < 0.5:
        items = list(data.items())
        order.shuffle(items)
        data = dict(items)
    fast, whole = both_ways(json.dumps(data, indent=indent))
    assert fast == whole
