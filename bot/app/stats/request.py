"""Parsing ``/genai-stats [1h|24h|7d|30d] [model or alias] [public]``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

WINDOWS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
LABELS = {"1h": "last hour", "24h": "last 24 h", "7d": "last 7 days", "30d": "last 30 days"}
DEFAULT_WINDOW = "24h"
WINDOWISH = re.compile(r"^\d+(m|min|h|d|w|mo)$")


class StatsUsageError(ValueError):
    """The arguments cannot be understood; the message names the word at fault."""


@dataclass(frozen=True)
class StatsRequest:
    window: str = DEFAULT_WINDOW
    model: str | None = None  # an exact model id (from an alias) or a fragment to match
    public: bool = False
    help: bool = False

    @property
    def length(self) -> timedelta:
        return WINDOWS[self.window]

    @property
    def label(self) -> str:
        return LABELS[self.window]

    def matches(self, model_id: str) -> bool:
        return self.model is None or self.model.lower() in model_id.lower()


def parse(text: str, aliases: Mapping[str, str] | None = None) -> StatsRequest:
    """The request in ``text``; raises StatsUsageError naming the first word it cannot use."""
    aliases = {name.lower(): model for name, model in (aliases or {}).items()}
    window, model, public = None, None, False
    for word in text.split():
        lowered = word.lower()
        if lowered in ("help", "-h", "--help", "?"):
            return StatsRequest(help=True)
        if lowered in WINDOWS:
            if window is not None:
                raise StatsUsageError(f"two time windows: `{window}` and `{word}`; give one")
            window = lowered
        elif lowered == "public":
            public = True
        elif WINDOWISH.match(lowered):
            allowed = ", ".join(f"`{w}`" for w in WINDOWS)
            raise StatsUsageError(f"unknown time window `{word}`; use one of {allowed}")
        elif model is None:
            model = aliases.get(lowered, word)
        else:
            raise StatsUsageError(f"unexpected `{word}`: give at most one model or alias")
    return StatsRequest(window or DEFAULT_WINDOW, model, public)
