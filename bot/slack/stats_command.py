"""``/genai-stats``: ack at once; gather, chart and answer in a lazy listener.

The answer is ephemeral (through ``response_url``) unless ``public`` is given. The chart is
uploaded with ``files_upload_v2`` (unshared) and shown in an image block; if Slack refuses
the block, the answer goes again without it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot import wiring
from bot.aws.errors import AwsError
from bot.slack.commands import spec
from bot.slack.help import usage_blocks, usage_text
from bot.slack.stats_view import stats_blocks
from bot.stats.chart import chart_png
from bot.stats.collect import Sources, collect
from bot.stats.report import StatsReport
from bot.stats.request import StatsRequest, StatsUsageError, parse
from bot.usage.estimate import estimated_hours
from bot.usage.logsource import logging_status

log = logging.getLogger(__name__)
COMMAND = "/genai-stats"
CACHE_SECONDS = 60.0
CHART_LOCK = threading.Lock()


def sources(services: wiring.Services) -> Sources:
    """AWS clients for stats (made here; no call is made until a request comes)."""
    settings = services.settings
    cloudwatch = boto3.client("cloudwatch", region_name=services.region)
    bedrock = boto3.client("bedrock", region_name=services.region)
    reader_client = cloudwatch

    def estimate(start: datetime, end: datetime) -> Any:
        from bot.aws.cloudwatch import CloudWatchReader

        prices = wiring.pricer(settings, bedrock)
        return estimated_hours(CloudWatchReader(reader_client), prices, start, end)

    return Sources(
        settings=settings,
        store=services.store,
        cloudwatch=cloudwatch,
        status=lambda: logging_status(bedrock, settings.invocation_log_group),
        estimate=estimate,
    )


class StatsCache:
    """The last answer per (window, model) for ``seconds``, computed once at a time.

    Stats are per minute anyway; the cache keeps a burst of requests (a team opening the same
    view, a retrying client) to one CloudWatch batch, one chart and one upload.
    """

    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str | None], threading.Lock] = {}
        self._answers: dict[tuple[str, str | None], tuple[float, StatsReport, str | None]] = {}

    def get(
        self, request: StatsRequest, make: Callable[[], tuple[StatsReport, str | None]]
    ) -> tuple[StatsReport, str | None]:
        key = (request.window, request.model)
        with self._lock:
            key_lock = self._keys.setdefault(key, threading.Lock())
        with key_lock:
            hit = self._answers.get(key)
            if hit and time.monotonic() - hit[0] < self.seconds:
                return hit[1], hit[2]
            report, chart = make()
            with self._lock:
                self._answers[key] = (time.monotonic(), report, chart)
            return report, chart


def upload_chart(client: WebClient, report: StatsReport) -> str | None:
    """The chart's Slack file id, or None (nothing to draw, or the upload failed)."""
    with CHART_LOCK:  # matplotlib is not thread-safe; one chart at a time
        png = chart_png(report)
    if png is None:
        return None
    try:
        answer = client.files_upload_v2(
            content=png,
            filename="genai-stats.png",
            title=f"GenAI usage, {report.label}",
        )
    except (SlackClientError, OSError) as exc:
        log.warning("chart not uploaded", extra={"reason": str(exc)[:200]})
        return None
    file = answer.get("file") or {}
    return str(file.get("id")) if file.get("id") else None


def register(app: App, services: wiring.Services) -> None:
    """Adds ``/genai-stats``."""
    settings = services.settings
    stats_sources = sources(services)
    usage = spec(COMMAND)
    cache = StatsCache()

    def read(command: dict[str, Any]) -> StatsRequest | str:
        try:
            return parse(str(command.get("text") or ""), settings.model_aliases)
        except StatsUsageError as exc:
            return str(exc)

    def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
        request = read(command)
        if isinstance(request, str) or request.help:
            problem = request if isinstance(request, str) else None
            ack(text=usage_text(problem, usage), blocks=usage_blocks(problem, usage))
            return
        ack(text=f":hourglass_flowing_sand: Gathering GenAI stats for the {request.label}…")

    def answer(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        request = read(command)
        if isinstance(request, str) or request.help:
            return  # the ack answered

        def make() -> tuple[StatsReport, str | None]:
            report = collect(stats_sources, request, datetime.now(UTC))
            return report, upload_chart(client, report)

        try:
            report, chart = cache.get(request, make)
        except AwsError as exc:
            respond(text=f":warning: Stats unavailable: {exc}", response_type="ephemeral")
            return
        kind = "in_channel" if request.public else "ephemeral"
        text, blocks = stats_blocks(report, chart)
        sent = respond(text=text, blocks=blocks, response_type=kind, replace_original=False)
        if chart and sent.status_code != 200:
            log.warning(
                "stats with chart refused; sending without", extra={"status": sent.status_code}
            )
            text, blocks = stats_blocks(report, None)
            respond(text=text, blocks=blocks, response_type=kind, replace_original=False)

    app.command(COMMAND)(ack=acknowledge, lazy=[answer])
