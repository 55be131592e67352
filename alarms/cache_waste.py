"""Cache waste: prompt-cache writes that are never read back, priced, per model and principal.

A cache write costs more than plain input (1.25x on Anthropic models); it pays off only when
later calls read the cached prefix. Over the rule's window each model and principal's written
tokens ``W`` and read tokens ``R`` give the written tokens not read back, ``max(0, W - R)``,
priced at the model's cache-write rate: what the cache cost without saving anything. The rule
fires when that is at least ``min_wasted_usd`` and written tokens were read back fewer than
``max_read_ratio`` times on average (with at least ``min_write_tokens`` written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from alarms.model import Evaluation
from alarms.names import short_model
from alarms.rollup import PAIR, Rollup, Tally
from alarms.rules import CacheWasteRule

RULE = "cache_waste"
PriceWrites = Callable[[str, int], "Decimal | None"]  # model, cache-write tokens -> USD


def evaluate(
    rule: CacheWasteRule,
    hours: Sequence[Rollup],
    price: PriceWrites,
    teams: Callable[[str], str | None],
    open_: Sequence[dict[str, str]] = (),
    now: datetime | None = None,
) -> list[Evaluation]:
    """One evaluation per (model, principal) with cache writes in ``hours`` (or an open alert)."""
    usage: dict[tuple[str, str], Tally] = {}
    for rollup in hours:
        for pair, tally in rollup.model_principal.items():
            model, _, principal = pair.partition(PAIR)
            if tally.cache_write and rule.watches(model):
                usage.setdefault((model, principal), Tally()).merge(tally)
    for labels in open_:
        usage.setdefault((labels.get("model", ""), labels.get("principal", "")), Tally())
    return [
        _judge(rule, model, principal, tally, price, teams(principal), now)
        for (model, principal), tally in sorted(usage.items())
    ]


def _judge(
    rule: CacheWasteRule,
    model: str,
    principal: str,
    tally: Tally,
    price: PriceWrites,
    team: str | None,
    now: datetime | None,
) -> Evaluation:
    written, read = tally.cache_write, tally.cache_read
    unread = max(0, written - read)
    ratio = read / written if written else 0.0
    wasted = price(model, unread) if unread else Decimal(0)
    total = price(model, written) if written else Decimal(0)
    labels = {"model": model, "principal": principal, **({"team": team} if team else {})}
    window = f"the last {rule.window_hours} h"
    firing = (
        wasted is not None
        and written >= rule.min_write_tokens
        and ratio < rule.max_read_ratio
        and wasted >= Decimal(str(rule.min_wasted_usd))
    )
    if wasted is None:
        summary = f"{model} cannot be priced, so its cache writes are not judged"
    else:
        summary = (
            f"{principal} wrote {written:,} prompt-cache tokens on {short_model(model)} in "
            f"{window} and read back {read:,} ({ratio:.2f}x): "
            f"${wasted:,.2f} of cache writes saved nothing"
        )
    return Evaluation(
        rule=RULE,
        labels=labels,
        firing=firing,
        severity=rule.severity,
        value=float(wasted or 0),
        threshold=rule.min_wasted_usd,
        unit="USD",
        period_end=now,
        summary=summary,
        details={
            "cache_write_tokens": f"{written:,}",
            "cache_read_tokens": f"{read:,}",
            "read_ratio": f"{ratio:.2f}",
            "cache_write_usd": f"{total:.2f}" if total is not None else "unpriced",
            "wasted_usd": f"{wasted:.2f}" if wasted is not None else "unpriced",
            "window": window,
            "how to fix": "cache only prefixes that repeat within the cache's lifetime (5 min "
            "by default), or stop setting cache points on one-off prompts",
        },
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
    )
