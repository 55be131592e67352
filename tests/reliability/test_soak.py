"""Soak: polls and Slack traffic on loopback for a while; memory and open files stay flat.

The request loop is bounded in count and time and stops by itself. ``GENAI_OPS_SOAK_SECONDS``
makes the soak longer (default 90 s of traffic after a 20 s warm-up).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.config.load import load_settings
from tests.support.bedrock import seed_spike
from tests.support.bot_server import running_bot
from tests.support.fake_slack import FakeSlack
from tests.support.signing import reaction_event

# Minutes of load: run with `make soak`, not in `make test`.
pytestmark = pytest.mark.soak

SOAK_SECONDS = float(os.environ.get("GENAI_OPS_SOAK_SECONDS", "90"))
WARM_UP_SECONDS = 20.0
MAX_REQUESTS = 10_000
PAUSE_SECONDS = 0.02  # at most ~50 requests a second
END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_serve_under_traffic_keeps_memory_and_files_flat(
    slack: FakeSlack, cloudwatch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    monkeypatch.setenv("GENAI_OPS_POLL_INTERVAL_SECONDS", "60")
    seed_spike(cloudwatch, datetime.now(UTC).replace(second=0, microsecond=0), hours=3)
    with running_bot(tmp_path, slack) as bot:
        pid = bot.process.pid
        samples: list[tuple[float, int]] = []
        started = time.monotonic()
        next_sample = started + WARM_UP_SECONDS
        sent = 0
        while time.monotonic() - started < WARM_UP_SECONDS + SOAK_SECONDS and sent < MAX_REQUESTS:
            kind = sent % 4
            if kind == 0:
                reply = bot.command("/genai-help", user_id=f"U{sent % 50}")
            elif kind == 1:
                reply = bot.command("/genai-stats", "1h", user_id=f"U{sent % 50}")
            elif kind == 2:
                event = reaction_event("+1", user=f"U{sent % 50}", ts=f"1700000000.{sent:06d}")
                reply = bot.event(event, event_id=f"EvSoak{sent}")
            else:
                reply = bot.post("garbage", "application/json")
            assert reply.status < 500
            sent += 1
            time.sleep(PAUSE_SECONDS)
            if time.monotonic() >= next_sample:
                samples.append((rss_mib(pid), fds(pid)))
                next_sample += 10
        bot.replies.clear()
    assert len(samples) >= 3, "the soak ran too briefly to judge"
    first_rss, first_fds = samples[0]
    last_rss, last_fds = samples[-1]
    assert last_rss - first_rss < 25, f"RSS grew {first_rss:.0f} -> {last_rss:.0f} MiB: {samples}"
    assert last_fds - first_fds <= 3, f"open files grew {first_fds} -> {last_fds}: {samples}"
    assert sent > 200


def test_many_poll_cycles_do_not_accumulate_memory(cloudwatch: Any, slack: FakeSlack) -> None:
    seed_spike(cloudwatch, END, hours=3)
    settings = load_settings(latency_statistic="Average", lookback_hours=3)
    poller = bootstrap.poller(
        settings, store=open_store(settings.state_url, SystemClock()), cloudwatch=cloudwatch
    )
    for minute in range(3):  # warm caches (discovery, clients, imports)
        poller.run_once(END + timedelta(minutes=minute))
    tracemalloc.start()
    baseline = tracemalloc.take_snapshot()
    for minute in range(3, 33):
        poller.run_once(END + timedelta(minutes=minute))
    grown = sum(
        stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(baseline, "filename")
    )
    tracemalloc.stop()
    assert grown < 2 * 1024 * 1024, f"30 poll cycles kept {grown / 1024:.0f} KiB"
