"""`genai-ops check-config`: what works with these settings, and what would need more."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.adapters.aws.clients import use_aws_region
from bot.adapters.clock import Clock
from bot.adapters.store import open_store
from bot.app.poll.history import LastCycle, PollHistory, series_per_subject
from bot.app.poll.report import calls_per_cycle, monthly_cost_usd
from bot.config.load import unknown_env_vars, unknown_slack_vars
from bot.config.settings import Settings
from bot.entrypoints.cli.state_check import state_problem

log = logging.getLogger(__name__)


def check_config(settings: Settings, out: TextIO, clock: Clock, err: TextIO | None = None) -> int:
    """Print what works and what is missing; 1 when the state store cannot be used as is."""
    problem = state_problem(settings, clock)
    say = out.write
    say("Settings are valid.\n")
    has_bot = bool(settings.secret("slack_bot_token"))
    notes = [
        (
            "Slack alerts",
            has_bot and bool(settings.slack.alert_channel),
            "set SLACK_BOT_TOKEN and GENAI_OPS_ALERT_CHANNEL; until then alerts print to stdout",
        ),
        (
            "Socket Mode (genai-ops run)",
            bool(settings.secret("slack_app_token")),
            "set SLACK_APP_TOKEN (xapp-...); HTTP mode (genai-ops serve) does not need it",
        ),
        (
            "HTTP mode (genai-ops serve)",
            bool(settings.secret("slack_signing_secret")),
            "set SLACK_SIGNING_SECRET",
        ),
        (
            "/genai-ask default model",
            bool(settings.ask.default_model),
            "set GENAI_OPS_ASK_DEFAULT_MODEL; until then every ask must name a model",
        ),
        (
            "/genai-ask guardrail",
            bool(settings.ask.guardrail_id),
            "set GENAI_OPS_ASK_GUARDRAIL_ID (and _VERSION) to filter every ask",
        ),
    ]
    for name, enabled, hint in notes:
        say(f"  [{'on ' if enabled else 'off'}] {name}" + ("" if enabled else f": {hint}") + "\n")
    say(f"  state: {settings.state_url}\n")
    rules = ", ".join(rule.kind for rule in settings.active_rules) or "none"
    say(f"  rules in force: {rules}\n")
    say(
        f"  latency statistic: {settings.polling.latency_statistic}; period "
        f"{settings.polling.period_seconds}s; poll every {settings.polling.interval_seconds}s\n"
    )
    for line in polling_cost_lines(settings, clock):  # the alert engine's own cost
        say(line)
    from bot.app.deliver.status import delivery_lines

    for line in delivery_lines(settings, clock):
        say(line)
    from bot.entrypoints.cli.usage import usage_lines  # cost and budgets

    for line in usage_lines(settings):
        say(line)
    say(f"  {ask_limits(settings)}\n")
    for name, guess in unknown_env_vars():
        hint = f"did you mean {guess}?" if guess else "typo?"
        say(f"  warning: environment variable {name} matches no setting ({hint})\n")
    for name, guess in unknown_slack_vars():
        hint = f" (did you mean {guess}?)" if guess else ""
        say(f"  warning: environment variable {name} is not read by genai-ops{hint}\n")
    if problem:
        (err or sys.stderr).write(f"genai-ops check-config: {problem}\n")
        return 1
    return 0


def polling_cost_lines(settings: Settings, clock: Clock) -> list[str]:
    """Series read per cycle and what that costs a month, planned and as last measured."""
    interval = settings.polling.interval_seconds
    plain, streaming, guardrail = series_per_subject(settings.active_rules)
    lines = [
        f"  metric rules read {plain} series per model ({streaming} if it streams, adding "
        f"TimeToFirstToken) and up to {guardrail} per guardrail, in one batched "
        "GetMetricData round per cycle\n"
    ]
    for models in (10, 100):
        cost = monthly_cost_usd(models * plain, interval)
        lines.append(
            f"  polling cost for {models} models: about ${cost:,.2f}/month (GetMetricData)\n"
        )
    lines += target_bill_lines(settings, plain)
    last = _last_cycle(settings, clock)
    if last is not None:
        rescaled = last.model_copy(update={"interval_seconds": interval})
        lines.append(f"  last poll ({last.at:%Y-%m-%d %H:%M} UTC): {rescaled.describe()}\n")
    return lines


def target_bill_lines(settings: Settings, plain: int, models: int = 10) -> list[str]:
    """With ``[[aws.targets]]``: the target regions, and the bill summed over them."""
    if not settings.aws.targets:
        return []
    home = use_aws_region() or "us-east-1"
    names = [f"{t.label} {r}" for t in settings.aws.targets for r in t.regions or (home,)]
    series = models * plain
    calls = calls_per_cycle(series) * len(names)
    cost = monthly_cost_usd(series * len(names), settings.polling.interval_seconds)
    return [
        f"  {len(names)} target regions ({', '.join(names)}), each read on its own, up to "
        f"{settings.aws.max_parallel_targets} at once: with {models} models in each, "
        f"{calls} GetMetricData calls per cycle (one per 500 series per region), about "
        f"${cost:,.2f}/month in total\n"
    ]


def _last_cycle(settings: Settings, clock: Clock) -> LastCycle | None:
    """The last poll report in the state store, if there is one and the store is readable."""
    url = settings.state_url
    if (
        url.startswith("sqlite:///")
        and not Path(url.removeprefix("sqlite:///")).expanduser().exists()
    ):
        return None  # never create a state file just to look
    try:
        store = open_store(url, clock)
        try:
            return PollHistory(store).last()
        finally:
            store.close()
    except Exception as exc:  # a diagnostic must not fail on an unreachable store
        log.debug("last poll report unavailable", extra={"reason": str(exc)})
        return None


def ask_limits(settings: Settings) -> str:
    """One line on what bounds /genai-ask spend, and where feedback goes."""
    where = ", ".join(settings.ask.allowed_channels) or "every channel"
    return (
        f"/genai-ask: {settings.ask.rate_limit_per_hour} asks/user/hour, "
        f"${settings.ask.daily_spend_cap_usd}/user/day, max {settings.ask.max_tokens} tokens, "
        f"in {where}; feedback metrics to {settings.feedback.namespace} "
        f"({settings.feedback.metrics_via})"
    )
