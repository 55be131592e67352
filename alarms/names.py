"""How models and spans of time are named for people: one helper each, used everywhere."""

from __future__ import annotations

from datetime import datetime

from alarms.pricing import plain_model_id, strip_geo

# Bedrock model providers: the first part of a model id, dropped in short names.
PROVIDERS = frozenset(
    {
        "ai21",
        "amazon",
        "anthropic",
        "cohere",
        "deepseek",
        "luma",
        "meta",
        "mistral",
        "openai",
        "qwen",
        "stability",
        "twelvelabs",
        "writer",
    }
)


def short_model(model_id: str) -> str:
    """``us.anthropic.claude-3-haiku-20240307-v1:0`` -> ``claude-3-haiku-20240307-v1:0``.

    Cross-region prefixes (``us.``, ``eu.``, ``apac.``, ``global.``...) and the provider go;
    the version stays. An ARN is shortened to its model id or, for an application inference
    profile, to the profile's id.
    """
    plain = strip_geo(plain_model_id(model_id))
    if plain.startswith("arn:"):
        return plain.rsplit("/", 1)[-1]
    provider, _, rest = plain.partition(".")
    return rest if provider in PROVIDERS and rest else plain


def duration(start: datetime, end: datetime) -> str:
    """``45m``, ``3h 5m``, ``2d 4h``: how long from ``start`` to ``end`` (never negative)."""
    minutes = max(0, int((end - start).total_seconds() // 60))
    if minutes >= 24 * 60:
        return f"{minutes // 1440}d {minutes % 1440 // 60}h"
    return f"{minutes // 60}h {minutes % 60}m" if minutes >= 60 else f"{minutes}m"
