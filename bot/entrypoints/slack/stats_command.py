"""``/genai-stats``: ack at once; gather, chart and answer after the ack.

The answer is ephemeral (through ``response_url``) unless ``public`` is given. The chart is
uploaded with ``files_upload_v2`` (unshared) and shown in an image block; if Slack refuses
the block, the answer goes again without it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import TTLCache
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from alarms.reports import StatsReport
from bot.adapters.aws.errors import AwsError
from bot.adapters.slack.chart import chart_png
from bot.adapters.slack.stats_view import stats_blocks
from bot.app.stats.collect import collect
from bot.app.stats.request import StatsRequest, StatsUsageError, parse
from bot.entrypoints.slack.after_ack import listen
from bot.entrypoints.slack.commands import spec
from bot.entrypoints.slack.help import usage_blocks, usage_text
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)
COMMAND = "/genai-stats"
CACHE_SECONDS = 60.0
CHART_LOCK = threading.Lock()


class StatsCache:
    """The last answer per (window, model) for ``seconds``, computed once at a time.

    Stats are per minute anyway; the cache keeps a burst of requests (a team opening the same
    view, a retrying client) to one CloudWatch batch, one chart and one upload.
    """

    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str | None], threading.Lock] = {}
        self._answers: TTLCache[tuple[str, str | None], tuple[StatsReport, str | None]] = TTLCache(
            maxsize=64, ttl=seconds
        )

    def get(
        self, request: StatsRequest, make: Callable[[], tuple[StatsReport, str | None]]
    ) -> tuple[StatsReport, str | None]:
        key = (request.window, request.model)
        with self._lock:
            key_lock = self._keys.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit = self._answers.get(key)
            if hit is not None:
                return hit
            answer = make()
            with self._lock:
                self._answers[key] = answer
            return answer


def upload_chart(
    client: WebClient, report: StatsReport, aliases: Mapping[str, str] | None = None
) -> str | None:
    """The chart's Slack file id, or None (nothing to draw, no matplotlib, or a failure: the
    table is the answer; the chart only illustrates it)."""
    try:
        with CHART_LOCK:  # matplotlib is not thread-safe; one chart at a time
            png = chart_png(report, aliases)
    except Exception:
        log.exception("chart not drawn; answering with the table alone")
        return None
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


def register(app: App, services: Services) -> None:
    """Adds ``/genai-stats``."""
    settings = services.settings
    stats_sources = services.stats
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
            report = collect(stats_sources, request, services.clock.now())
            return report, upload_chart(client, report, settings.model_aliases)

        try:
            report, chart = cache.get(request, make)
        except AwsError as exc:
            respond(text=f":warning: Stats unavailable: {exc}", response_type="ephemeral")
            return
        kind = "in_channel" if request.public else "ephemeral"
        text, blocks = stats_blocks(report, chart, settings.model_aliases)
        sent = respond(text=text, blocks=blocks, response_type=kind, replace_original=False)
        if chart and sent.status_code != 200:
            log.warning(
                "stats with chart refused; sending without", extra={"status": sent.status_code}
            )
            text, blocks = stats_blocks(report, None, settings.model_aliases)
            respond(text=text, blocks=blocks, response_type=kind, replace_original=False)

    pool = services.workers.listeners
    listen(
        app,
        app.command(COMMAND),
        acknowledge,
        answer,
        pool,
        on_lambda=services.on_lambda,
        claims=services.claims,
    )
