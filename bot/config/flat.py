"""The flat setting names of earlier versions, kept working beside the nested ones.

``ask_max_tokens`` in TOML, ``GENAI_OPS_ASK_MAX_TOKENS`` in the environment and
``load_settings(ask_max_tokens=...)`` all mean ``[ask] max_tokens``; Slack's own variable
names (``SLACK_BOT_TOKEN``...) mean ``[slack] bot_token``. Every source's data is rewritten to
the nested shape before the sources are merged, so precedence holds whichever form is used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from pydantic_settings import SettingsError as SourceError

ENV_PREFIX = "GENAI_OPS_"

# flat name -> (section, field)
FLAT: dict[str, tuple[str, str]] = {
    "slack_bot_token": ("slack", "bot_token"),
    "slack_app_token": ("slack", "app_token"),
    "slack_signing_secret": ("slack", "signing_secret"),
    "slack_api_url": ("slack", "api_url"),
    "alert_channel": ("slack", "alert_channel"),
    "alert_timezone": ("slack", "alert_timezone"),
    "command_access": ("slack", "command_access"),
    "slack_secret_arn": ("slack", "secret_arn"),
    "invocation_log_group": ("aws", "invocation_log_group"),
    "usage_source": ("aws", "usage_source"),
    "usage_namespace": ("aws", "usage_namespace"),
    "poll_interval_seconds": ("polling", "interval_seconds"),
    "metric_period_seconds": ("polling", "period_seconds"),
    "lookback_hours": ("polling", "lookback_hours"),
    "overlap_periods": ("polling", "overlap_periods"),
    "latency_statistic": ("polling", "latency_statistic"),
    "discovery_ttl_minutes": ("polling", "discovery_ttl_minutes"),
    "aws_read_timeout_seconds": ("polling", "aws_read_timeout_seconds"),
    "price_overrides": ("cost", "price_overrides"),
    "budgets": ("cost", "budgets"),
    "rolling_budgets": ("cost", "rolling_budgets"),
    "daily_budget_usd": ("cost", "daily_budget_usd"),
    "monthly_budget_usd": ("cost", "monthly_budget_usd"),
    "budget_timezone": ("cost", "timezone"),
    "usage_tag_keys": ("cost", "tag_keys"),
    "usage_backfill_max_days": ("cost", "backfill_max_days"),
    "usage_settle_seconds": ("cost", "settle_seconds"),
    "usage_overlap_seconds": ("cost", "overlap_seconds"),
    "ask_default_model": ("ask", "default_model"),
    "ask_max_tokens": ("ask", "max_tokens"),
    "ask_rate_limit_per_hour": ("ask", "rate_limit_per_hour"),
    "ask_daily_spend_cap_usd": ("ask", "daily_spend_cap_usd"),
    "ask_allowed_channels": ("ask", "allowed_channels"),
    "ask_allowed_models": ("ask", "allowed_models"),
    "ask_guardrail_id": ("ask", "guardrail_id"),
    "ask_guardrail_version": ("ask", "guardrail_version"),
    "ask_timeout_seconds": ("ask", "timeout_seconds"),
    "feedback_namespace": ("feedback", "namespace"),
    "feedback_emoji": ("feedback", "emoji"),
    "feedback_metrics_via": ("feedback", "metrics_via"),
    "serve_max_body_bytes": ("serve", "max_body_bytes"),
    "serve_connection_limit": ("serve", "connection_limit"),
    "serve_idle_timeout_seconds": ("serve", "idle_timeout_seconds"),
    "serve_threads": ("serve", "threads"),
    "serve_drain_seconds": ("serve", "drain_seconds"),
    "routes": ("routing", "routes"),
    "time_intervals": ("routing", "time_intervals"),
}
NESTED = {value: key for key, value in FLAT.items()}

# Slack's own names, honoured first.
ALIASES: dict[str, tuple[str, ...]] = {
    "slack_bot_token": ("SLACK_BOT_TOKEN",),
    "slack_app_token": ("SLACK_APP_TOKEN",),
    "slack_signing_secret": ("SLACK_SIGNING_SECRET",),
}
# Values given as JSON in the environment (maps and lists).
JSON_VALUES = {
    "command_access",
    "price_overrides",
    "budgets",
    "rolling_budgets",
    "usage_tag_keys",
    "feedback_emoji",
    "routes",
    "time_intervals",
}


def env_names(flat: str) -> list[str]:
    """Every environment variable that sets the flat setting ``flat``, in precedence order."""
    return [*ALIASES.get(flat, ()), f"{ENV_PREFIX}{flat.upper()}"]


def nest(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with flat keys moved into their sections (a nested key given too wins)."""
    out = dict(data)
    for flat, (section, name) in FLAT.items():
        if flat not in out:
            continue
        value = out.pop(flat)
        table = out.get(section)
        if table is None:
            out[section] = table = {}
        if isinstance(table, dict):
            table.setdefault(name, value)
    return out


class Nested(PydanticBaseSettingsSource):
    """Another source's data, with flat keys moved into their sections."""

    def __init__(self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource):
        super().__init__(settings_cls)
        self.inner = inner

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return nest(self.inner())


class FlatEnvironment(PydanticBaseSettingsSource):
    """The flat environment names (``GENAI_OPS_ASK_MAX_TOKENS``, ``SLACK_BOT_TOKEN``...)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for flat in FLAT:
            for name in env_names(flat):
                if name in os.environ:
                    found[flat] = self._decode(flat, name, os.environ[name])
                    break
        return nest(found)

    @staticmethod
    def _decode(flat: str, name: str, value: str) -> Any:
        if flat not in JSON_VALUES:
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise SourceError(f'error parsing value for field "{flat}" from {name}') from None
