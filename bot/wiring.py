"""Builds the object graph from settings. Nothing is constructed at import time."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import boto3
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.alert_store import AlertStore
from bot.ask_ledger import AskLedger
from bot.ask_service import AskService, Pricing
from bot.aws.bedrock_runtime import Answer
from bot.aws.cloudwatch import CloudWatchReader
from bot.budget_check import BudgetCheck, BudgetConfig
from bot.feedback_check import FeedbackCheck
from bot.feedback_service import FeedbackService
from bot.metric_check import MetricConfig, MetricRulesCheck
from bot.notifier import Notifier, OutboxNotifier, TerminalNotifier
from bot.poller import Check, Poller
from bot.pricing import Pricer
from bot.settings import Settings
from bot.slack.access import Access
from bot.store import StateStore, open_store
from bot.usage import stats
from bot.usage.estimate import estimated_hours
from bot.usage.ingest import UsageIngest
from bot.usage.logsource import LogReader, logging_status
from bot.usage.stats import SpendReport

if TYPE_CHECKING:
    from bot.slack.delivery import Deliverer


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


def notifier(settings: Settings, store: StateStore) -> Notifier:
    """Slack through the outbox when Slack is configured, else stdout."""
    if slack_client(settings) is not None and settings.alert_channel:
        return OutboxNotifier(store, deliverer(settings, store))
    return TerminalNotifier(sys.stdout)


def metric_config(settings: Settings) -> MetricConfig:
    return MetricConfig(
        rules=settings.active_rules,
        latency_statistic=settings.latency_statistic,
        period_seconds=settings.metric_period_seconds,
        lookback=timedelta(hours=settings.lookback_hours),
        discovery_ttl=timedelta(minutes=settings.discovery_ttl_minutes),
    )


def poller(
    settings: Settings,
    *,
    store: StateStore | None = None,
    cloudwatch: Any = None,
    sink: Notifier | None = None,
    logs: Any = None,
    bedrock: Any = None,
) -> Poller:
    reader = CloudWatchReader(cloudwatch or boto3.client("cloudwatch"))
    alerts = AlertStore(store or open_store(settings.state_url))
    checks: list[Check] = [MetricRulesCheck(metric_config(settings), reader)]
    checks.append(FeedbackCheck(settings.active_rules, reader, settings.feedback_namespace))
    checks.append(budget_check(settings, alerts, reader, logs=logs, bedrock=bedrock))
    return Poller(
        checks,
        alerts,
        sink or notifier(settings, alerts.store),
        interval_seconds=settings.poll_interval_seconds,
    )


# --- cost and budgets (issue 4) ---


def pricer(settings: Settings, bedrock: Any = None) -> Pricer:
    """Prices from genai-prices plus ``price_overrides``; application inference profiles are
    resolved with GetInferenceProfile (bedrock control plane) when no override maps them."""
    return Pricer.from_settings(settings, bedrock or boto3.client("bedrock"))


def budget_check(
    settings: Settings,
    alerts: AlertStore,
    reader: CloudWatchReader,
    *,
    logs: Any = None,
    bedrock: Any = None,
) -> BudgetCheck:
    """Usage reading and budget alerts; AWS clients are made here, no call is made yet."""
    bedrock = bedrock or boto3.client("bedrock")
    logs = logs or boto3.client("logs")
    prices = pricer(settings, bedrock)
    config = BudgetConfig(
        budgets=settings.all_budgets,
        zone=ZoneInfo(settings.budget_timezone),
        backfill_max=timedelta(days=settings.usage_backfill_max_days),
        settle=timedelta(seconds=settings.usage_settle_seconds),
        pull=settings.usage_source == "pull",
    )
    return BudgetCheck(
        config,
        alerts,
        prices,
        status=lambda: logging_status(bedrock, settings.invocation_log_group),
        ingest=lambda group: UsageIngest(
            alerts.store, LogReader(logs, group), prices, settings.tag_keys
        ),
        estimate=lambda start, end: estimated_hours(reader, prices, start, end),
    )


def spend_report(
    settings: Settings,
    store: StateStore,
    start: datetime,
    end: datetime,
    *,
    cloudwatch: Any = None,
    bedrock: Any = None,
) -> SpendReport:
    """Spend per model over [start, end) for ``/genai-stats``: from the invocation-log roll-ups,
    or, with logging off, an estimate from CloudWatch token metrics (the report says which)."""
    bedrock = bedrock or boto3.client("bedrock")
    reader = CloudWatchReader(cloudwatch or boto3.client("cloudwatch"))
    prices = pricer(settings, bedrock)
    status = logging_status(bedrock, settings.invocation_log_group)
    return stats.spend_report(
        settings, store, status, lambda a, b: estimated_hours(reader, prices, a, b), start, end
    )


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
    access: Access = field(init=False)

    def __post_init__(self) -> None:
        self.alerts = AlertStore(self.store)
        self.access = Access(self.settings, self.slack, self.store)


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


# --- /genai-ask and feedback (issue 6) --------------------------------------------------


def ask_service(settings: Settings, store: StateStore, region: str | None = None) -> AskService:
    """The /genai-ask collaborators: Converse client, pricing, quota and answer ledger."""
    from bot.ask_quota import AskQuota, Limits
    from bot.aws.bedrock_runtime import ConverseClient, ConverseOptions, runtime_client

    options = ConverseOptions(
        max_tokens=settings.ask_max_tokens,
        guardrail_id=settings.ask_guardrail_id,
        guardrail_version=settings.ask_guardrail_version,
        timeout_seconds=settings.ask_timeout_seconds,
    )
    limits = Limits(settings.ask_rate_limit_per_hour, settings.ask_daily_spend_cap_usd)
    return AskService(
        ConverseClient(runtime_client(settings.ask_timeout_seconds, region), options),
        answer_pricing(settings, region),
        AskQuota(store, limits),
        AskLedger(store),
        aliases=settings.model_aliases,
        default_model=settings.ask_default_model,
        allowed_channels=settings.ask_allowed_channels,
    )


def answer_pricing(settings: Settings, region: str | None = None) -> Pricing:
    """Prices an answer's tokens with the shared price table (and the user's overrides)."""
    from alarms.pricing import TokenCounts

    prices = pricer(settings, boto3.client("bedrock", region_name=region))

    def price(answer: Answer) -> tuple[Decimal | None, str]:
        tokens = TokenCounts(
            input=answer.input_tokens,
            output=answer.output_tokens,
            cache_read=answer.cache_read_tokens,
            cache_write=answer.cache_write_tokens,
        )
        cost = prices.price(answer.model_id, tokens)
        return cost.usd, cost.reason

    return price


def feedback_service(
    settings: Settings, store: StateStore, cloudwatch: Any = None, region: str | None = None
) -> FeedbackService:
    """Reactions to votes to metrics: PutMetricData, or EMF lines on stdout."""
    from bot.aws.feedback_metrics import CloudWatchFeedback, EmfFeedback, FeedbackPublisher

    publisher: FeedbackPublisher
    if settings.feedback_metrics_via == "emf":
        publisher = EmfFeedback(sys.stdout, settings.feedback_namespace)
    else:
        client = cloudwatch or boto3.client("cloudwatch", region_name=region)
        publisher = CloudWatchFeedback(client, settings.feedback_namespace)
    return FeedbackService(AskLedger(store), publisher, settings.feedback_emoji)


def deliverer(settings: Settings, store: StateStore) -> Deliverer:
    """Outbox delivery to the alert channel. Its client does not sleep on 429: the outbox
    keeps the notice and retries after ``Retry-After``."""
    from bot.slack.delivery import Deliverer

    client = WebClient(
        token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url, timeout=10
    )
    return Deliverer(client, settings.alert_channel or "", store, aws_region())
