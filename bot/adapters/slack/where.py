"""Where an alert fired: the account and region it was read in.

An alert of a bot watching several targets carries the labels ``account``, ``region`` and,
when the target's name differs from the account id, ``target``; its message names them and
its console links open that region. A bot with no targets labels nothing, so its messages
show the bot's own region (from the message style) and its links open that region.
"""

from __future__ import annotations

from alarms.model import Alert
from bot.adapters.slack.style import MessageStyle

# Rules judged on one region's metrics; budgets and cache waste span every target.
REGIONAL = frozenset(
    {
        "latency_spike",
        "error_rate",
        "throttle_rate",
        "guardrail_surge",
        "quota_saturation",
        "feedback_drop",
    }
)


def region(alert: Alert, style: MessageStyle) -> str:
    """The region the alert's series live in (its label, else the bot's region)."""
    return alert.labels.get("region") or style.region


def target(alert: Alert) -> str | None:
    """How people name the alert's target: its name, else its account id; None without."""
    return alert.labels.get("target") or alert.labels.get("account")


def place(alert: Alert, style: MessageStyle) -> str | None:
    """``prod (222233334444) us-west-2``, ``us-east-1`` for a bot without targets, or None
    for an alert about no one region (a budget over every target). Plain text."""
    if "region" not in alert.labels and alert.rule not in REGIONAL:
        return None
    account, name = alert.labels.get("account"), target(alert)
    if not name:
        return region(alert, style)
    who = f"{name} ({account})" if account and account != name else f"account {name}"
    return f"{who} {region(alert, style)}"


def suffix(alert: Alert) -> str:
    """`` in prod us-west-2`` after a subject's name, for an alert with target labels."""
    name = target(alert)
    if not name or "region" not in alert.labels:
        return ""
    return f" in {name} {alert.labels['region']}"
