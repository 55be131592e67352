"""Settings: environment variables (``GENAI_OPS_*`` and Slack's own names) over a TOML file.

Precedence, highest first: explicit overrides, environment, the TOML file, defaults.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from alarms.access import GUARDED, CommandAccess, command_key
from alarms.budgets import Budget
from alarms.pricing import PriceOverride
from alarms.rules import Rule, effective_rules

STATISTIC = re.compile(r"^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d{1,2})?|p100)$")
ENV_PREFIX = "GENAI_OPS_"


def default_state_url() -> str:
    return f"sqlite:///{Path(user_data_dir('genai-ops-bot')) / 'state.db'}"


# Reactions that count as feedback on /genai-ask answers; others are ignored.
DEFAULT_FEEDBACK_EMOJI: dict[str, Literal["positive", "negative"]] = {
    "+1": "positive",
    "thumbsup": "positive",
    "white_check_mark": "positive",
    "heart": "positive",
    "-1": "negative",
    "thumbsdown": "negative",
    "x": "negative",
}


def _env(*names: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(*names))


class Settings(BaseSettings):
    """Everything the bot can be told. See the README's configuration reference."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    slack_bot_token: SecretStr | None = _env(
        "SLACK_BOT_TOKEN", "GENAI_OPS_SLACK_BOT_TOKEN", "slack_bot_token"
    )
    slack_app_token: SecretStr | None = _env(
        "SLACK_APP_TOKEN", "GENAI_OPS_SLACK_APP_TOKEN", "slack_app_token"
    )
    slack_signing_secret: SecretStr | None = _env(
        "SLACK_SIGNING_SECRET", "GENAI_OPS_SLACK_SIGNING_SECRET", "slack_signing_secret"
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL (http or https)."
    )
    alert_channel: str | None = Field(default=None, description="Channel id or name for alerts.")
    state_url: str = Field(
        default_factory=default_state_url,
        description="sqlite:///path/to/file.db or dynamodb://TABLE",
    )
    poll_interval_seconds: int = Field(default=300, ge=60, le=86_400)
    metric_period_seconds: int = Field(
        default=300, ge=60, le=3_600, description="CloudWatch period; a multiple of 60."
    )
    lookback_hours: int = Field(
        default=24, ge=1, le=24 * 14, description="History read for baselines each poll."
    )
    latency_statistic: str = Field(
        default="p90", description="Average, Maximum, Minimum, Sum, SampleCount or pNN."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    discovery_ttl_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="How long ListMetrics discovery is reused."
    )
    model_aliases: dict[str, str] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    # --- cost and budgets ---
    price_overrides: dict[str, PriceOverride] = Field(
        default_factory=dict,
        description="Per model id or ARN: USD per 1M tokens, or model = base model to price as.",
    )
    invocation_log_group: str | None = Field(
        default=None, description="Log group of Bedrock invocation logs (else asked of Bedrock)."
    )
    budgets: tuple[Budget, ...] = ()
    daily_budget_usd: Decimal | None = Field(default=None, gt=0)
    monthly_budget_usd: Decimal | None = Field(default=None, gt=0)
    budget_timezone: str = Field(default="UTC", description="IANA zone where periods start.")
    usage_tag_keys: tuple[str, ...] = Field(
        default=("team", "app", "project", "source"),
        description="requestMetadata keys tallied as tags (budget tag keys are added).",
    )
    usage_backfill_max_days: int = Field(default=31, ge=0, le=93)
    usage_settle_seconds: int = Field(
        default=60, ge=0, le=3_600, description="Newest logs left for the next poll."
    )

    @field_validator("budget_timezone", "alert_timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as UTC or Europe/Berlin") from None
        return value

    @property
    def all_budgets(self) -> tuple[Budget, ...]:
        """``[[budgets]]`` plus the overall ones from the two flat settings."""
        flat = [
            Budget(period=period, amount_usd=amount)
            for period, amount in (
                ("daily", self.daily_budget_usd),
                ("monthly", self.monthly_budget_usd),
            )
            if amount is not None
        ]
        return self.budgets + tuple(flat)

    @property
    def tag_keys(self) -> frozenset[str]:
        keys = set(self.usage_tag_keys)
        for budget in self.all_budgets:
            keys |= set(budget.tag or {})
        return frozenset(keys)

    # --- /genai-ask and feedback ---
    ask_default_model: str | None = Field(
        default=None, description="Model id, profile id or alias /genai-ask uses by default."
    )
    ask_max_tokens: int = Field(default=1024, ge=1, le=64_000, description="Converse maxTokens.")
    ask_rate_limit_per_hour: int = Field(default=20, ge=1, description="Asks per user per hour.")
    ask_daily_spend_cap_usd: Decimal = Field(
        default=Decimal("5"), ge=0, description="Per user per UTC day; 0 turns asks off."
    )
    ask_allowed_channels: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="Channel ids where /genai-ask works; empty means everywhere."
    )
    ask_guardrail_id: str | None = Field(default=None, description="Guardrail id or ARN.")
    ask_guardrail_version: str = Field(default="DRAFT", description="Guardrail version.")
    ask_timeout_seconds: int = Field(default=120, ge=5, le=900, description="Converse timeout.")
    feedback_namespace: str = Field(default="GenAIOps/Feedback", min_length=1, max_length=255)
    feedback_emoji: dict[str, Literal["positive", "negative"]] = Field(
        default_factory=lambda: dict(DEFAULT_FEEDBACK_EMOJI)
    )
    feedback_metrics_via: Literal["api", "emf"] = Field(
        default="api", description="PutMetricData calls, or EMF log lines (Lambda)."
    )

    @field_validator("ask_allowed_channels", mode="before")
    @classmethod
    def _split_channels(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("feedback_namespace")
    @classmethod
    def _check_namespace(cls, value: str) -> str:
        if value.startswith("AWS/"):
            raise ValueError("must not start with AWS/ (reserved by AWS), e.g. GenAIOps/Feedback")
        return value

    # --- scale out on AWS ---
    slack_secret_arn: str | None = Field(
        default=None,
        description="Secrets Manager secret (JSON) holding the Slack tokens, read on Lambda.",
    )
    usage_namespace: str | None = Field(
        default=None,
        description="On Lambda: namespace where the poller publishes EstimatedCostUSD per model.",
    )
    usage_source: Literal["pull", "push"] = Field(
        default="pull",
        description="pull: the poller reads invocation logs; push: a subscription filter "
        "delivers them to the usage function and the poller only reads the roll-ups.",
    )

    # --- Slack app ---
    command_access: dict[str, CommandAccess] = Field(
        default_factory=dict,
        description="Per command (genai-stats, genai-alerts, genai-ask, genai-help, "
        "alert-buttons): allowed channels, users and user groups.",
    )
    alert_timezone: str = Field(
        default="UTC", description="IANA zone: 'Silence until tomorrow' lasts until 09:00 here."
    )

    @field_validator("command_access")
    @classmethod
    def _check_access_keys(cls, value: dict[str, CommandAccess]) -> dict[str, CommandAccess]:
        keys = {command_key(name): access for name, access in value.items()}
        unknown = sorted(set(keys) - set(GUARDED))
        if unknown:
            raise ValueError(f"unknown command {unknown[0]!r}; use one of {', '.join(GUARDED)}")
        return keys

    @field_validator("slack_api_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http:// or https:// URL, e.g. https://slack.com/api/")
        return value.rstrip("/") + "/"

    @field_validator("state_url")
    @classmethod
    def _check_state_url(cls, value: str) -> str:
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
        if re.match(r"^dynamodb://[A-Za-z0-9_.-]{3,255}$", value):
            return value
        raise ValueError("must be sqlite:///path/to/state.db or dynamodb://TABLE_NAME")

    @field_validator("latency_statistic")
    @classmethod
    def _check_statistic(cls, value: str) -> str:
        if not STATISTIC.match(value):
            raise ValueError("must be Average, Maximum, Minimum, Sum, SampleCount or p0-p100")
        return value

    @field_validator("metric_period_seconds")
    @classmethod
    def _check_period(cls, value: int) -> int:
        if value % 60:
            raise ValueError("must be a multiple of 60 (CloudWatch's period granularity)")
        return value

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return effective_rules(self.rules)

    def secret(self, name: str) -> str | None:
        value = getattr(self, name)
        return value.get_secret_value() if isinstance(value, SecretStr) else None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


def config_path(explicit: str | None) -> Path | None:
    """The TOML file in force: ``--config`` first, then ``GENAI_OPS_CONFIG``."""
    chosen = explicit or os.environ.get("GENAI_OPS_CONFIG")
    return Path(chosen) if chosen else None
