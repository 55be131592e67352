"""What one alert says in words: the headline sentence with the exact figure and unit, a row
naming its metric (for grouped messages), and its facts as labelled fields.

Every piece of text that is not ours (model ids, guardrail ARNs, budget names, principals,
tag values) goes through ``escape`` so it can never mention anyone or forge a link.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alarms.model import Alert, AlertState
from bot.adapters.slack import usage_story, where
from bot.adapters.slack.figures import (
    RULE_METRICS,
    count,
    figure,
    metric_name,
    minutes,
    ratio,
)
from bot.adapters.slack.mrkdwn import code_arns, escape
from bot.adapters.slack.style import MessageStyle

BUDGET_RULES = ("budget_threshold", "budget_forecast", "budget_burn_rate")
TOP = (("top models", "Top models"), ("top principals", "Top principals"), ("top tags", "Top tags"))


def subject_key(alert: Alert) -> str:
    """What the alert is about: a model, a guardrail (and version) or a budget."""
    return _subject_key(alert) + where.suffix(alert)  # one subject per target region


def _subject_key(alert: Alert) -> str:
    if alert.rule in usage_story.RULES:
        return usage_story.subject_key(alert)
    if "guardrail" in alert.labels:
        return f"guardrail {alert.labels['guardrail']} {alert.labels.get('version', '')}"
    if "budget" in alert.labels:
        return f"budget {alert.labels['budget']} {alert.labels.get('period', '')}"
    return f"model {alert.labels.get('model', 'account')}"


def subject_name(alert: Alert, style: MessageStyle) -> str:
    """The subject as people name it (plain text, not escaped), with where it is when the
    bot watches several targets (``claude-3-haiku in prod us-west-2``)."""
    return _subject_name(alert, style) + where.suffix(alert)


def _subject_name(alert: Alert, style: MessageStyle) -> str:
    if alert.rule in usage_story.RULES and usage_story.subject_name(alert):
        return usage_story.subject_name(alert)
    if "guardrail" in alert.labels:
        short = alert.labels["guardrail"].rsplit("/", 1)[-1]
        version = alert.labels.get("version")
        return f"guardrail {short}" + (f" (version {version})" if version else "")
    if "budget" in alert.labels:
        return alert.labels["budget"]
    model = alert.labels.get("model")
    return style.model_name(model) if model else "the account"


def measured(alert: Alert, style: MessageStyle) -> str:
    """The metric the alert judges, in words: ``Latency (p90)``, ``Server errors``."""
    metric = alert.details.get("metric") or RULE_METRICS.get(alert.rule, "")
    name = metric_name(metric) if metric else alert.rule.replace("_", " ").capitalize()
    if alert.rule == "latency_spike":
        return f"{name} ({style.statistic})"
    if alert.rule == "error_rate" and alert.details.get("client_errors") is not None:
        return "Errors"
    return name


def sentence(alert: Alert, style: MessageStyle) -> str:
    """The headline sentence (mrkdwn): what, on what, how much, against what is usual."""
    if alert.rule in usage_story.RULES:
        return usage_story.sentence(alert)
    if alert.state is AlertState.RESOLVED:
        return resolved_sentence(alert, style)
    who = f"*{escape(subject_name(alert, style))}*"
    value = f"*{figure(alert.value, alert.unit)}*"
    d = alert.details
    if alert.rule in BUDGET_RULES:
        return _budget_sentence(alert, who)
    if alert.rule == "unpriced_model":
        return f"{value} to {who} in the last 24 h cannot be priced, so budgets do not count them."
    if alert.rule == "feedback_drop":
        votes = int(d.get("positive", 0)) + int(d.get("negative", 0))
        return (
            f"*Negative feedback* on {who} is {value} of votes: {d.get('negative', '?')} of "
            f"{votes} in the last {d.get('window_hours', '24')} h."
        )
    verb = "are" if alert.unit == "%" else "is"
    line = f"*{measured(alert, style)}* on {who} {verb} {value}"
    if alert.unit == "%" and "invocations" in d:
        bad = d.get("events") or d.get("interventions")
        line += f" of calls ({count(bad)} of {count(d['invocations'])})" if bad else " of calls"
    times = ratio(alert.value, alert.baseline)
    if alert.baseline is not None and alert.unit == "ms" and times:
        line += f", {times} its usual {figure(alert.baseline, alert.unit)}"
    elif alert.baseline is not None:
        line += f", usually {figure(alert.baseline, alert.unit)}"
    return line + "."


def resolved_sentence(alert: Alert, style: MessageStyle) -> str:
    """The sentence once it is over: the value now, against what is usual or the limit."""
    who = f"*{escape(subject_name(alert, style))}*"
    if alert.rule in BUDGET_RULES:
        spent, amount = _usd(alert.details.get("spent_usd")), _usd(alert.details.get("amount_usd"))
        return f"Budget {who}: the {_period(alert)} is over, {spent} of {amount} spent."
    if alert.rule == "unpriced_model":
        return f"No unpriced calls to {who} in the last 24 h."
    verb = "are" if alert.unit == "%" and alert.rule != "feedback_drop" else "is"
    line = f"*{measured(alert, style)}* on {who} {verb} back to *{figure(alert.value, alert.unit)}*"
    if alert.baseline is not None:
        line += f", usually {figure(alert.baseline, alert.unit)}"
    elif alert.threshold is not None:
        line += f", alert above {figure(alert.threshold, alert.unit)}"
    return line + "."


def _budget_sentence(alert: Alert, who: str) -> str:
    d = alert.details
    amount = _usd(d.get("amount_usd"))
    value = f"*{figure(alert.value, alert.unit)}*"
    if alert.rule == "budget_threshold":
        level = alert.labels.get("threshold", "?")
        return f"Budget {who} crossed *{level}%*: {value} of {amount}."
    since = f" since {escape(d['rate_since'])}" if d.get("rate_since") else ""
    if alert.rule == "budget_forecast":
        runout = ""
        if d.get("runs_out"):
            rate = f" ({_usd(d['rate_usd_per_hour'])}/h)" if d.get("rate_usd_per_hour") else ""
            at = f"At the rate{since}{rate}" if since else "At this rate"
            runout = f" {at} it runs out {escape(d['runs_out'])}."
        return (
            f"Budget {who} is on course for {value} by the end of the {_period(alert)}, over "
            f"its {amount} ({_usd(d.get('spent_usd'))} spent so far).{runout}"
        )
    left = float(d.get("left_usd") or 0)
    hours = "now"
    if alert.value and left > 0:
        span = left / alert.value
        hours = f"in about {span * 60:.0f} min" if span < 1 else f"in about {span:.1f} h"
    left_text = _usd(d.get("left_usd"))
    if d.get("runs_out"):
        hours += f" ({escape(d['runs_out'])})"
    return (
        f"Budget {who} is spending {value}{since}: the {left_text} left of {amount} "
        f"runs out {hours}."
    )


def row(alert: Alert, style: MessageStyle) -> str:
    """One line naming the metric, for a subject with several alerts."""
    if alert.rule in (*BUDGET_RULES, *usage_story.RULES, "unpriced_model", "feedback_drop"):
        return sentence(alert, style)
    parts = [f"*{measured(alert, style)}* {figure(alert.value, alert.unit)}"]
    if alert.baseline is not None:
        times = ratio(alert.value, alert.baseline)
        parts.append(
            f"usually {figure(alert.baseline, alert.unit)}" + (f" ({times})" if times else "")
        )
    if alert.threshold is not None:
        parts.append(f"alert above {figure(alert.threshold, alert.unit)}")
    return " · ".join(parts)


def usual_means(alert: Alert, style: MessageStyle) -> str:
    """What "usual" means for the alert's rule, in a few words."""
    period = minutes(int(alert.details.get("period_seconds") or style.period_seconds))
    calm = "calm " if alert.rule in ("error_rate", "throttle_rate") else ""
    return f"median of {calm}{period} periods, last 24 h"


