"""What alert messages need to know beyond the alerts: where the console is, which statistic
the rules judge, who to mention for critical alerts, runbooks, and model aliases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from alarms.names import short_model

DOCS_URL = "https://github.com/genai-ops/genai-ops-bot/blob/main/docs/runbooks.md"
RUNBOOK_ANCHORS = {
    "latency_spike": "latency-spike",
    "error_rate": "server-errors",
    "throttle_rate": "throttled-calls",
    "guardrail_surge": "guardrail-interventions",
    "feedback_drop": "negative-feedback",
    "budget_threshold": "budget-crossed",
    "budget_forecast": "budget-forecast",
    "budget_burn_rate": "spend-burn-rate",
    "unpriced_model": "unpriced-model",
}


@dataclass(frozen=True)
class MessageStyle:
    """Settings alert messages are rendered with (see ``SlackSettings``)."""

    region: str = "us-east-1"
    statistic: str = "p90"  # the latency statistic the rules judge
    period_seconds: int = 300
    mention: str | None = None  # user group id mentioned on critical alerts, e.g. S0123ABCD
    runbooks: Mapping[str, str] = field(default_factory=dict)  # rule kind -> URL
    docs_url: str = DOCS_URL
    aliases: Mapping[str, str] = field(default_factory=dict)  # alias -> model id
    broadcast_resolutions: bool = True

    def runbook(self, rule: str) -> str:
        """The runbook of ``rule``: configured, else the rule's section of the docs."""
        configured = self.runbooks.get(rule)
        if configured:
            return configured
        return f"{self.docs_url}#{RUNBOOK_ANCHORS.get(rule, rule.replace('_', '-'))}"

    def model_name(self, model_id: str) -> str:
        """The configured alias of ``model_id``, else its short name (version kept)."""
        for alias, target in sorted(self.aliases.items()):
            if target == model_id:
                return alias
        return short_model(model_id)
