"""Racing writers on both backends: one notification per alert, one vote per voter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alarms.model import Evaluation
from alarms.names import short_model
from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import Conflict, open_store
from bot.adapters.store.alerts import AlertStore
from bot.app.poll.poller import Check, Poller
from bot.app.poll.report import CycleReport
from bot.config.load import load_settings
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_slack import FakeSlack
from tests.support.serial_dynamodb import serial_dynamodb
from tests.support.stores import BACKENDS, store_url

RACERS = 8
END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    endpoint = request.getfixturevalue("aws")  # CloudWatch for the poller race, DynamoDB
    url = store_url(request.param, tmp_path, endpoint)
    if request.param != "dynamodb":
        yield url
        return
    with serial_dynamodb(endpoint) as atomic:  # conditional writes atomic, as on AWS
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", atomic)
        yield url


def race(work: Callable[[int], Any], racers: int = RACERS) -> list[Any]:
    """Run ``work(i)`` on ``racers`` threads released together; their results (or errors)."""
    start = threading.Barrier(racers, timeout=60)
    results: list[Any] = [None] * racers

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_the_same_vote_is_recorded_once(url: str) -> None:
    vote = {"user": "U1", "reaction": "+1", "model": SPIKY.model_id}

    def record(i: int) -> int:
        store = open_store(
            url, FixedClock(END)
        )  # every racer its own connection, as separate Lambdas have
        try:
            return store.put("vote", "C1:1700000000.000100:U1", vote, expected_version=0)
        finally:
            store.close()

    results = race(record)
    assert results.count(1) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != 1), results
    assert (
        open_store(url, FixedClock(END)).scan("vote") != []
        and len(open_store(url, FixedClock(END)).scan("vote")) == 1
    )


def test_concurrent_counters_lose_no_update(url: str) -> None:
    def add_one(i: int) -> int:
        store = open_store(url, FixedClock(END))
        for _ in range(100):
            current = store.get("tally", "C1:ts")
            count = current.body["net"] if current else 0
            try:
                return store.put(
                    "tally",
                    "C1:ts",
                    {"net": count + 1},
                    expected_version=current.version if current else 0,
                )
            except Conflict:
                continue
        raise AssertionError("never won the race")

    results = race(add_one)
    assert sorted(results) == list(range(1, RACERS + 1))
    final = open_store(url, FixedClock(END)).get("tally", "C1:ts")
    assert final is not None and final.body == {"net": RACERS} and final.version == RACERS


class Together:
    """A real check whose callers all reach the alert store at the same moment."""

    def __init__(self, check: Check, barrier: threading.Barrier) -> None:
        self.check = check
        self.name = check.name
        self.barrier = barrier

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        evaluations = self.check.evaluate(now, report)
        self.barrier.wait()
        return evaluations


def test_racing_pollers_post_an_alert_once(url: str, cloudwatch: Any, slack: FakeSlack) -> None:
    seed_spike(cloudwatch, END, hours=4)
    settings = load_settings(latency_statistic="Average", lookback_hours=4, state_url=url)
    arrive = threading.Barrier(RACERS, timeout=120)

    def poll(i: int) -> CycleReport:
        one = bootstrap.poller(
            settings, store=open_store(url, FixedClock(END)), cloudwatch=cloudwatch
        )
        racing = Poller([Together(c, arrive) for c in one.checks], one.alerts, one.notifier)
        return racing.run_once(END + timedelta(seconds=30))

    reports = race(poll)
    assert not [r for r in reports if isinstance(r, Exception)], reports
    posts = slack.of("chat.postMessage")
    assert len(posts) == 1, [p.args.get("text") for p in posts]
    assert short_model(SPIKY.model_id) in posts[0].args["text"]
    assert sum(len(r.notices) for r in reports) == 1
    (alert,) = AlertStore(open_store(url, FixedClock(END))).active()
    assert alert.notifications == 1
