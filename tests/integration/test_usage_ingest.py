"""Invocation logs in moto's CloudWatch Logs, read over several polls and a restart:
every record counted exactly once, malformed lines counted and skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest

from alarms.usage import record_from
from bot.adapters.aws.invocation_logs import LogReader
from bot.adapters.clock import SystemClock
from bot.adapters.prices import Pricer
from bot.adapters.store import StateStore, StoreError, open_store
from bot.app.spend.ingest import CURSOR, UsageIngest
from bot.app.spend.summary import usage_summary
from tests.support.invocations import invocation, put_messages, put_records
from tests.support.stores import BACKENDS, store_url

GROUP = "/aws/bedrock/modelinvocations"
BASE = (datetime.now(UTC) - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
TAGS = ("team",)


@pytest.fixture
def logs(aws: str) -> Any:
    return boto3.client("logs", endpoint_url=aws, region_name="us-east-1")


def ingest(store: StateStore, logs: Any) -> UsageIngest:
    return UsageIngest(store, LogReader(logs, GROUP, page_limit=2), Pricer(), TAGS)


def at(minutes: float) -> datetime:
    return BASE + timedelta(minutes=minutes)


def rec(n: int, minutes: float, **kw: Any) -> dict[str, Any]:
    return invocation(
        at(minutes),
        f"req-{n}",
        input_tokens=1000 * n,
        output_tokens=100 * n,
        cache_read=5000 * n,
        **kw,
    )


def expected_usd(records: list[dict[str, Any]]) -> Decimal:
    pricer = Pricer()
    total = Decimal(0)
    for raw in records:
        record = record_from(raw)
        usd = pricer.price(record.model_id, record.tokens, record.time).usd
        assert usd is not None
        total += usd
    return total


@pytest.mark.parametrize("backend", BACKENDS)
def test_polls_and_a_restart_count_each_record_once(
    backend: str, logs: Any, tmp_path: Path, aws: str
) -> None:
    url = store_url(backend, tmp_path, aws)
    store = open_store(url, SystemClock())
    same_ms = at(3)
    first = [rec(1, 1, tags={"team": "a"}), rec(3, 3), rec(4, 3, role="batch")]
    put_records(logs, GROUP, first)
    put_messages(logs, GROUP, [(at(2), "not json {"), (at(2.5), '{"schemaType": "Other"}')])

    one = ingest(store, logs).run(BASE, same_ms + timedelta(milliseconds=1))
    assert (one.records, one.malformed, one.duplicates) == (3, 2, 0)
    assert one.pages >= 3  # page_limit=2 forces pagination

    late = [rec(5, 3), rec(6, 10)]  # one more at the boundary millisecond, one after
    put_records(logs, GROUP, late)
    two = ingest(store, logs).run(BASE, at(20))
    # the overlap window reads the first five again (malformed ones too): each seen before
    assert (two.records, two.malformed, two.duplicates) == (2, 0, 5)

    store.close()
    store = open_store(url, SystemClock())  # restart: a new process reads the same state
    put_records(logs, GROUP, [rec(7, 30, tags={"team": "b"})])
    put_messages(logs, GROUP, [(at(31), '{"schemaType": "ModelInvocationLog"}')])
    three = ingest(store, logs).run(BASE, at(40))
    assert (three.records, three.malformed, three.duplicates) == (1, 1, 0)  # req-6 out of reach
    idle = ingest(store, logs).run(BASE, at(40))
    assert (idle.records, idle.malformed) == (0, 0)

    everything = [*first, *late, rec(7, 30, tags={"team": "b"})]
    summary = usage_summary(store, BASE, at(60))
    assert summary.total.calls == 6
    assert summary.total.input == sum(r["input"]["inputTokenCount"] for r in everything)
    assert summary.total.cache_read == 5000 * (1 + 3 + 4 + 5 + 6 + 7)
    assert summary.usd == expected_usd(everything)
    assert dict(summary.principals)["batch"].calls == 1
    assert {k for k, _ in summary.tags} == {"team=a", "team=b"}
    cursor = store.get(CURSOR, GROUP)
    assert cursor is not None
    assert (cursor.body["records"], cursor.body["malformed"]) == (6, 3)


class FailingRollups:
    """A state store whose writes of usage roll-ups fail ``times`` times (a crash there)."""

    def __init__(self, inner: StateStore, times: int) -> None:
        self.inner = inner
        self.times = times

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def put(self, kind: str, key: str, body: dict[str, Any], **kw: Any) -> int:
        if kind == "usage_hour" and self.times > 0:
            self.times -= 1
            raise StoreError("disk full")
        return self.inner.put(kind, key, body, **kw)


def test_a_crash_between_cursor_and_rollups_loses_and_doubles_nothing(
    logs: Any, tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'state.db'}", SystemClock())
    records = [rec(n, n * 7) for n in range(1, 6)]  # spread over two hours
    put_records(logs, GROUP, records)
    flaky = FailingRollups(store, times=1)
    with pytest.raises(StoreError):
        UsageIngest(flaky, LogReader(logs, GROUP, page_limit=3), Pricer(), TAGS).run(  # type: ignore[arg-type]
            BASE, at(60)
        )
    report = UsageIngest(store, LogReader(logs, GROUP, page_limit=3), Pricer(), TAGS).run(
        BASE, at(60)
    )
    assert report.records == 2  # the first page was committed before the crash
    summary = usage_summary(store, BASE, at(120))
    assert summary.total.calls == 5
    assert summary.usd == expected_usd(records)
