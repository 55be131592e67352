"""`genai-ops demo`: a day of Bedrock traffic in an embedded AWS, polled for real."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import boto3

from bot import bootstrap
from bot.adapters.clock import Clock
from bot.adapters.store.sqlite import SqliteStore
from bot.app.poll.report import monthly_cost_usd, period_floor
from bot.app.spend.report import spend_lines
from bot.config.settings import Settings
from bot.entrypoints.demo.embedded_aws import embedded_aws
from bot.entrypoints.demo.second_region import (
    HOURS,
    SECOND_REGION,
    WEST_FLEET,
    WEST_MODEL,
    seed_second_region,
    with_demo_targets,
)
from bot.entrypoints.demo.seed import DEMO_FLEET, Incident, seed_fleet
from bot.entrypoints.demo.seed_guardrails import GuardrailProfile, GuardrailSurge, seed_guardrails
from bot.entrypoints.demo.seed_quota import QUOTA_MODEL, seed_quota_use, with_demo_quota
from bot.entrypoints.demo.story import NEXT_STEPS, ask_and_vote, resolution, stats_table
from bot.entrypoints.demo.usage import seed_usage, with_demo_budget
from bot.entrypoints.digest import run_digest

SPIKE_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
THROTTLED_MODEL = "meta.llama3-1-70b-instruct-v1:0"
DEMO_GUARDRAILS = (
    GuardrailProfile("arn:aws:bedrock:us-east-1:123456789012:guardrail/support-bot", "3", 150),
    GuardrailProfile("arn:aws:bedrock:us-east-1:123456789012:guardrail/internal", "1", 60, 0.08),
)


DEMO_ROUTE = {
    "name": "search",
    "match": {"model": "meta.llama3-1-70b-instruct-v1:0"},
    "channel": "#search-alerts",
    "mention": "@search-oncall",
}


def demo_incidents(end: datetime) -> list[Incident]:
    start = end - timedelta(minutes=30)
    return [
        Incident(SPIKE_MODEL, start, end, latency_factor=2.6),
        Incident(THROTTLED_MODEL, start, end, throttle_rate=0.25),
    ]


def demo_guardrail_surges(end: datetime) -> list[GuardrailSurge]:
    """A prompt-injection wave: the support bot's content filter blocks a third of inputs."""
    start = end - timedelta(minutes=30)
    return [GuardrailSurge(DEMO_GUARDRAILS[0].arn, start, end, rate=0.35)]


