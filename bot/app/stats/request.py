"""Parsing ``/genai-stats [1h|24h|7d|30d] [model or alias] [account=ID|NAME] [region=R]
[by=account|region] [public]``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal, cast

from alarms.places import is_region_name

WINDOWS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
LABELS = {"1h": "last hour", "24h": "last 24 h", "7d": "last 7 days", "30d": "last 30 days"}
DEFAULT_WINDOW = "24h"
PLACE_KEYS = ("account", "region", "by")
GROUPS = ("account", "region")
WINDOWISH = re.compile(r"^\d+(m|min|h|d|w|mo)$")


class StatsUsageError(ValueError):
    """The arguments cannot be understood; the message names the word at fault."""


@dataclass(frozen=True)
class StatsRequest:
    window: str = DEFAULT_WINDOW
    model: str | None = None  # an exact model id (from an alias) or a fragment to match
    public: bool = False
    help: bool = False
    account: str | None = None  # an account id or a target's name
    region: str | None = None
    by: Literal["account", "region"] | None = None  # split spend by account or region

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
    places: dict[str, str] = {}
    for word in text.split():
        lowered = word.lower()
        if lowered in ("help", "-h", "--help", "?"):
            return StatsRequest(help=True)
        key, eq, value = lowered.partition("=")
        if eq and key in PLACE_KEYS:
            places[key] = _place(key, word.partition("=")[2] if key == "account" else value, word)
        elif lowered in WINDOWS:
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
    found = StatsRequest(window or DEFAULT_WINDOW, model, public)
    return replace(
        found,
        account=places.get("account"),
        region=places.get("region"),
        by=cast(Literal["account", "region"] | None, places.get("by")),
    )


def _place(key: str, value: str, word: str) -> str:
    """The value of ``account=``, ``region=`` or ``by=``, checked."""
    if key == "by" and value not in GROUPS:
        raise StatsUsageError(f"`{word}`: group by `account` or `region`, e.g. `by=region`")
    if key == "region" and not is_region_name(value):
        raise StatsUsageError(f"`{word}` names no AWS region; e.g. `region=us-west-2`")
    if not value:
        raise StatsUsageError(f"`{word}` needs a value, e.g. `account=prod`")
    return value
