"""The settings of each domain: Slack, AWS, polling, cost and budgets, /genai-ask, feedback.

Each section is a small pydantic model; ``bot.config.settings.Settings`` holds one of each.
In TOML a section is a table (``[ask]``), in the environment a double underscore
(``GENAI_OPS_ASK__MAX_TOKENS``); the flat names of earlier versions (``ask_max_tokens``,
``GENAI_OPS_ASK_MAX_TOKENS``) keep working (see ``bot.config.flat``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from alarms.access import GUARDED, CommandAccess, command_key
from alarms.budgets import Budget
from alarms.pricing import PriceOverride
from alarms.rolling import RollingBudget
from bot.config.targets import AwsTarget, check_targets

STATISTIC = re.compile(r"^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d{1,2})?|p100)$")

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


def check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as UTC or Europe/Berlin") from None
    return value


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlackSettings(Section):
    """The Slack app: tokens, where alerts go, who may do what."""

    bot_token: SecretStr | None = Field(default=None, description="Bot token, xoxb-...")
    app_token: SecretStr | None = Field(default=None, description="App token for Socket Mode.")
    signing_secret: SecretStr | None = Field(default=None, description="Verifies HTTP requests.")
    api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL (http or https)."
    )
    alert_channel: str | None = Field(default=None, description="Channel id or name for alerts.")
    alert_timezone: str = Field(
        default="UTC", description="IANA zone: 'Silence until tomorrow' lasts until 09:00 here."
    )
    command_access: dict[str, CommandAccess] = Field(
        default_factory=dict,
        description="Per command (genai-stats, genai-alerts, genai-ask, genai-help, "
        "alert-buttons): allowed channels, users and user groups.",
    )
    critical_mention: str | None = Field(
        default=None,
        pattern=r"^S[A-Z0-9]{2,20}$",
        description="User group id (S0123ABCD) mentioned on critical alerts.",
    )
    runbook_urls: dict[str, str] = Field(
        default_factory=dict,
        description="Per rule kind (latency_spike, error_rate, budget_threshold...): runbook URL.",
    )
    docs_url: str = Field(
        default="https://github.com/genai-ops/genai-ops-bot/blob/main/docs/runbooks.md",
        description="Where the default runbooks live: each rule links to its section here.",
    )
    post_resolutions_to_channel: bool = Field(
        default=True,
        description="Resolutions and new budget levels go to the channel too, not only the thread.",
    )
    secret_arn: str | None = Field(
        default=None,
        description="Secrets Manager secret (JSON) holding the Slack tokens, read on Lambda.",
    )

    @field_validator("api_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http:// or https:// URL, e.g. https://slack.com/api/")
        return value.rstrip("/") + "/"

    @field_validator("runbook_urls")
    @classmethod
    def _check_runbooks(cls, value: dict[str, str]) -> dict[str, str]:
        for rule, url in value.items():
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"runbook for {rule!r} must be an http(s) URL, got {url!r}")
        return value

    @field_validator("docs_url")
    @classmethod
    def _check_docs_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("alert_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("command_access")
    @classmethod
    def _check_access_keys(cls, value: dict[str, CommandAccess]) -> dict[str, CommandAccess]:
        keys = {command_key(name): access for name, access in value.items()}
        unknown = sorted(set(keys) - set(GUARDED))
        if unknown:
            raise ValueError(f"unknown command {unknown[0]!r}; use one of {', '.join(GUARDED)}")
        return keys


class AwsSettings(Section):
    """Where the bot reads invocation logs, and how usage reaches it."""

    invocation_log_group: str | None = Field(
        default=None, description="Log group of Bedrock invocation logs (else asked of Bedrock)."
    )
    usage_source: Literal["pull", "push"] = Field(
        default="pull",
        description="pull: the poller reads invocation logs; push: a subscription filter "
        "delivers them to the usage function and the poller only reads the roll-ups.",
    )
    usage_namespace: str | None = Field(
        default=None,
        description="On Lambda: namespace where the poller publishes EstimatedCostUSD per model.",
    )
    targets: tuple[AwsTarget, ...] = Field(
        default=(),
        description="[[aws.targets]]: accounts and regions to watch (default: boto3's own).",
    )
    max_parallel_targets: int = Field(
        default=4, ge=1, le=32, description="Target regions polled at once."
    )

    @field_validator("targets")
    @classmethod
    def _distinct_targets(cls, value: tuple[AwsTarget, ...]) -> tuple[AwsTarget, ...]:
        return check_targets(value)


class PollingSettings(Section):
    """How often and how far back CloudWatch is read."""

    interval_seconds: int = Field(default=300, ge=60, le=86_400, description="Between polls.")
    period_seconds: int = Field(
        default=300, ge=60, le=3_600, description="CloudWatch period; a multiple of 60."
    )
    lookback_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 14,
        description="History a series warms up from when it has no stored detector state, "
        "and the window its alert is judged over.",
    )
    overlap_periods: int = Field(
        default=3,
        ge=0,
        le=288,
        description="Periods before the last one read that each poll reads again, so "
        "datapoints CloudWatch publishes late reach the rules (a period already judged by "
        "the latency baseline is not judged again).",
    )
    latency_statistic: str = Field(
        default="p90", description="Average, Maximum, Minimum, Sum, SampleCount or pNN."
    )
    discovery_ttl_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="How long ListMetrics discovery is reused."
    )
    aws_read_timeout_seconds: int | None = Field(
        default=None,
        ge=1,
        le=60,
        description="Seconds an AWS call may wait for an answer (2 attempts); default 1% of "
        "the poll interval, 3 to 10 s.",
    )

    @field_validator("latency_statistic")
    @classmethod
    def _check_statistic(cls, value: str) -> str:
        if not STATISTIC.match(value):
            raise ValueError("must be Average, Maximum, Minimum, Sum, SampleCount or p0-p100")
        return value

    @field_validator("period_seconds")
    @classmethod
    def _check_period(cls, value: int) -> int:
        if value % 60:
            raise ValueError("must be a multiple of 60 (CloudWatch's period granularity)")
        return value


class CostSettings(Section):
    """Prices, budgets and the usage roll-ups they are judged on."""

    price_overrides: dict[str, PriceOverride] = Field(
        default_factory=dict,
        description="Per model id or ARN: USD per 1M tokens, or model = base model to price as.",
    )
    budgets: tuple[Budget, ...] = Field(default=(), description="[[budgets]] tables.")
    rolling_budgets: tuple[RollingBudget, ...] = Field(
        default=(),
        description="[[rolling_budgets]] tables: any principal, team or tag value over an "
        "amount in a rolling window, one alert per key.",
    )
    daily_budget_usd: Decimal | None = Field(default=None, gt=0, description="Overall, per day.")
    monthly_budget_usd: Decimal | None = Field(
        default=None, gt=0, description="Overall, per month."
    )
    timezone: str = Field(default="UTC", description="IANA zone where budget periods start.")
    tag_keys: tuple[str, ...] = Field(
        default=("team", "app", "project", "source"),
        description="requestMetadata keys tallied as tags (budget tag keys are added).",
    )
    backfill_max_days: int = Field(
        default=31, ge=0, le=93, description="First start: logs read back at most this far."
    )
    settle_seconds: int = Field(
        default=60,
        ge=0,
        le=3_600,
        description="Accepted for older configs and ignored: records are counted in the "
        "first poll after they are readable; late ones are caught by overlap_seconds.",
    )
    overlap_seconds: int = Field(
        default=300,
        ge=0,
        le=3_600,
        description="Each poll reads the invocation logs of this long before where the "
        "last one stopped again, so records CloudWatch Logs delivers late are counted (once).",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)

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
    def all_tag_keys(self) -> frozenset[str]:
        keys = set(self.tag_keys)
        for budget in self.all_budgets:
            keys |= set(budget.tag or {})
        keys |= {b.key_name for b in self.rolling_budgets if b.per != "principal"}
        return frozenset(keys)


class AskSettings(Section):
    """``/genai-ask``: which model, how much it may cost, where it works."""

    default_model: str | None = Field(
        default=None, description="Model id, profile id or alias /genai-ask uses by default."
    )
    max_tokens: int = Field(default=1024, ge=1, le=64_000, description="Converse maxTokens.")
    rate_limit_per_hour: int = Field(default=20, ge=1, description="Asks per user per hour.")
    daily_spend_cap_usd: Decimal = Field(
        default=Decimal("5"), ge=0, description="Per user per UTC day; 0 turns asks off."
    )
    allowed_channels: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="Channel ids where /genai-ask works; empty means everywhere."
    )
    allowed_models: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Model ids, profile ids, ARNs or aliases /genai-ask may call; empty means "
        "any model with a known price (an unpriced model is always refused).",
    )
    guardrail_id: str | None = Field(default=None, description="Guardrail id or ARN.")
    guardrail_version: str = Field(default="DRAFT", description="Guardrail version.")
    timeout_seconds: int = Field(default=120, ge=5, le=900, description="Converse timeout.")

    @field_validator("allowed_channels", "allowed_models", mode="before")
    @classmethod
    def _split_channels(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


class FeedbackSettings(Section):
    """Emoji votes on answers, and where they are published."""

    namespace: str = Field(default="GenAIOps/Feedback", min_length=1, max_length=255)
    emoji: dict[str, Literal["positive", "negative"]] = Field(
        default_factory=lambda: dict(DEFAULT_FEEDBACK_EMOJI),
        description="Reaction name to positive or negative.",
    )
    metrics_via: Literal["api", "emf"] = Field(
        default="api", description="PutMetricData calls, or EMF log lines (Lambda)."
    )

    @field_validator("namespace")
    @classmethod
    def _check_namespace(cls, value: str) -> str:
        if value.startswith("AWS/"):
            raise ValueError("must not start with AWS/ (reserved by AWS), e.g. GenAIOps/Feedback")
        return value