# What a share-of-calls figure counts, so "Monday 14:00: 2.1% intervened" reads alone.
USUAL_WORDS = {
    "guardrail_surge": " intervened",
    "throttle_rate": " throttled",
    "error_rate": " failed",
}


def usual_field(alert: Alert, style: MessageStyle) -> str:
    """The usual figure and what it means: "Monday 14:00: 1.2 s" when a weekly or daily
    profile set it, "1.2 s" for the recent baseline, and when a lasting shift
    was accepted as the new normal; rules without a streaming baseline say how it is taken."""
    usual = figure(alert.baseline, alert.unit) + USUAL_WORDS.get(alert.rule, "")
    label = alert.details.get("usual_for")
    if not label:
        return f"{usual}\n_{usual_means(alert, style)}_"
    # The field is titled "Usual": "usual for Monday 14:00" under it would say it twice.
    when = label.removeprefix("usual").removeprefix(" for ")
    text = f"{escape(when)}: {usual}" if when else usual
    since = _clock_time(alert.details.get("new_normal_since"))
    return text + (f"\n_new normal since {since} UTC_" if since else "")


def _clock_time(iso: str | None) -> str:
    try:
        return "" if not iso else datetime.fromisoformat(iso).astimezone(UTC).strftime("%H:%M")
    except ValueError:
        return ""


