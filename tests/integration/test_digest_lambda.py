"""Digests on AWS: one EventBridge Scheduler schedule per digest (cron in its time zone) runs
the digest function, which posts the route's digest for the period up to the scheduled time."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from alarms.rollup import Rollup, Tally
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.rollups import RollupStore, hour_key
from bot.entrypoints import lambda_handlers
from tests.integration.test_lambda_handlers import lambda_env
from tests.support.fake_lambda import LambdaContext
from tests.support.fake_slack import FakeSlack
from tests.support.sam import expanded_template

__all__ = ["lambda_env"]  # the Lambda container fixture, shared
SCHEDULED = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)  # Monday 08:30 in Berlin
ROUTES = [{"name": "search", "match": {"team": "search"}, "channel": "C0SEARCH1"}]
# (hours before the scheduled time, team, usd): the 200-hour one is before a weekly period.
SPEND = [
    (5, "search", "4.25"),
    (50, "search", "1.75"),
    (60, "support", "9.00"),
    (200, "search", "3"),
]
DIGESTS = {
    "Digest1Route": "search",
    "Digest1Cron": "cron(30 8 ? * MON *)",
    "Digest1TimeZone": "Europe/Berlin",
    "Digest1Every": "weekly",
    "Digest2Route": "default",
}


@pytest.fixture
def digest_env(lambda_env: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> FakeSlack:
    """A fresh container as the template sets up the digest function: the routes added."""
    monkeypatch.setenv("GENAI_OPS_ROUTES", json.dumps(ROUTES))
    return lambda_env


def seed(url: str) -> None:
    store = open_store(url, FixedClock(SCHEDULED))
    for index, (hours, team, usd) in enumerate(SPEND):
        hour = (SCHEDULED - timedelta(hours=hours)).replace(minute=0)
        rollup = Rollup(hour=hour)
        rollup.add_tally(
            "amazon.nova-pro-v1:0", "alice", [("team", team)], Tally(1, usd=Decimal(usd))
        )
        RollupStore(store).apply(f"s{index}", {hour_key(hour): rollup})


def test_a_scheduled_weekly_digest_posts_the_routes_week_up_to_its_scheduled_time(
    digest_env: FakeSlack, cloudwatch: Any
) -> None:
    seed(os.environ["GENAI_OPS_STATE_URL"])
    event = {"route": "search", "every": "weekly", "time": "2026-11-23T07:30:00Z"}

    result = lambda_handlers.digest_handler(event, LambdaContext("genai-ops-digest"))

    assert result["sent_to"] == "C0SEARCH1" and result["at"] == SCHEDULED.isoformat()
    (post,) = digest_env.of("chat.postMessage")
    week = sum(Decimal(u) for h, t, u in SPEND if t == "search" and h < 7 * 24)
    before = sum(Decimal(u) for h, t, u in SPEND if t == "search" and 7 * 24 <= h < 14 * 24)
    assert post.args["channel"] == "C0SEARCH1"
    assert post.args["text"].startswith(
        f"Spend of what this route covers (team=search): ${week:,.2f} (period before ${before:,.2f}"
    )
    start = SCHEDULED - timedelta(days=7)
    assert f"{start:%Y-%m-%d %H:%M} to {SCHEDULED:%Y-%m-%d %H:%M} UTC" in str(post.args["blocks"])


def test_an_unknown_route_is_reported_and_nothing_is_posted(
    digest_env: FakeSlack, cloudwatch: Any
) -> None:
    result = lambda_handlers.digest_handler({"route": "serach"}, LambdaContext())

    assert result["problem"] == "no route named 'serach' (routes: default, search)"
    assert digest_env.of("chat.postMessage") == []


def test_each_digest_has_its_own_schedule_in_its_time_zone() -> None:
    resources = expanded_template(DIGESTS)["Resources"]

    first, second = resources["DigestSchedule1"], resources["DigestSchedule2"]
    assert first["Condition"] == "HasDigest1" and second["Condition"] == "HasDigest2"
    props = first["Properties"]
    assert props["ScheduleExpression"] == {"Ref": "Digest1Cron"}
    assert props["ScheduleExpressionTimezone"] == {"Ref": "Digest1TimeZone"}
    target = props["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["DigestFunction", "Arn"]}
    sample = target["Input"]["Fn::Sub"].replace("${Digest1Route}", DIGESTS["Digest1Route"])
    sample = sample.replace("${Digest1Every}", DIGESTS["Digest1Every"])
    assert json.loads(sample) == {
        "route": "search",
        "every": "weekly",
        "time": "<aws.scheduler.scheduled-time>",
    }
    handler = resources["DigestFunction"]["Properties"]["Handler"]
    assert handler == "bot.entrypoints.lambda_handlers.digest_handler"
    assert callable(getattr(lambda_handlers, handler.rsplit(".", 1)[1]))


def test_the_digest_function_only_reads_state_and_metrics() -> None:
    resources = expanded_template(DIGESTS)["Resources"]
    (policy,) = resources["DigestRole"]["Properties"]["Policies"]
    actions = set()
    for statement in policy["PolicyDocument"]["Statement"]:
        given = statement["Action"]
        actions |= set(given if isinstance(given, list) else [given])
    assert {a for a in actions if a.startswith("dynamodb:")} == {
        "dynamodb:GetItem",
        "dynamodb:Query",
    }
    assert not {a for a in actions if a.endswith(("PutMetricData", "InvokeFunction"))}
    (invoke,) = resources["DigestSchedulerRole"]["Properties"]["Policies"]
    (statement,) = invoke["PolicyDocument"]["Statement"]
    assert statement["Resource"] == {"Fn::GetAtt": ["DigestFunction", "Arn"]}
