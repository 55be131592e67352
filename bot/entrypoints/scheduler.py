"""Running poll cycles on a schedule (APScheduler), one at a time, surviving failures."""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StoreError
from bot.app.poll.poller import Poller
from bot.app.ports import Clock

log = logging.getLogger(__name__)


def safe_cycle(poller: Poller, clock: Clock) -> None:
    """One cycle at the clock's time; any failure is logged and the next tick tries again.

    A known failure (an unusable state store, AWS out of reach) is one line saying what and
    how to fix it; anything else is a bug and is logged with its traceback.
    """
    try:
        poller.run_once(clock.now())
    except (StoreError, AwsError) as exc:
        log.error("poll cycle failed; retrying on the next tick", extra={"reason": str(exc)})
    except Exception:
        log.exception("poll cycle failed; retrying on the next tick")


def _add_job(
    scheduler: BlockingScheduler | BackgroundScheduler, poller: Poller, clock: Clock, interval: int
) -> None:
    scheduler.add_job(
        safe_cycle,
        "interval",
        args=[poller, clock],
        seconds=interval,
        id="poll",
        coalesce=True,
        max_instances=1,
        next_run_time=clock.now(),
        misfire_grace_time=interval,
    )


def run_forever(poller: Poller, clock: Clock, interval: int) -> None:
    scheduler = BlockingScheduler(timezone=UTC)
    _add_job(scheduler, poller, clock, interval)
    scheduler.start()


def start_background(poller: Poller, clock: Clock, interval: int) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    _add_job(scheduler, poller, clock, interval)
    scheduler.start()
    return scheduler
