"""Detection quality of the default latency rule on labelled synthetic scenarios.

Run with ``-s`` to see the table (the README quotes it).
"""

from __future__ import annotations

from statistics import median

from alarms.rules import LatencySpikeRule
from tests.support.scenarios import evaluate_rule, report

QUIET = ("daily seasonality", "noise", "single outliers", "gradual drift", "low traffic")


def test_default_latency_rule_is_precise_prompt_and_misses_little() -> None:
    per, overall = evaluate_rule(LatencySpikeRule(), runs=10)
    print("\n" + report(per, overall))
    assert overall.precision >= 0.9
    assert overall.recall >= 0.9
    assert median(overall.delays) <= 15  # minutes of data: the 3rd breaching period
    assert max(overall.delays) <= 30
    for name in QUIET:  # nothing to alert on: seasonality, noise, outliers, drift, few calls
        assert per[name].alerts == 0, name
    for name in ("step change (incident)", "noise + incident", "spike at night"):
        assert per[name].recall == 1.0, name


def test_a_stricter_rule_trades_recall_for_fewer_alerts() -> None:
    strict = LatencySpikeRule(relative_margin=1.0, breach_periods=4)
    _, overall = evaluate_rule(strict, runs=4)
    _, default = evaluate_rule(LatencySpikeRule(), runs=4)
    assert overall.recall < default.recall  # the mild slowdowns go unnoticed
    assert overall.alerts < default.alerts
