"""The group stage: which outbox entries become one Slack message."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from alarms.model import Alert
from bot.adapters.store.outbox import Entry


def family(alert: Alert) -> str | None:
    """Alerts told in one message: every threshold level of one budget in one period."""
    if alert.rule != "budget_threshold":
        return None
    return f"{alert.rule}|{alert.labels.get('budget', '')}|{alert.labels.get('period', '')}"


def units(entries: list[Entry], key: Callable[[Entry], tuple[str, ...]]) -> Iterator[list[Entry]]:
    """Group stage: entries of one poll cycle (a run of one batch) with the same ``key`` are
    one unit (one message), however they are interleaved; units come in the order of their
    first entry, and entries of different cycles never share one."""
    run: dict[tuple[str, ...], list[Entry]] = {}
    batch: str | None = None
    for entry in entries:
        if run and entry.batch != batch:
            yield from run.values()
            run = {}
        batch = entry.batch
        run.setdefault(key(entry), []).append(entry)
    yield from run.values()
