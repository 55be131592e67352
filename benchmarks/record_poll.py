"""Record CloudWatch's answers to a 500-model poll on moto, for ``bench_poll``'s replay.

``python -m benchmarks.record_poll`` (a few minutes: moto's GetMetricData is quadratic).
Run it again when the poller's calls change (``bench_poll`` then fails and says so).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime

from benchmarks import wire_replay
from benchmarks.bench_poll import (
    RECORDED,
    SEED_HOURS,
    cloudwatch,
    fleet,
    naive_read,
    poll_once,
)
from bot.app.poll.report import period_floor
from bot.entrypoints.demo.embedded_aws import embedded_aws
from bot.entrypoints.demo.seed import seed_fleet

MODELS = 500


def main() -> int:
    end = period_floor(datetime.now(UTC), 300)
    with tempfile.TemporaryDirectory() as tmp, embedded_aws() as endpoint:
        seed_fleet(cloudwatch(endpoint), end, fleet(MODELS), hours=SEED_HOURS)
        ours = cloudwatch(endpoint)
        ours_calls = wire_replay.Recorder(ours)
        report = poll_once(ours, end, tmp)
        naive = cloudwatch(endpoint)
        naive_calls = wire_replay.Recorder(naive)
        naive_read(naive, report, end)
    recording = {
        "models": MODELS,
        "end": end.isoformat(),
        "ours": ours_calls.calls,
        "naive": naive_calls.calls,
    }
    wire_replay.save(RECORDED, recording)
    print(f"recorded {len(ours_calls.calls)} + {len(naive_calls.calls)} answers to {RECORDED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