def facts(alert: Alert, style: MessageStyle) -> list[tuple[str, str]]:
    """Labelled facts in words and units, for the message's fields."""
    d = alert.details
    if alert.rule in usage_story.RULES:
        return usage_story.facts(alert)
    if alert.rule in BUDGET_RULES:
        rows = [
            ("Spent so far", _usd(d.get("spent_usd"))),
            ("Budget", f"{_usd(d.get('amount_usd'))} {d.get('period_kind', '')}".strip()),
            ("Covers", escape(d.get("scope", "all spend"))),
        ]
        if alert.rule == "budget_burn_rate":
            rows.append(("Left", _usd(d.get("left_usd"))))
        rows += [(title, _list(d[key])) for key, title in TOP if d.get(key)]
        return rows
    if alert.rule == "unpriced_model":
        return [("Model id", f"`{escape(alert.labels.get('model', ''))}`")]
    if alert.rule == "feedback_drop":
        return [
            ("👎 votes", d.get("negative", "0")),
            ("👍 votes", d.get("positive", "0")),
            ("Alerts above", figure(alert.threshold, alert.unit)),
            ("Window", f"last {d.get('window_hours', '24')} h"),
        ]
    rows = [("Now", figure(alert.value, alert.unit))]
    if alert.peak is not None and (
        alert.state is AlertState.RESOLVED or alert.peak > (alert.value or 0)
    ):
        rows.append(("Peak", figure(alert.peak, alert.unit)))
    if alert.baseline is not None:
        rows.append(("Usual", usual_field(alert, style)))
    if alert.threshold is not None:
        rows.append(("Alerts above", figure(alert.threshold, alert.unit)))
    if "invocations" in d and alert.state is AlertState.FIRING:
        period = minutes(int(d.get("period_seconds") or style.period_seconds))
        rows.append((f"Calls, last {period}", count(d["invocations"])))
    mostly = [d.get(k) for k in ("policy_types", "content_sources") if d.get(k)]
    if mostly:
        rows.append(("Mostly", escape(" · ".join(str(m) for m in mostly))))
    return rows


def how_to_fix(alert: Alert) -> str | None:
    """For an unpriced model: the settings line to add, as a code block."""
    reason = alert.details.get("how to fix")
    if not reason:
        return None
    before, found, line = reason.partition("add [")
    if not found:
        return escape(reason)
    entry = "[" + line.split(" or allow", 1)[0]
    table, _, rest = entry.partition("] ")
    body = rest.replace(", ", "\n")
    settings = f"```{escape(table)}]\n{escape(body)}```"
    return f"{escape(before.rstrip(': '))}. Add to the settings file:\n{settings}"


def _thing(alert: Alert) -> str:
    return "guardrail" if "guardrail" in alert.labels else "model"


def _period(alert: Alert) -> str:
    return {"daily": "day", "monthly": "month"}.get(alert.details.get("period_kind", ""), "period")


def _usd(text: str | None) -> str:
    try:
        return figure(float(text or ""), "USD")
    except ValueError:
        return "n/a"


def _list(text: str) -> str:
    """``a $1.00 (50%), b $0.50 (25%)`` as one escaped line per entry."""
    return "\n".join(f"• {code_arns(escape(part))}" for part in text.split(", ") if part)
