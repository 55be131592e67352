"""Reactions become votes in the store and net metrics in (moto's) CloudWatch; the
feedback_drop check reads them back."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config

from alarms.rules import FeedbackDropRule
from bot import bootstrap
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.feedback_metrics import CloudWatchFeedback, EmfFeedback
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.adapters.store.ask_ledger import AskLedger, AskRecord
from bot.app.feedback.service import FeedbackService
from bot.app.feedback.stats import feedback_and_reasons, feedback_by_model
from bot.app.poll.feedback_check import FeedbackCheck
from bot.app.poll.report import CycleReport
from bot.config.load import load_settings

HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0"
NOVA = "amazon.nova-lite-v1:0"
BOT = "U0BOT0001"


@pytest.fixture
def store() -> Any:
    opened = open_store(load_settings().state_url, SystemClock())
    yield opened
    opened.close()


def answer(store: Any, ts: str, model: str) -> AskRecord:
    record = AskRecord("C0GENAI01", ts, model, "req-1", "U0ASKER", 10, 20, "0.0001", "x")
    AskLedger(store).save(record, datetime.now(UTC))
    return record


def reaction(user: str, name: str, ts: str, channel: str = "C0GENAI01") -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": name,
        "item_user": BOT,
        "item": {"type": "message", "channel": channel, "ts": ts},
    }


def net(reader: CloudWatchReader) -> dict[str, tuple[int, int]]:
    now = datetime.now(UTC)
    found = feedback_by_model(reader, now - timedelta(hours=1), now + timedelta(minutes=5))
    return {model: (t.positive, t.negative) for model, t in found.items()}


def test_votes_land_as_net_metrics_per_model(cloudwatch: Any, store: Any) -> None:
    answer(store, "1.1", HAIKU)
    answer(store, "1.2", NOVA)
    feedback = bootstrap.feedback_service(load_settings(), store, cloudwatch)
    now = datetime.now(UTC)
    events = [
        (reaction("U1", "+1", "1.1"), True),
        (reaction("U2", "thumbsup::skin-tone-3", "1.1"), True),
        (reaction("U3", "-1", "1.1"), True),
        (reaction("U3", "-1", "1.1"), False),  # withdrawn
        (reaction("U1", "x", "1.2"), True),
        (reaction("U1", "x", "1.2"), True),  # delivered twice: counted once
        (reaction("U2", "heart", "1.2"), True),
        (reaction("U2", "-1", "1.2"), True),  # moved to negative
        (reaction(BOT, "+1", "1.2"), True),  # the bot's own reaction
        (reaction("U4", "+1", "9.9"), True),  # not an answer
        (reaction("U4", "tada", "1.1"), True),  # not feedback
    ]
    for event, added in events:
        feedback.on_reaction(event, added, BOT, now)

    assert net(CloudWatchReader(cloudwatch)) == {HAIKU: (2, 0), NOVA: (0, 2)}
    assert feedback.ledger.votes("C0GENAI01", "1.2") == {"U1": "negative", "U2": "negative"}
    listed = cloudwatch.list_metrics(Namespace="GenAIOps/Feedback")["Metrics"]
    assert {tuple(d["Name"] for d in m["Dimensions"]) for m in listed} == {("ModelId",)}


def test_feedback_drop_fires_per_model(cloudwatch: Any, store: Any) -> None:
    for index in range(12):
        answer(store, f"2.{index}", HAIKU)
        answer(store, f"3.{index}", NOVA)
    feedback = bootstrap.feedback_service(load_settings(), store, cloudwatch)
    now = datetime.now(UTC)
    for index in range(12):
        feedback.on_reaction(
            reaction("U1", "-1" if index < 6 else "+1", f"2.{index}"), True, BOT, now
        )
        feedback.on_reaction(
            reaction("U1", "-1" if index < 2 else "+1", f"3.{index}"), True, BOT, now
        )

    check = FeedbackCheck((FeedbackDropRule(),), CloudWatchReader(cloudwatch), "GenAIOps/Feedback")
    report = CycleReport(started_at=now)
    results = {e.labels["model"]: e for e in check.evaluate(now, report)}
    assert results[HAIKU].firing and results[HAIKU].summary.startswith("50% negative feedback")
    assert not results[NOVA].firing and results[NOVA].value == 16.7
    assert (
        report.metrics_requested == 4 and report.api_calls == 2
    )  # one ListMetrics, one GetMetricData


def test_a_failed_publish_leaves_the_vote_uncounted(cloudwatch: Any, store: Any) -> None:
    answer(store, "4.1", HAIKU)
    settings = load_settings(feedback_namespace="GenAIOps/Feedback")
    feedback = bootstrap.feedback_service(settings, store, cloudwatch)
    unreachable = boto3.client(
        "cloudwatch",
        endpoint_url="http://127.0.0.1:9",  # nothing listens: the connection is refused
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2),
    )
    broken = FeedbackService(
        feedback.ledger, CloudWatchFeedback(unreachable), settings.feedback.emoji
    )
    now = datetime.now(UTC)
    with pytest.raises(Exception, match="PutMetricData"):
        broken.on_reaction(reaction("U1", "+1", "4.1"), True, BOT, now)
    assert feedback.ledger.votes("C0GENAI01", "4.1") == {}
    change = feedback.on_reaction(reaction("U1", "+1", "4.1"), True, BOT, now)
    assert change is not None and change.after == "positive"


def test_emf_lines_carry_the_same_metrics(store: Any) -> None:
    answer(store, "5.1", NOVA)
    out = io.StringIO()
    feedback = FeedbackService(
        AskLedger(store), EmfFeedback(out), {"+1": "positive", "-1": "negative"}
    )
    now = datetime.now(UTC)
    feedback.on_reaction(reaction("U1", "+1", "5.1"), True, BOT, now)
    feedback.on_reaction(reaction("U1", "-1", "5.1"), True, BOT, now)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "_aws": {
            "Timestamp": int(now.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": "GenAIOps/Feedback",
                    "Dimensions": [["ModelId"]],
                    "Metrics": [
                        {"Name": "PositiveFeedback", "Unit": "Count"},
                        {"Name": "NegativeFeedback", "Unit": "Count"},
                    ],
                }
            ],
        },
        "ModelId": NOVA,
        "PositiveFeedback": 1,
        "NegativeFeedback": 0,
    }
    assert (second["PositiveFeedback"], second["NegativeFeedback"]) == (-1, 1)


def test_votes_and_reasons_come_back_in_one_metric_read(cloudwatch: Any) -> None:
    publisher = CloudWatchFeedback(cloudwatch)
    at = datetime.now(UTC) - timedelta(minutes=10)
    votes = {
        HAIKU: [("PositiveFeedback", 3), ("NegativeFeedback", 2)],
        NOVA: [("PositiveFeedback", 1)],
    }
    reasons = {HAIKU: [("wrong", 2), ("slow", 1), ("slow", -1)], NOVA: [("incomplete", 1)]}
    for model, changes in votes.items():
        publisher.publish(model, changes, at)
    for model, changes in reasons.items():
        publisher.publish_reasons(model, changes, at)
    reads: list[str] = []
    cloudwatch.meta.events.register(
        "before-call.cloudwatch.GetMetricData", lambda **kw: reads.append(kw["model"].name)
    )

    now = datetime.now(UTC)
    totals, why = feedback_and_reasons(
        CloudWatchReader(cloudwatch), now - timedelta(hours=1), now + timedelta(minutes=5)
    )

    assert len(reads) == 1
    for model, changes in votes.items():
        given = dict(changes)
        assert (totals[model].positive, totals[model].negative) == (
            given.get("PositiveFeedback", 0),
            given.get("NegativeFeedback", 0),
        )
    for model, changes in reasons.items():
        net: dict[str, int] = {}
        for reason, change in changes:
            net[reason] = net.get(reason, 0) + change
        assert why[model] == {r: n for r, n in net.items() if n > 0}
