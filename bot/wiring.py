"""Builds the object graph from settings. Nothing is constructed at import time."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.alert_store import AlertStore
from bot.aws.cloudwatch import CloudWatchReader
from bot.metric_check import MetricConfig, MetricRulesCheck
from bot.notifier import Notifier, SlackNotifier, TerminalNotifier
from bot.poller import Check, Poller
from bot.pricing import Pricer
from bot.settings import Settings
from bot.store import StateStore, open_store


def aws_region(session: boto3.session.Session | None = None) -> str:
    return (session or boto3.session.Session()).region_name or "us-east-1"


def slack_client(settings: Settings) -> WebClient | None:
    token = settings.secret("slack_bot_token")
    if not token:
        return None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def notifier(settings: Settings) -> Notifier:
    client = slack_client(settings)
    if client is not None and settings.alert_channel:
        return SlackNotifier(client, settings.alert_channel, aws_region())
    return TerminalNotifier(sys.stdout)


def metric_config(settings: Settings) -> MetricConfig:
    return MetricConfig(
        rules=settings.active_rules,
        latency_statistic=settings.latency_statistic,
        period_seconds=settings.metric_period_seconds,
        lookback=timedelta(hours=settings.lookback_hours),
    )


def poller(
    settings: Settings,
    *,
    store: StateStore | None = None,
    cloudwatch: Any = None,
    sink: Notifier | None = None,
) -> Poller:
    reader = CloudWatchReader(cloudwatch or boto3.client("cloudwatch"))
    checks: list[Check] = [MetricRulesCheck(metric_config(settings), reader)]
    return Poller(
        checks,
        AlertStore(store or open_store(settings.state_url)),
        sink or notifier(settings),
    )


# --- cost and budgets (issue 4) ---


def pricer(settings: Settings, bedrock: Any = None) -> Pricer:
    """Prices from genai-prices plus ``price_overrides``; application inference profiles are
    resolved with GetInferenceProfile (bedrock control plane) when no override maps them."""
    return Pricer.from_settings(settings, bedrock or boto3.client("bedrock"))


# --- Slack app services (issue 5) -------------------------------------------------------


@dataclass
class Services:
    """What Slack listeners need, built once per process from settings.

    Listener modules take this object in ``register(app, services)``. Add a field (with a
    default) when a feature needs another collaborator; build it in ``services()``.
    """

    settings: Settings
    store: StateStore
    slack: WebClient
    region: str = "us-east-1"
    alerts: AlertStore = field(init=False)

    def __post_init__(self) -> None:
        self.alerts = AlertStore(self.store)


def bolt_client(settings: Settings) -> WebClient:
    """The WebClient Bolt uses: the bot token, pointed at ``settings.slack_api_url``."""
    return WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def services(settings: Settings, *, store: StateStore | None = None) -> Services:
    """The Slack app's collaborators; ``store`` defaults to ``settings.state_url``."""
    return Services(
        settings=settings,
        store=store or open_store(settings.state_url),
        slack=bolt_client(settings),
        region=aws_region(),
    )
