"""Poll cost and speed at 10, 100 and 500 models, beside the naive and the alarms ways.

Two measurements, so that the figures are about the bot and not about moto:

- API calls and metrics requested per cycle, counted against moto (one 5-minute period of
  data per series: the counts do not depend on how much data there is). At 10 and 100 models
  this runs live; at 500 it was recorded on moto (``python -m benchmarks.record_poll``, a few
  minutes: moto's GetMetricData scans every stored datapoint for every query) and is checked
  again at every run, since the replay refuses any call the recording does not hold.
- The bot's own time for one cycle at 500 models, with CloudWatch's recorded answers served at
  the wire (``wire_replay``): botocore serialises, signs and parses as against AWS, the poller
  evaluates every rule and writes its SQLite state. The naive way (one GetMetricStatistics
  call per series) is replayed the same way; their ratio survives a noisy machine.
"""

from __future__ import annotations

import io
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from benchmarks import wire_replay
from benchmarks.figures import Figure, fixed, measured
from benchmarks.poll_costs import alarms_usd, naive_usd
from benchmarks.results import HERE
from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store.sqlite import SqliteStore
from bot.app.poll.report import CycleReport, monthly_cost_usd, period_floor
from bot.config.load import load_settings
from bot.entrypoints.demo.embedded_aws import embedded_aws
from bot.entrypoints.demo.seed import ModelProfile, seed_fleet

LIVE_FLEETS = (10, 100)
RECORDED = HERE / "data" / "poll-500.json.gz"
REPEATS = 5
HOURS = 1
SEED_HOURS = 5 / 60  # one 5-minute period per series
PATIENT = Config(read_timeout=1800, retries={"max_attempts": 1})
METRICS = [
    ("InvocationLatency", "Average"),
    ("Invocations", "Sum"),
    ("InvocationThrottles", "Sum"),
    ("InvocationServerErrors", "Sum"),
    ("InvocationClientErrors", "Sum"),
]


def fleet(size: int) -> list[ModelProfile]:
    return [
        ModelProfile(f"vendor.model-{i:03d}-v1:0", 40 + i % 50, 800 + 7 * i) for i in range(size)
    ]


def cloudwatch(endpoint: str) -> Any:
    return boto3.client("cloudwatch", endpoint_url=endpoint, config=PATIENT)


def poll_once(client: Any, end: datetime, tmp: str) -> CycleReport:
    """One real poll cycle with the default rules and a fresh state file."""
    settings = load_settings(latency_statistic="Average", lookback_hours=HOURS)
    store = SqliteStore(f"{tmp}/poll-{time.monotonic_ns()}.db", SystemClock())
    sink = bootstrap.TerminalNotifier(io.StringIO())
    poller = bootstrap.poller(settings, store=store, cloudwatch=client, sink=sink)
    try:
        return poller.run_once(end + timedelta(seconds=30))
    finally:
        store.close()


def naive_read(client: Any, report: CycleReport, end: datetime) -> int:
    """The same series with one GetMetricStatistics call each; the number of calls."""
    per_model = max(1, report.metrics_requested // max(1, len(report.models)))
    calls = 0
    for model in report.models:
        for metric, stat in METRICS[:per_model]:
            client.get_metric_statistics(
                Namespace="AWS/Bedrock",
                MetricName=metric,
                Period=300,
                StartTime=end - timedelta(hours=HOURS),
                EndTime=end,
                Statistics=[stat],
                Dimensions=[{"Name": "ModelId", "Value": model}],
            )
            calls += 1
    return calls


def fresh(endpoint: str) -> None:
    """Empty moto: its state is shared by every server in the process, so metrics that an
    earlier module published would otherwise be polled here too."""
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))


def live(size: int, tmp: str) -> tuple[CycleReport, int, datetime]:
    """Ours and the naive way against moto with ``size`` models seeded."""
    end = period_floor(datetime.now(UTC), 300)
    with embedded_aws() as endpoint:
        fresh(endpoint)
        client = cloudwatch(endpoint)
        seed_fleet(client, end, fleet(size), hours=SEED_HOURS)
        report = poll_once(client, end, tmp)
        return report, naive_read(client, report, end), end


def replayed(recording: dict[str, Any], tmp: str) -> tuple[list[float], list[float], CycleReport]:
    """Seconds per cycle, ours and naive, over REPEATS, with the recorded answers."""
    end = datetime.fromisoformat(recording["end"])
    ours: list[float] = []
    naive: list[float] = []
    with embedded_aws() as endpoint:  # other services the poller asks (logging config)
        fresh(endpoint)
        for _ in range(REPEATS):
            client = cloudwatch(endpoint)
            replay = wire_replay.Replay(client, recording["ours"])
            started = time.perf_counter()
            report = poll_once(client, end, tmp)
            ours.append(time.perf_counter() - started)
            replay.finished()
            if report.failures:  # a check that failed did less work: the time would flatter us
                raise RuntimeError(f"the replayed poll failed: {report.failures[0]}")
            client = cloudwatch(endpoint)
            replay = wire_replay.Replay(client, recording["naive"])
            started = time.perf_counter()
            naive_read(client, report, end)
            naive.append(time.perf_counter() - started)
            replay.finished()
    return ours, naive, report


def count_rows(size: int, report: CycleReport, naive_calls: int, where: str) -> list[Figure]:
    label = f"poll {size} models"
    series = report.metrics_requested
    usd = (
        f"{monthly_cost_usd(series, 300):,.2f} / {naive_usd(naive_calls):,.2f} / "
        f"{alarms_usd(report):,.2f}"
    )
    return [
        fixed(
            f"{label}: API calls per cycle (ours / naive), {where}",
            f"{report.api_calls} / {naive_calls}",
            f"x{naive_calls / max(report.api_calls, 1):.0f} fewer",
        ),
        fixed(f"{label}: metrics requested per cycle", f"{series:,}", "metrics"),
        fixed(f"{label}: USD per month at 5 min (ours / naive / alarms)", usd, "USD"),
    ]


def run() -> list[Figure]:
    rows: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in LIVE_FLEETS:
            report, naive_calls, _ = live(size, tmp)
            rows += count_rows(size, report, naive_calls, "counted on moto")
        recording = wire_replay.load(RECORDED)
        ours, naive, report = replayed(recording, tmp)
    size = recording["models"]
    naive_calls = len(recording["naive"])
    rows += count_rows(size, report, naive_calls, "recorded on moto")
    ratios = [n / o for o, n in zip(ours, naive, strict=True)]
    runs = f"{REPEATS} runs"
    rows += [
        measured(f"poll {size} models: one cycle, bot's own time (ours)", ours, "s", 2, runs),
        measured(f"poll {size} models: naive way, same answers", naive, "s", 2, runs),
        measured(f"poll {size} models: naive time / ours", ratios, "x", 1, runs),
    ]
    return rows
