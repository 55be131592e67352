"""Start-up work that would otherwise land on the first requests' acks.

A long-running process (``serve``, ``run``) calls :func:`warm_up` once, before it takes
requests: the price table is loaded and every model an ask is expected to name is priced
(the first ``/genai-ask`` ack otherwise spent about 40 ms of CPU loading it), and the chart
library is imported (a first ``/genai-stats`` otherwise imported matplotlib on a worker
thread, holding the interpreter's lock for hundreds of milliseconds while acks waited).
"""

from __future__ import annotations

import logging
import time

from bot.adapters.slack.chart import warm_charts
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


def warm_up(services: Services) -> None:
    """Load what the first requests would load; never fails (a cold cache only costs time)."""
    started = time.perf_counter()
    try:
        priced = services.asks.warm()
        charts = warm_charts()
    except Exception:  # a cold cache is slower, not wrong: keep starting
        log.exception("warm-up incomplete")
        return
    log.info(
        "warmed up",
        extra={
            "models_priced": priced,
            "charts": charts,
            "ms": round((time.perf_counter() - started) * 1000),
        },
    )
