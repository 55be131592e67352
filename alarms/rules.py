"""Alert rule definitions: what to watch and how sensitive to be.

Rules are plain configuration values (pydantic, frozen) that users write in TOML as
``[[rules]]`` tables. Each kind has defaults good enough to run with no configuration.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Annotated, Literal

from pydantic import Field, model_validator

from alarms.adaptive_fields import AdaptiveFields
from alarms.model import Frozen, Severity


class RuleBase(Frozen):
    enabled: bool = True
    severity: Severity = Severity.WARNING
    models: tuple[str, ...] = Field(
        default=("*",), description="Glob patterns of model ids this rule watches."
    )
    repeat_interval_minutes: int = Field(default=240, ge=5)
    refire_cooldown_minutes: int = Field(
        default=30, ge=0, description="A re-fire this soon after a resolved notice waits."
    )

    def watches(self, model_id: str) -> bool:
        return any(fnmatchcase(model_id, pattern) for pattern in self.models)


class MOfN(Frozen):
    """Fire when ``breach_periods`` of the last ``eval_periods`` periods breach;
    resolve after ``resolve_periods`` calm periods in a row."""

    breach_periods: int = Field(default=3, ge=1)
    eval_periods: int = Field(default=5, ge=1)
    resolve_periods: int = Field(default=3, ge=1)

    @model_validator(mode="after")
    def _m_not_above_n(self) -> MOfN:
        if self.breach_periods > self.eval_periods:
            raise ValueError("breach_periods must not exceed eval_periods")
        return self


class LatencySpikeRule(RuleBase, MOfN, AdaptiveFields):
    """Per-model latency against that model's own recent baseline (median and MAD)."""

    kind: Literal["latency_spike"] = "latency_spike"
    metric: Literal["InvocationLatency", "TimeToFirstToken"] = "InvocationLatency"
    relative_margin: float = Field(default=0.5, ge=0, description="0.5 = 50% above baseline.")
    absolute_margin_ms: float = Field(default=400.0, ge=0)
    min_invocations: int = Field(default=20, ge=0, description="Per period, else no verdict.")
    max_ms: float | None = Field(default=None, gt=0, description="Static ceiling, optional.")
    time_to_first_token: bool = Field(
        default=True,
        description="Also judge TimeToFirstToken (same margins) where a model publishes it.",
    )
    page_on_drops: bool = Field(
        default=True,
        description="A sudden lasting fall of latency pages too, as a drop (calls failing "
        "fast, or a route bypassing the model); false: only rises page.",
    )
    drop_margin: float = Field(
        default=0.5, gt=0, le=1, description="A drop is a fall below usual x (1 - this)."
    )
    spike_margins: float | None = Field(
        default=None,
        ge=1,
        description="One period above usual by this many margins pages at once, without "
        "waiting for the M of N; unset: always wait.",
    )


class FeedbackDropRule(RuleBase):
    """Per-model share of negative /genai-ask feedback over a trailing window."""

    kind: Literal["feedback_drop"] = "feedback_drop"
    window_hours: int = Field(default=24, ge=1, le=24 * 14, description="Votes counted.")
    max_negative_share: float = Field(
        default=0.4, gt=0, lt=1, description="0.4 = fire above 40% negative votes."
    )
    min_votes: int = Field(default=10, ge=1, description="Fewer votes in the window: no verdict.")


class RateRuleBase(RuleBase, MOfN, AdaptiveFields):
    """A per-model share of calls (errors, throttles) over ``Invocations + InvocationThrottles``.

    ``mode = "adaptive"`` (the default): a period breaches when the rate is above the model's
    own adaptive baseline by the margins, at least ``min_rate``, with at least ``min_events``
    bad calls; or above ``hard_max_rate`` whatever the baseline. ``mode = "ceiling"``: a
    period breaches above ``max_rate`` with at least ``min_events`` bad calls. Periods with
    fewer than ``min_attempts`` calls are not judged either way.
    """

    breach_periods: int = Field(default=2, ge=1)
    eval_periods: int = Field(default=3, ge=1)
    resolve_periods: int = Field(default=3, ge=1)
    mode: Literal["adaptive", "ceiling"] = Field(
        default="adaptive",
        description="adaptive: against the model's own usual rate; ceiling: against max_rate.",
    )
    max_rate: float = Field(
        default=0.05, gt=0, le=1, description="Ceiling mode: 0.05 = 5% of calls."
    )
    hard_max_rate: float | None = Field(
        default=0.10,
        gt=0,
        le=1,
        description="Adaptive mode: above this share a period breaches whatever is usual.",
    )
    min_rate: float = Field(
        default=0.02, ge=0, le=1, description="Adaptive mode: no breach below this share."
    )
    relative_margin: float = Field(
        default=1.0, ge=0, description="Adaptive mode: 1.0 = twice the usual rate."
    )
    absolute_margin: float = Field(
        default=0.01, ge=0, description="Adaptive mode: rate points over usual (0.01 = 1 point)."
    )
    min_attempts: int = Field(default=20, ge=0, description="Calls per period, else no verdict.")
    min_events: int = Field(default=3, ge=0, description="Bad calls per period to breach.")


