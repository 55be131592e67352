"""Detection quality of the default latency rule on the labelled synthetic scenarios.

Precision, recall and median detection delay (alert onset minus incident start, in minutes
of data periods) over every scenario in ``tests/support/scenarios.py``, 10 variants each.
"""

from __future__ import annotations

from statistics import median

from alarms.rules import LatencySpikeRule
from tests.support.scenarios import evaluate_rule


def run() -> list[tuple[str, str, str]]:
    per, overall = evaluate_rule(LatencySpikeRule(), runs=10)
    rows = [
        ("latency_spike precision", f"{overall.precision:.2f}", "alerts on a real incident"),
        ("latency_spike recall", f"{overall.recall:.2f}", "incidents alerted on"),
        (
            "latency_spike detection delay",
            f"{median(overall.delays):.0f}" if overall.delays else "-",
            "min, median",
        ),
    ]
    rows += [
        (f"  {name}", f"{s.alerts} alerts", f"{s.detected}/{s.incidents} incidents")
        for name, s in per.items()
    ]
    return rows
