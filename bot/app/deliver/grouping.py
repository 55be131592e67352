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
    """Group stage: runs of consecutive entries with the same ``key`` (one message each)."""
    unit: list[Entry] = []
    for entry in entries:
        if unit and key(entry) == key(unit[0]):
            unit.append(entry)
            continue
        if unit:
            yield unit
        unit = [entry]
    if unit:
        yield unit
