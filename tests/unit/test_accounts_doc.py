"""docs/accounts.md's polling bill for many targets is the bot's own arithmetic: series per
model, 500 queries per GetMetricData call, and the price per metric requested."""

from __future__ import annotations

import math
import re
from pathlib import Path

from alarms.rules import default_rules
from bot.adapters.aws.cloudwatch import MAX_QUERIES_PER_CALL
from bot.app.poll.history import series_per_subject
from bot.app.poll.report import monthly_cost_usd

DOC = Path(__file__).resolve().parents[2] / "docs" / "accounts.md"
MODELS = 20
FIVE_MINUTES = 300


def target_regions() -> dict[str, list[int]]:
    """Each set-up of the doc's table: the series of every target region it polls."""
    plain, _, _ = series_per_subject(default_rules())
    return {
        "1 account, 1 region, 20 models": [MODELS * plain],
        "3 accounts x 2 regions, 20 models each": [MODELS * plain] * 6,
        "monitoring account, 30 linked accounts x 20 models, 1 region": [30 * MODELS * plain],
    }


def test_cost_table_follows_from_series_batches_and_price() -> None:
    rows = {
        cells[0]: cells[1:]
        for line in DOC.read_text().splitlines()
        if line.startswith("| ") and "about $" in line
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert set(rows) == set(target_regions())
    for setup, series in target_regions().items():
        total, calls, bill = rows[setup]
        assert int(total.replace(",", "")) == sum(series), setup
        assert int(calls) == sum(math.ceil(s / MAX_QUERIES_PER_CALL) for s in series), setup
        assert bill == f"about ${monthly_cost_usd(sum(series), FIVE_MINUTES):,.2f}", setup


def test_doc_states_the_series_the_default_rules_read() -> None:
    plain, streaming, guardrail = series_per_subject(default_rules())
    text = " ".join(DOC.read_text().split())
    assert (
        f"{plain} per model ({streaming} if it streams) and up to {guardrail} per guardrail" in text
    )
    assert re.search(rf"ceil\(series / {MAX_QUERIES_PER_CALL}\)", text)