class ErrorRateRule(RateRuleBase):
    """Server errors (and optionally client errors) as a share of calls, per model."""

    kind: Literal["error_rate"] = "error_rate"
    include_client_errors: bool = Field(
        default=False, description="Count InvocationClientErrors (4xx) too."
    )
    accept_shift_after_minutes: int | None = Field(
        default=None,
        ge=5,
        description="Errors that last this long are accepted as the new normal; unset (the "
        "default): errors never become usual by lasting.",
    )


class ThrottleRateRule(RateRuleBase):
    """Throttled calls as a share of calls, per model."""

    kind: Literal["throttle_rate"] = "throttle_rate"
    max_rate: float = Field(default=0.10, gt=0, le=1)
    hard_max_rate: float | None = Field(default=0.25, gt=0, le=1)


class GuardrailSurgeRule(RuleBase, MOfN, AdaptiveFields):
    """Per guardrail (ARN and version): the intervention rate against its own adaptive baseline.

    A period breaches when the rate is above usual by the margins, at least ``min_rate``,
    with at least ``min_interventions`` intervened calls.
    """

    kind: Literal["guardrail_surge"] = "guardrail_surge"
    guardrails: tuple[str, ...] = Field(
        default=("*",), description="Glob patterns of guardrail ARNs or ids."
    )
    min_rate: float = Field(default=0.05, ge=0, le=1, description="Absolute floor of the rate.")
    relative_margin: float = Field(default=1.0, ge=0, description="1.0 = twice the baseline.")
    absolute_margin: float = Field(default=0.05, ge=0, description="Rate points over baseline.")
    min_invocations: int = Field(default=20, ge=0)
    min_interventions: int = Field(default=5, ge=0)

    def watches_guardrail(self, arn: str) -> bool:
        short = arn.rsplit("/", 1)[-1]
        return any(fnmatchcase(arn, p) or fnmatchcase(short, p) for p in self.guardrails)


class QuotaSaturationRule(RuleBase):
    """Per model: ``EstimatedTPMQuotaUsage`` against the account's tokens-per-minute quota."""

    kind: Literal["quota_saturation"] = "quota_saturation"
    max_share: float = Field(
        default=0.8, gt=0, le=1, description="0.8 = fire at 80% of the quota in a period."
    )
    exhaustion_minutes: int = Field(
        default=30, ge=1, description="Also fire when the trend reaches the quota this soon..."
    )
    min_share: float = Field(
        default=0.5, ge=0, le=1, description="...from at least this share of the quota."
    )
    trend_periods: int = Field(default=6, ge=3, description="Periods behind the trend line.")
    quota_codes: dict[str, str] = Field(
        default_factory=dict,
        description="Model glob to Service Quotas code, where the quota's name does not match.",
    )
    quotas_tpm: dict[str, int] = Field(
        default_factory=dict,
        description="Model glob to a known tokens-per-minute quota (no Service Quotas call).",
    )


class CacheWasteRule(RuleBase):
    """Per model and principal: prompt-cache writes that are not read back, in dollars."""

    kind: Literal["cache_waste"] = "cache_waste"
    window_hours: int = Field(default=24, ge=1, le=24 * 7, description="Usage judged.")
    min_wasted_usd: float = Field(
        default=5.0, gt=0, description="Fire when unread cache writes cost at least this."
    )
    max_read_ratio: float = Field(
        default=1.0, gt=0, description="...and written tokens are read back fewer times."
    )
    min_write_tokens: int = Field(default=1_000_000, ge=0, description="Else no verdict.")
    repeat_interval_minutes: int = Field(default=24 * 60, ge=5)


Rule = Annotated[
    LatencySpikeRule
    | ErrorRateRule
    | ThrottleRateRule
    | GuardrailSurgeRule
    | FeedbackDropRule
    | QuotaSaturationRule
    | CacheWasteRule,
    Field(discriminator="kind"),
]

RULE_KINDS: tuple[str, ...] = (
    "latency_spike",
    "error_rate",
    "throttle_rate",
    "guardrail_surge",
    "feedback_drop",
    "quota_saturation",
    "cache_waste",
)


def default_rules() -> tuple[Rule, ...]:
    return (
        LatencySpikeRule(),
        ErrorRateRule(),
        ThrottleRateRule(),
        GuardrailSurgeRule(),
        FeedbackDropRule(),
        QuotaSaturationRule(),
        CacheWasteRule(),
    )


def effective_rules(configured: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Configured rules plus a default for every kind the user did not configure."""
    kinds = {rule.kind for rule in configured}
    defaults = tuple(rule for rule in default_rules() if rule.kind not in kinds)
    return tuple(rule for rule in configured + defaults if rule.enabled)
