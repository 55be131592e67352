"""CloudWatch throttling and outages: a cycle fails cleanly and the next one recovers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.stub import Stubber

from alarms.names import short_model
from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.config.load import load_settings
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_slack import FakeSlack

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_throttled_cycle_is_reported_and_the_next_one_alerts(
    cloudwatch: Any, slack: FakeSlack, aws: str
) -> None:
    seed_spike(cloudwatch, END)
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    store = open_store(settings.state_url, SystemClock())

    throttled = boto3.client("cloudwatch", endpoint_url=aws, region_name="us-east-1")
    stub = Stubber(throttled)
    stub.add_client_error(
        "list_metrics",
        service_error_code="Throttling",
        service_message="Rate exceeded",
        http_status_code=400,
    )
    with stub:
        report = bootstrap.poller(settings, store=store, cloudwatch=throttled).run_once(END)
    assert report.notices == []
    assert any("Throttling" in failure for failure in report.failures)
    assert slack.of("chat.postMessage") == []

    healthy = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch)
    recovered = healthy.run_once(END + timedelta(minutes=5))
    assert len(recovered.notices) == 1 and recovered.failures == []
    (post,) = slack.of("chat.postMessage")
    assert short_model(SPIKY.model_id) in post.args["text"]
