"""Running poll cycles on a schedule (APScheduler), one at a time, surviving failures."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.poller import Poller

log = logging.getLogger(__name__)


def safe_cycle(poller: Poller) -> None:
    """One cycle; any failure is logged and the next tick tries again."""
    try:
        poller.run_once(datetime.now(UTC))
    except Exception:
        log.exception("poll cycle failed; retrying on the next tick")


def _add_job(
    scheduler: BlockingScheduler | BackgroundScheduler, poller: Poller, interval: int
) -> None:
    scheduler.add_job(
        safe_cycle,
        "interval",
        args=[poller],
        seconds=interval,
        id="poll",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=interval,
    )


def run_forever(poller: Poller, interval: int) -> None:
    scheduler = BlockingScheduler(timezone=UTC)
    _add_job(scheduler, poller, interval)
    scheduler.start()


def start_background(poller: Poller, interval: int) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    _add_job(scheduler, poller, interval)
    scheduler.start()
    return scheduler
