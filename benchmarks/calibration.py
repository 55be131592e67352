"""The machine's speed, measured before every module: one fixed workload timed on one core.

The project's machine (a shared 2-core VM) switches between two speeds, about 2x apart, in
phases of a tenth of a second to several seconds: the same workload takes about 12 ms of
CPU in one phase and 21 to 27 ms in the other, on either core. Every CPU-bound figure moves
with it. Before each module the harness times ``RUNS`` rounds of the same workload (Python
loops, dicts and strings, a JSON round trip, Decimal sums: what the bot's own code spends its
time on) and the table states them, so a reader sees which speed a module's figures met.
They are not used to correct the figures: a phase can change during a module, and did (a
module timed right after a fast calibration ran slow).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from decimal import Decimal

from benchmarks.figures import Figure, measured

RUNS = 5
DOCUMENT = {
    "modelId": "anthropic.claude-3-5-haiku-20241022-v1:0",
    "input": {"inputTokenCount": 1234, "cacheReadInputTokenCount": 0},
    "output": {"outputTokenCount": 567},
    "requestMetadata": {"team": "search", "env": "prod"},
    "text": "Bedrock invocation log " * 20,
}
PRICE = Decimal("0.0000008")


def workload() -> int:
    """12 to 27 ms of CPU on the project's machine; returns a checksum (so it is all done)."""
    total = 0
    counts: dict[str, int] = {}
    for i in range(20_000):
        key = f"model-{i % 97}:{i % 13}"
        counts[key] = counts.get(key, 0) + i
        total += len(key.split(":", 1)[0])
    text = json.dumps(DOCUMENT)
    spend = Decimal(0)
    for _ in range(400):
        record = json.loads(text)
        spend += record["input"]["inputTokenCount"] * PRICE
    return total + len(counts) + int(spend)


def calibration_figure(samples: Sequence[float]) -> Figure:
    """The calibration's milliseconds as a figure (median, min / max) for print and table."""
    return measured("calibration", samples, "ms", 1)


def calibrate(runs: int = RUNS) -> list[float]:
    """CPU milliseconds of each of ``runs`` rounds of the workload (one warm-up round first)."""
    workload()
    spent = []
    for _ in range(runs):
        started = time.process_time()
        workload()
        spent.append((time.process_time() - started) * 1000)
    return spent