def run_demo(settings: Settings, out: TextIO, clock: Clock) -> int:
    # moto cannot compute percentiles; the demo reads the average instead. moto's
    # GetMetricData scans every datapoint for every period of every query, so the demo's
    # baselines use the last 6 hours rather than 24 to stay quick.
    # moto answers large reads slowly: the demo's AWS calls may wait as long as they need.
    settings = settings.with_flat(
        latency_statistic="Average", lookback_hours=6, aws_read_timeout_seconds=60
    )
    if not settings.routing.routes:  # the search team hears about its model in its channel
        settings = settings.with_flat(routes=[DEMO_ROUTE])
    now = clock.now()
    end = period_floor(now, settings.polling.period_seconds)
    slack = settings.secret("slack_bot_token") and settings.slack.alert_channel
    say = out.write
    where = f"Slack {settings.slack.alert_channel}" if slack else "this terminal"
    say("genai-ops demo: starting an embedded AWS (moto server on 127.0.0.1)...\n")
    with embedded_aws() as endpoint, tempfile.TemporaryDirectory() as tmp:
        cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint)
        written = seed_fleet(
            cloudwatch,
            end,
            DEMO_FLEET,
            demo_incidents(end),
            period_seconds=settings.polling.period_seconds,
        )
        written += seed_guardrails(
            cloudwatch,
            end,
            DEMO_GUARDRAILS,
            demo_guardrail_surges(end),
            hours=3,  # moto lists multi-dimension metrics once per datapoint: keep it short
            period_seconds=settings.polling.period_seconds,
        )
        written += seed_quota_use(cloudwatch, end, settings.polling.period_seconds)
        settings = with_demo_quota(with_demo_targets(settings))
        west = seed_second_region(endpoint, end, settings.polling.period_seconds)
        say(
            f"Seeded 24h of Bedrock metrics for {len(DEMO_FLEET)} models and 3h for "
            f"{len(DEMO_GUARDRAILS)} guardrails ({written:,} datapoints); in the last 30 minutes:"
            f" a latency spike on {SPIKE_MODEL}, throttling on {THROTTLED_MODEL}, a"
            " guardrail intervening on a third of the support bot's inputs, and"
            f" {QUOTA_MODEL} climbing toward its tokens-per-minute quota.\n"
            f"A second region, {SECOND_REGION}: {HOURS}h for {len(WEST_FLEET)} models "
            f"({west:,} datapoints), {WEST_MODEL}'s latency tripling in the last 30 minutes.\n"
        )
        say(f"Alerts go to {where}.\n\n")
        # invocation logs, a budget, the spend report
        logs, bedrock = (boto3.client(name, endpoint_url=endpoint) for name in ("logs", "bedrock"))
        records, today = seed_usage(logs, bedrock, now)
        settings = with_demo_budget(settings, today, now)
        say(
            f"Seeded {records:,} invocation-log records (a cache-heavy batch job running away in "
            f"the last hour, one model without a price); budgets: "
            + "; ".join(f"{b.label} ${b.amount_usd}" for b in settings.cost.all_budgets)
            + ".\n\n"
        )
        store = SqliteStore(str(Path(tmp) / "state.db"), clock)
        style = bootstrap.message_style(settings)
        sink = None if slack else bootstrap.TerminalNotifier(out, settings.routing.table(), style)
        quotas = boto3.client("service-quotas", endpoint_url=endpoint)
        poller = bootstrap.poller(
            settings,
            store=store,
            cloudwatch=cloudwatch,
            sink=sink,
            logs=logs,
            bedrock=bedrock,
            quotas=quotas,
        )
        say("1. Alerts (poll 1):\n\n")
        first = poller.run_once(now)
        second = poller.run_once(now + timedelta(minutes=1))
        say(f"\n2. Twenty minutes later the throttling on {THROTTLED_MODEL} has cleared:\n\n")
        resolved = resolution(
            cloudwatch, poller, THROTTLED_MODEL, end, now, settings.polling.period_seconds
        )
        report = bootstrap.spend_report(
            settings, store, now - timedelta(hours=24), now, cloudwatch=cloudwatch, bedrock=bedrock
        )
        say("\n3. /genai-stats 24h (per model, then spend from the invocation logs):\n")
        rows = stats_table(settings, store, now).splitlines()
        say("".join(f"  {line}\n" for line in rows) + "\n")
        say("".join(f"  {line}\n" for line in spend_lines(report)) + "\n")
        say("4. An answer and a vote:\n")
        ask_and_vote(settings, store, clock, cloudwatch, out)
        say("\n5. The morning digest of the alert channel (genai-ops digest --now):\n")
        digest = io.StringIO()
        run_digest(settings, store, clock, settings.routing.table().root, digest, cloudwatch)
        say("".join(f"  {line}\n" for line in digest.getvalue().splitlines()) + "\n")
        store.close()
    cost = monthly_cost_usd(first.metrics_requested, settings.polling.interval_seconds)
    say(
        f"Poll 1: {len(first.models)} models in {len(first.targets) or 1} region(s) "
        f"({', '.join(first.targets)}), {len(first.guardrails)} guardrails, "
        f"{first.metrics_requested} metrics in "
        f"{first.api_calls} API calls, {len(first.notices)} alert(s) raised.\n"
    )
    say(f"Poll 2: {len(second.notices)} new notice(s): a firing alert is not sent twice.\n")
    say(f"Poll 3: {resolved} notice(s): the throttling alert resolved.\n")
    say(
        f"Polling cost at a {settings.polling.interval_seconds}s interval: about "
        f"${cost:,.2f}/month of CloudWatch GetMetricData.\n"
    )
    if first.failures:
        say("Delivery problems: " + "; ".join(first.failures) + "\n")
        return 1
    say("\n" + NEXT_STEPS)
    return 0
