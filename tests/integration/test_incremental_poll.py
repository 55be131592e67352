"""A poll reads only what its detectors have not judged yet, and the state outlives the process.

100 models on moto; the GetMetricData requests boto3 sends are captured with botocore's event
hooks, so the assertions are on what went over the wire.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.detector_state import KIND, SET_ASIDE
from bot.config.load import load_settings
from bot.entrypoints.demo.seed import Incident, ModelProfile, seed_fleet
from tests.support.stores import BACKENDS, store_url

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
PERIOD = timedelta(minutes=5)
OVERLAP = 3 * PERIOD
FLEET = [ModelProfile(f"test.model-{i:03d}-v1:0", 150, 1000 + 10 * i) for i in range(100)]
SPIKY = FLEET[0].model_id
SMALL = FLEET[:5]  # for the tests that are not about scale
SERIES_PER_MODEL = 4  # latency, invocations, throttles, server errors


def spike(start: datetime, end: datetime) -> Incident:
    return Incident(SPIKY, start, end, latency_factor=3.0)


def seed(
    cloudwatch: Any,
    end: datetime,
    span: timedelta,
    *incidents: Incident,
    fleet: list[ModelProfile] = FLEET,
) -> None:
    seed_fleet(cloudwatch, end, fleet, incidents, hours=span.total_seconds() / 3600)


class Wire:
    """The Bedrock GetMetricData requests a client sends: (start, end, queries)."""

    def __init__(self, client: Any) -> None:
        self.sent: list[tuple[datetime, datetime, int]] = []
        client.meta.events.register("before-parameter-build.cloudwatch.GetMetricData", self._record)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        queries = params["MetricDataQueries"]
        if queries[0]["MetricStat"]["Metric"]["Namespace"] == "AWS/Bedrock":
            self.sent.append((params["StartTime"], params["EndTime"], len(queries)))

    def take(self) -> list[tuple[datetime, datetime, int]]:
        sent, self.sent = self.sent, []
        return sent


def poller(clock: FixedClock, cloudwatch: Any, url: str | None = None) -> Any:
    """A freshly bootstrapped poller, as a new process would build it."""
    extra = {} if url is None else {"state_url": url}
    settings = load_settings(
        latency_statistic="Average", lookback_hours=1, aws_read_timeout_seconds=60, **extra
    )
    store = open_store(settings.state_url, clock)
    return bootstrap.poller(settings, store=store, cloudwatch=cloudwatch, at=clock)


def firing(url: str, clock: FixedClock) -> list[str]:
    return sorted(a.labels["model"] for a in AlertStore(open_store(url, clock)).active())


def warm(cloudwatch: Any, fleet: list[ModelProfile]) -> tuple[FixedClock, Wire]:
    seed(cloudwatch, END, timedelta(hours=1), spike(END - timedelta(minutes=20), END), fleet=fleet)
    return FixedClock(END + timedelta(seconds=30)), Wire(cloudwatch)


@pytest.mark.slow
def test_the_second_poll_reads_only_the_new_period_and_the_overlap(
    cloudwatch: Any, tmp_path: Path
) -> None:
    clock, wire = warm(cloudwatch, FLEET)
    url = f"sqlite:///{tmp_path / 'state.db'}"
    first = poller(clock, cloudwatch).run_once(clock.now())
    assert first.failures == []
    assert [n for n, _ in first.notices] == ["firing"]
    assert wire.take() == [(END - timedelta(hours=1), END, 100 * SERIES_PER_MODEL)]  # warm-up

    seed(cloudwatch, END + PERIOD, PERIOD, spike(END, END + PERIOD))
    clock.advance(PERIOD)
    second = poller(clock, cloudwatch).run_once(clock.now())  # a new process, same file
    assert second.notices == []
    assert wire.take() == [(END - OVERLAP, END + PERIOD, 100 * SERIES_PER_MODEL)]
    assert second.datapoints_requested == 100 * SERIES_PER_MODEL * 4  # was x 12 at warm-up
    assert firing(url, clock) == [SPIKY]

    seed(cloudwatch, END + 7 * PERIOD, 6 * PERIOD)  # half an hour of calm
    clock.advance(6 * PERIOD)
    calm = poller(clock, cloudwatch).run_once(clock.now())
    assert [n for n, _ in calm.notices] == ["resolved"]
    assert wire.take() == [(END + PERIOD - OVERLAP, END + 7 * PERIOD, 100 * SERIES_PER_MODEL)]
    assert firing(url, clock) == []


def test_a_corrupt_state_row_is_set_aside_and_only_that_series_warms_up(
    cloudwatch: Any, tmp_path: Path
) -> None:
    clock, wire = warm(cloudwatch, SMALL)
    poller(clock, cloudwatch).run_once(clock.now())
    wire.take()
    store = open_store(f"sqlite:///{tmp_path / 'state.db'}", clock)
    broken = next(r for r in store.scan(KIND) if "/test.model-003-v1:0/" in r.key)
    store.put(KIND, broken.key, {"z": "not base64 zlib json"})

    seed(cloudwatch, END + PERIOD, PERIOD, spike(END, END + PERIOD), fleet=SMALL)
    clock.advance(PERIOD)
    again = poller(clock, cloudwatch).run_once(clock.now())

    assert again.failures == [] and firing(f"sqlite:///{tmp_path / 'state.db'}", clock) == [SPIKY]
    [aside] = store.scan(SET_ASIDE)
    assert aside.key == broken.key and "not a compacted state" in aside.body["reason"]
    warm_up, incremental = sorted(wire.take())
    assert warm_up == (END + PERIOD - timedelta(hours=1), END + PERIOD, 2)  # that model's latency
    assert incremental == (END - OVERLAP, END + PERIOD, len(SMALL) * SERIES_PER_MODEL - 2)
    assert broken.key in {r.key for r in store.scan(KIND)}  # kept again, re-warmed


def test_a_clock_gone_back_reads_nothing_and_resolves_nothing(cloudwatch: Any) -> None:
    clock, wire = warm(cloudwatch, SMALL)
    poll = poller(clock, cloudwatch)
    poll.run_once(clock.now())
    wire.take()
    back = poll.run_once(END - timedelta(hours=1))
    assert wire.take() == [] and back.notices == []
    [latency] = [
        e for e in back.evaluations if e.rule == "latency_spike" and SPIKY in str(e.labels)
    ]
    assert latency.firing


@pytest.mark.parametrize("backend", BACKENDS)
def test_either_store_keeps_the_detector_state(
    backend: str, cloudwatch: Any, aws: str, tmp_path: Path
) -> None:
    clock, wire = warm(cloudwatch, FLEET[:3])
    url = store_url(backend, tmp_path, aws)
    poller(clock, cloudwatch, url).run_once(clock.now())
    states = open_store(url, clock).scan(KIND)
    assert len(states) == 3 * 3  # latency, error rate, throttle rate per model
    assert max(len(r.body["z"]) for r in states) < 100_000  # far below DynamoDB's 400 KB
    wire.take()
    clock.advance(PERIOD)
    poller(clock, cloudwatch, url).run_once(clock.now())
    assert [start for start, _, _ in wire.take()] == [END - OVERLAP]
