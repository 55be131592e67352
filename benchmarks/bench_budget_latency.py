"""End-to-end: from an invocation-log record written to CloudWatch Logs to the budget alert
posted in Slack, when a poll cycle runs right after the write (moto and the fake Slack).

The usage settle time is set to 0 here; in production add it (``usage_settle_seconds``,
default 60 s, which leaves late log deliveries to the next poll) and the wait until the next
poll (up to ``GENAI_OPS_POLL_INTERVAL_SECONDS``), or use the subscription-filter push path.
"""

from __future__ import annotations

import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

import boto3

from benchmarks.figures import Figure, measured
from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.config.load import load_settings
from bot.entrypoints.demo.embedded_aws import embedded_aws
from tests.support.fake_slack import FakeSlack, SlackCall, serve_fake_slack
from tests.support.invocations import invocation, put_records

GROUP = "/aws/bedrock/modelinvocations"
MODEL = "anthropic.claude-3-5-sonnet-20241022-v2:0"
RUNS = 3


def one_run(tmp: str, run: int, slack: FakeSlack) -> float:
    posted: list[float] = []

    def stamp(call: SlackCall) -> None:
        if call.method == "chat.postMessage" and "udget" in str(call.args.get("text", "")):
            posted.append(time.perf_counter())

    slack.on_call = stamp
    with embedded_aws() as endpoint:
        reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=30).read()
        logs = boto3.client("logs", endpoint_url=endpoint)
        bedrock = boto3.client("bedrock", endpoint_url=endpoint)
        logs.create_log_group(logGroupName=GROUP)
        bedrock.put_model_invocation_logging_configuration(
            loggingConfig={
                "cloudWatchConfig": {"logGroupName": GROUP, "roleArn": "arn:aws:iam::1:role/logs"},
                "textDataDeliveryEnabled": True,
            }
        )
        settings = load_settings(
            slack_bot_token="xoxb-bench",
            slack_api_url=slack.url,
            alert_channel="C0ALERTS",
            state_url=f"sqlite:///{tmp}/budget-{run}.db",
            daily_budget_usd="1",
            latency_statistic="Average",
            usage_settle_seconds=0,
        )
        poller = bootstrap.poller(settings, store=open_store(settings.state_url, SystemClock()))
        now = datetime.now(UTC)
        record: dict[str, Any] = invocation(
            now, f"req-{run}", MODEL, "batch-job", {}, input_tokens=1_000_000
        )
        written = time.perf_counter()
        put_records(logs, GROUP, [record])
        poller.run_once(datetime.now(UTC))
    slack.on_call = None
    if not posted:
        raise RuntimeError("no budget alert was posted")
    return posted[0] - written


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        for slack in serve_fake_slack():
            times = [one_run(tmp, run, slack) * 1000 for run in range(RUNS)]
    return [measured("record written -> budget alert posted (one poll)", times, "ms")]
