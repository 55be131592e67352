"""Running digests: on demand (``genai-ops digest --now``) and on each route's schedule."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from alarms.delivery import SendFailed
from alarms.routing import Destination
from bot import bootstrap
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.slack.digest_post import post_digest
from bot.adapters.slack.digest_view import digest_lines
from bot.app.digest.metrics import MetricSource
from bot.app.digest.report import build_digest
from bot.app.ports import Clock, StateStore
from bot.config.settings import Settings

log = logging.getLogger(__name__)


def period_of(where: Destination, every: str | None = None) -> timedelta:
    """A weekly digest covers 7 days, a daily one (and one on demand) a day; ``every``
    (``daily``/``weekly``, from a schedule) overrides the route's own."""
    every = every or (where.digest.every if where.digest is not None else "daily")
    return timedelta(days=7 if every == "weekly" else 1)


def run_digest(
    settings: Settings,
    store: StateStore,
    clock: Clock,
    where: Destination,
    out: TextIO,
    cloudwatch: Any = None,
    *,
    now: datetime | None = None,
    every: str | None = None,
) -> str:
    """Builds the digest of ``where`` up to ``now`` (default: the clock's); posts it to the
    route's channel when Slack is configured, else prints it to ``out``. Returns where it
    went."""
    routes = settings.routing.table()
    reader = CloudWatchReader(cloudwatch or bootstrap.client(settings, "cloudwatch"))
    metrics = MetricSource(reader, settings.polling.latency_statistic, settings.feedback.namespace)
    digest = build_digest(
        store,
        metrics,
        routes,
        where,
        period_of(where, every),
        now or clock.now(),
        budgets=settings.cost.all_budgets,
        zone=ZoneInfo(settings.cost.timezone),
        tag_keys=settings.cost.all_tag_keys,
    )
    channel = where.channel or settings.slack.alert_channel
    if settings.secret("slack_bot_token") and channel:
        post_digest(bootstrap.slack_client(settings), channel, digest)
        return channel
    out.write("".join(f"{line}\n" for line in digest_lines(digest)))
    return "the terminal"


def scheduled_digest(settings: Settings, store: StateStore, clock: Clock, name: str) -> None:
    """One scheduled digest; a failure is logged and the next one is tried as usual."""
    where = settings.routing.table().named(name)
    if where is None:
        return
    try:
        sent = run_digest(settings, store, clock, where, io.StringIO())
        log.info("digest posted", extra={"route": name, "channel": sent})
    except SendFailed as exc:
        log.error("digest not posted", extra={"route": name, "reason": exc.reason})
    except Exception:
        log.exception("digest failed", extra={"route": name})


def add_digest_jobs(scheduler: Any, settings: Settings, store: StateStore, clock: Clock) -> int:
    """A cron job per route with a ``digest``, at its local time; returns how many."""
    from apscheduler.triggers.cron import CronTrigger

    count = 0
    for where in settings.routing.table().all():
        schedule = where.digest
        if schedule is None:
            continue
        hour, minute = (int(part) for part in schedule.at.split(":"))
        day = schedule.weekday[:3] if schedule.every == "weekly" else "*"
        trigger = CronTrigger(
            day_of_week=day, hour=hour, minute=minute, timezone=ZoneInfo(schedule.time_zone)
        )
        scheduler.add_job(
            scheduled_digest,
            trigger,
            args=[settings, store, clock, where.name],
            id=f"digest-{where.name}",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        count += 1
    return count
