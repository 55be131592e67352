"""The one place that builds clients, stores and services from settings.

Entrypoints (CLI, Slack runtimes, Lambda handlers, the demo) call these functions; nothing is
constructed at import time, and no listener or use case builds its own client. Every builder
takes the clock, so time is read in one place (``bot.adapters.clock``).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

import boto3
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from alarms.pricing import TokenCounts
from bot.adapters.aws.bedrock_runtime import Answer
from bot.adapters.aws.caller_account import account_of
from bot.adapters.aws.clients import aws_client, use_aws_region
from bot.adapters.aws.cloudwatch import CloudWatchReader, linked_accounts
from bot.adapters.aws.discovery import Discovery
from bot.adapters.aws.invocation_logs import LogReader, logging_status
from bot.adapters.aws.service_quotas import ServiceQuotas
from bot.adapters.aws.target_failure import target_failure
from bot.adapters.aws.target_identity import TargetIdentity
from bot.adapters.aws.targets import TargetRegion, target_regions
from bot.adapters.clock import Clock, SystemClock
from bot.adapters.prices import Pricer
from bot.adapters.slack.channel import SlackChannel
from bot.adapters.slack.style import MessageStyle
from bot.adapters.store import StateStore, open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.ask_ledger import AskLedger
from bot.adapters.store.detector_state import DetectorStateStore
from bot.adapters.terminal import TerminalNotifier
from bot.app.ask.service import AskService, Pricing
from bot.app.deliver.notifier import OutboxNotifier
from bot.app.deliver.pipeline import Delivery
from bot.app.feedback.service import FeedbackService
from bot.app.poll.budget_check import BudgetCheck, BudgetConfig
from bot.app.poll.feedback_check import FeedbackCheck
from bot.app.poll.linked_check import LinkedAccountsCheck
from bot.app.poll.metric_check import MetricConfig, MetricRulesCheck
from bot.app.poll.poller import Check, Poller
from bot.app.poll.quota_check import QuotaCheck, QuotaConfig
from bot.app.poll.spend_rules_check import SpendRulesCheck, SpendRulesConfig
from bot.app.poll.target_checks import TargetChecks, TargetScope
from bot.app.ports import Notifier
from bot.app.spend import report as spend
from bot.app.spend.estimate import estimated_hours
from bot.app.spend.gather import EVERYWHERE, GroupBy, Where
from bot.app.spend.ingest import UsageIngest
from bot.app.spend.report import SpendReport
from bot.app.spend.targets import UsageTarget
from bot.app.stats.collect import Sources
from bot.config.settings import Settings

if TYPE_CHECKING:
    from bot.entrypoints.slack.services import Services

__all__ = [
    "AlertStore",
    "TerminalNotifier",
    "aws_region",
    "clock",
    "notifier",
    "poller",
    "pricer",
    "services",
    "spend_report",
    "state",
]


def clock() -> Clock:
    """The system clock: what every long-running entrypoint runs on."""
    return SystemClock()


def state(settings: Settings, at: Clock) -> StateStore:
    """The state store that ``settings.state_url`` names."""
    return open_store(settings.state_url, at)


def aws_region(session: boto3.session.Session | None = None) -> str:
    """The region boto3 uses (``AWS_REGION`` honoured), else us-east-1 for display."""
    if session is not None:
        return session.region_name or "us-east-1"
    return use_aws_region() or "us-east-1"


INTERACTIVE_READ_SECONDS = 20  # /genai-stats reads up to 30 days of series for a person


def read_timeout(settings: Settings, interactive: bool = False) -> int | None:
    """Seconds to wait for an AWS answer: the setting, at least 20 s for a person waiting."""
    read = settings.polling.aws_read_timeout_seconds
    return max(read or 0, INTERACTIVE_READ_SECONDS) if interactive else read


def client(
    settings: Settings, service: str, region: str | None = None, *, interactive: bool = False
) -> Any:
    """A boto3 client whose timeouts and retries fit the poll interval (see clients.py);
    ``interactive`` clients (Slack commands) wait longer for large reads."""
    return aws_client(
        service,
        region=region,
        interval_seconds=settings.polling.interval_seconds,
        read_timeout=read_timeout(settings, interactive),
    )


def slack_client(settings: Settings, *, sleep_on_429: bool = True) -> WebClient:
    """The bot's WebClient, pointed at ``settings.slack.api_url``.

    Listeners' client waits out a 429 twice and retries a dropped connection once (as
    slack_sdk does by default: a person is waiting for the answer); the alert channel's client
    does neither, since the outbox keeps the notice and retries after ``Retry-After`` without
    holding a thread.
    """
    retries: list[RetryHandler] = (
        [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)]
        if sleep_on_429
        else []
    )
    return WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack.api_url,
        timeout=10,
        retry_handlers=retries,
    )


def message_style(settings: Settings, region: str | None = None) -> MessageStyle:
    """How alert messages are rendered: console region, statistic, mentions, runbooks."""
    slack = settings.slack
    return MessageStyle(
        region=region or aws_region(),
        statistic=settings.polling.latency_statistic,
        period_seconds=settings.polling.period_seconds,
        mention=slack.critical_mention,
        runbooks=dict(slack.runbook_urls),
        docs_url=slack.docs_url,
        aliases=dict(settings.model_aliases),
        broadcast_resolutions=slack.post_resolutions_to_channel,
    )


def delivery(settings: Settings, store: StateStore, region: str | None = None) -> Delivery:
    """The delivery pipeline to the alert channel."""
    channel = SlackChannel(
        slack_client(settings, sleep_on_429=False),
        settings.slack.alert_channel or "",
        message_style(settings, region),
    )
    return Delivery(store, channel, settings.routing.table())


def notifier(settings: Settings, store: StateStore, out: TextIO | None = None) -> Notifier:
    """Slack through the outbox when Slack is configured, else the terminal."""
    if settings.secret("slack_bot_token") and settings.slack.alert_channel:
        return OutboxNotifier(store, delivery(settings, store))
    return TerminalNotifier(out or sys.stdout, settings.routing.table(), message_style(settings))


def metric_config(settings: Settings) -> MetricConfig:
    return MetricConfig(
        rules=settings.active_rules,
        latency_statistic=settings.polling.latency_statistic,
        period_seconds=settings.polling.period_seconds,
        lookback=timedelta(hours=settings.polling.lookback_hours),
        discovery_ttl=timedelta(minutes=settings.polling.discovery_ttl_minutes),
        overlap=timedelta(
            seconds=settings.polling.overlap_periods * settings.polling.period_seconds
        ),
    )


def poller(
    settings: Settings,
    *,
    store: StateStore | None = None,
    at: Clock | None = None,
    cloudwatch: Any = None,
    sink: Notifier | None = None,
    logs: Any = None,
    bedrock: Any = None,
    quotas: Any = None,
    targets: list[TargetRegion] | None = None,
) -> Poller:
    """One poll cycle's checks (metrics, feedback, budgets), the alert store and a notifier.

    With ``[[aws.targets]]`` (or ``targets`` given) the metric and quota checks run once per
    target region, in parallel; else once, on boto3's own account and region."""
    alerts = AlertStore(store or state(settings, at or clock()))
    reader = CloudWatchReader(cloudwatch or client(settings, "cloudwatch"))
    bedrock = bedrock or client(settings, "bedrock")
    if targets is None and settings.aws.targets:
        targets = watched_regions(settings)
    metric_checks: list[Check] = (
        [
            MetricRulesCheck(
                metric_config(settings), reader, states=DetectorStateStore(alerts.store)
            ),
            quota_check(settings, reader, quotas=quotas),
        ]
        if not targets
        else [target_checks(settings, alerts.store, targets)]
    )
    checks: list[Check] = [
        *metric_checks,
        FeedbackCheck(settings.active_rules, reader, settings.feedback.namespace),
        budget_check(settings, alerts, reader, logs=logs, bedrock=bedrock, targets=targets),
        spend_rules_check(settings, alerts, bedrock=bedrock),
    ]
    return Poller(
        checks,
        alerts,
        sink or notifier(settings, alerts.store),
        interval_seconds=settings.polling.interval_seconds,
        severity=settings.severity,
        routes=settings.routing.table(),
    )


def watched_regions(settings: Settings) -> list[TargetRegion]:
    """The target regions ``[[aws.targets]]`` names (boto3's own one without targets)."""
    return target_regions(settings.aws.targets, settings.aws.invocation_log_group)


def target_client(
    settings: Settings, target: TargetRegion, service: str, *, interactive: bool = False
) -> Any:
    """A client of ``target``'s region and account, with the poll's timeouts (longer for a
    person waiting, as ``client``)."""
    return target.client(
        service,
        interval_seconds=settings.polling.interval_seconds,
        read_timeout=read_timeout(settings, interactive),
    )


def target_checks(
    settings: Settings, store: StateStore, targets: list[TargetRegion]
) -> TargetChecks:
    """Per target region: its metric rules (own discovery cache and detector-state keys)
    and its quota check, with the target's labels on every evaluation."""
    scopes = []
    for target in targets:
        identity = TargetIdentity(target)
        checks = (
            [linked_check(settings, store, target)]
            if target.linked_accounts
            else region_checks(settings, store, target)
        )
        scopes.append(TargetScope(identity.name, identity.labels, checks))
    return TargetChecks(scopes, settings.aws.max_parallel_targets)


def region_checks(settings: Settings, store: StateStore, target: TargetRegion) -> list[Check]:
    """The metric rules (own discovery cache and detector-state keys) and the quota check
    of one target region."""
    reader = CloudWatchReader(target_client(settings, target, "cloudwatch"))
    return [
        MetricRulesCheck(
            metric_config(settings),
            reader,
            states=DetectorStateStore(store, prefix=f"{target.key}|"),
            namespace=target.key,
        ),
        quota_check(
            settings,
            reader,
            quotas=target_client(settings, target, "service-quotas"),
            region=target.region,
        ),
    ]


def linked_check(
    settings: Settings, store: StateStore, target: TargetRegion, *, cloudwatch: Any = None
) -> Check:
    """A monitoring account's linked source accounts, each with its own metric rules; quotas
    only where a rule sets them (Service Quotas answers for the caller's own account)."""
    client = cloudwatch or target_client(settings, target, "cloudwatch")
    ttl = timedelta(minutes=settings.polling.discovery_ttl_minutes)

    def checks(account: str) -> list[Check]:
        reader = CloudWatchReader(client, account=account)
        quotas = QuotaConfig(settings.active_rules, settings.polling.period_seconds, target.region)
        return [
            MetricRulesCheck(
                metric_config(settings),
                reader,
                states=DetectorStateStore(store, prefix=f"{target.key}@{account}|"),
                namespace=f"{target.key}@{account}",
            ),
            QuotaCheck(quotas, reader, None),
        ]

    return LinkedAccountsCheck(lambda: linked_accounts(client), checks, ttl)


def quota_check(
    settings: Settings,
    reader: CloudWatchReader,
    *,
    quotas: Any = None,
    region: str | None = None,
) -> QuotaCheck:
    """Quota saturation; ``quotas`` is a boto3 ``service-quotas`` client (made here if None)."""
    region = region or aws_region()
    config = QuotaConfig(
        rules=settings.active_rules,
        period_seconds=settings.polling.period_seconds,
        region=region,
        discovery_ttl=timedelta(minutes=settings.polling.discovery_ttl_minutes),
    )
    source = ServiceQuotas(quotas or client(settings, "service-quotas"), region)
    return QuotaCheck(config, reader, source)


def spend_rules_check(
    settings: Settings, alerts: AlertStore, *, bedrock: Any = None
) -> SpendRulesCheck:
    """Rolling budgets and cache waste, judged on the roll-ups the budget check keeps."""
    config = SpendRulesConfig(
        rolling=settings.cost.rolling_budgets,
        rules=settings.active_rules,
        zone=ZoneInfo(settings.cost.timezone),
    )
    return SpendRulesCheck(config, alerts, pricer(settings, bedrock))


def pricer(settings: Settings, bedrock: Any = None) -> Pricer:
    """Prices from genai-prices plus ``price_overrides``; application inference profiles are
    resolved with GetInferenceProfile (bedrock control plane) when no override maps them."""
    return Pricer.from_settings(settings, bedrock or client(settings, "bedrock"))


def budget_check(
    settings: Settings,
    alerts: AlertStore,
    reader: CloudWatchReader,
    *,
    logs: Any = None,
    bedrock: Any = None,
    targets: list[TargetRegion] | None = None,
) -> BudgetCheck:
    """Usage reading (every target region) and budget alerts; AWS clients are made here, no
    call is made yet. ``logs``/``bedrock``/``reader`` serve a bot with no targets;
    ``targets`` are the poll's target regions (their sessions are shared)."""
    prices = pricer(settings, bedrock)
    config = BudgetConfig(
        budgets=settings.cost.all_budgets,
        zone=ZoneInfo(settings.cost.timezone),
        backfill_max=timedelta(days=settings.cost.backfill_max_days),
        pull=settings.aws.usage_source == "pull",
        parallel=settings.aws.max_parallel_targets,
    )
    sources = usage_targets(
        settings, alerts.store, reader=reader, logs=logs, bedrock=bedrock, targets=targets
    )
    return BudgetCheck(config, alerts, prices, sources)


def usage_targets(
    settings: Settings,
    store: StateStore,
    *,
    reader: CloudWatchReader | None = None,
    logs: Any = None,
    bedrock: Any = None,
    interactive: bool = False,
    targets: list[TargetRegion] | None = None,
) -> list[UsageTarget]:
    """Each target region's invocation logs, logging status, estimate and prices;
    ``targets`` shares the poll's sessions (one AssumeRole per target region, not two)."""
    found = []
    for where in watched_regions(settings) if targets is None else targets:
        if where.default:
            logs = logs or client(settings, "logs", interactive=interactive)
            bedrock = bedrock or client(settings, "bedrock", interactive=interactive)
            reader = reader or CloudWatchReader(
                client(settings, "cloudwatch", interactive=interactive)
            )
            found.append(usage_target(settings, store, where, logs, bedrock, reader))
            continue
        own = {
            name: target_client(settings, where, name, interactive=interactive)
            for name in ("logs", "bedrock", "cloudwatch")
        }
        found.append(
            usage_target(
                settings,
                store,
                where,
                own["logs"],
                own["bedrock"],
                CloudWatchReader(own["cloudwatch"]),
            )
        )
    return found


def usage_target(
    settings: Settings,
    store: StateStore,
    where: TargetRegion,
    logs: Any,
    bedrock: Any,
    reader: CloudWatchReader,
) -> UsageTarget:
    """One target region's usage sources (prices asked of its own region's Bedrock)."""
    prices = pricer(settings, bedrock)

    def place() -> tuple[str, str]:
        return ("" if where.default else account_of(where)), where.region

    return UsageTarget(
        name="" if where.default else f"{where.label} {where.region}",
        key=where.key,
        place=place,
        status=lambda: logging_status(bedrock, where.log_group),
        ingest=lambda group: UsageIngest(
            store,
            LogReader(logs, group),
            prices,
            settings.cost.all_tag_keys,
            overlap=timedelta(seconds=settings.cost.overlap_seconds),
            target=where.key,
            place=place(),
        ),
        estimate=lambda start, end: estimated_hours(reader, prices, start, end),
        explain=target_failure,
        label="" if where.default else where.label,
        account=where.account,
        region=where.region,
        reader=reader,
    )


def spend_report(
    settings: Settings,
    store: StateStore,
    start: datetime,
    end: datetime,
    *,
    cloudwatch: Any = None,
    bedrock: Any = None,
    where: Where = EVERYWHERE,
    by: GroupBy | None = None,
) -> SpendReport:
    """Spend per model over [start, end), every target region's: from the invocation-log
    roll-ups, or, with logging off, an estimate from CloudWatch token metrics (the report says
    which); ``where`` shows one account or region, ``by`` splits spend by them."""
    reader = CloudWatchReader(cloudwatch) if cloudwatch is not None else None
    targets = usage_targets(settings, store, reader=reader, bedrock=bedrock, interactive=True)
    return spend.spend_report(settings, store, targets, start, end, where, by)


def stats_sources(settings: Settings, store: StateStore, region: str) -> Sources:
    """What ``/genai-stats`` reads: the bot's own CloudWatch reader (feedback, guardrails),
    one discovery cache, one pricer, and every target region's readers and logs."""
    cloudwatch = client(settings, "cloudwatch", region=region, interactive=True)
    bedrock = client(settings, "bedrock", region=region, interactive=True)
    reader = CloudWatchReader(cloudwatch)
    prices = pricer(settings, bedrock)
    return Sources(
        settings=settings,
        store=store,
        reader=reader,
        discovery=Discovery(reader, timedelta(minutes=settings.polling.discovery_ttl_minutes)),
        status=lambda: logging_status(bedrock, settings.aws.invocation_log_group),
        estimate=lambda start, end: estimated_hours(reader, prices, start, end),
        usage=usage_targets(settings, store, reader=reader, bedrock=bedrock, interactive=True),
        parallel=settings.aws.max_parallel_targets,
    )


def ask_service(
    settings: Settings, store: StateStore, region: str | None = None, at: Clock | None = None
) -> AskService:
    """The /genai-ask collaborators: Converse client, pricing, quota and answer ledger."""
    from bot.adapters.aws.bedrock_runtime import ConverseClient, ConverseOptions, runtime_client
    from bot.adapters.store.ask_quota import AskQuota, Limits

    options = ConverseOptions(
        max_tokens=settings.ask.max_tokens,
        guardrail_id=settings.ask.guardrail_id,
        guardrail_version=settings.ask.guardrail_version,
        timeout_seconds=settings.ask.timeout_seconds,
    )
    from bot.app.ask.admission import ModelPolicy

    at = at or clock()
    limits = Limits(settings.ask.rate_limit_per_hour, settings.ask.daily_spend_cap_usd)
    prices = pricer(settings, client(settings, "bedrock", region=region))

    def quote(model_id: str, input_tokens: int, output_tokens: int) -> tuple[Decimal | None, str]:
        tokens = TokenCounts(input=input_tokens, output=output_tokens)
        cost = prices.price(model_id, tokens, at.now())
        return cost.usd, cost.reason

    return AskService(
        ConverseClient(runtime_client(settings.ask.timeout_seconds, region), options),
        answer_pricing(prices, at),
        AskQuota(store, limits),
        AskLedger(store),
        aliases=settings.model_aliases,
        default_model=settings.ask.default_model,
        allowed_channels=settings.ask.allowed_channels,
        models=ModelPolicy.build(
            quote,
            settings.ask.max_tokens,
            settings.ask.allowed_models,
            settings.model_aliases,
            settings.ask.default_model,
        ),
    )


def answer_pricing(prices: Pricer, at: Clock) -> Pricing:
    """Prices an answer's tokens with the shared price table (and the user's overrides)."""

    def price(answer: Answer) -> tuple[Decimal | None, str]:
        tokens = TokenCounts(
            input=answer.input_tokens,
            output=answer.output_tokens,
            cache_read=answer.cache_read_tokens,
            cache_write=answer.cache_write_tokens,
        )
        cost = prices.price(answer.model_id, tokens, at.now())
        return cost.usd, cost.reason

    return price


def feedback_service(
    settings: Settings, store: StateStore, cloudwatch: Any = None, region: str | None = None
) -> FeedbackService:
    """Reactions to votes to metrics: PutMetricData, or EMF lines on stdout."""
    from bot.adapters.aws.feedback_metrics import CloudWatchFeedback, EmfFeedback, FeedbackPublisher

    publisher: FeedbackPublisher
    if settings.feedback.metrics_via == "emf":
        publisher = EmfFeedback(sys.stdout, settings.feedback.namespace)
    else:
        metrics = cloudwatch or client(settings, "cloudwatch", region=region)
        publisher = CloudWatchFeedback(metrics, settings.feedback.namespace)
    return FeedbackService(AskLedger(store), publisher, settings.feedback.emoji)


def services(
    settings: Settings, *, store: StateStore | None = None, at: Clock | None = None
) -> Services:
    """Everything the Slack listeners need, built once per process."""
    from bot.entrypoints.slack.access import Access
    from bot.entrypoints.slack.claims import Claims
    from bot.entrypoints.slack.gate import SlackGate
    from bot.entrypoints.slack.services import Services
    from bot.entrypoints.slack.workers import Workers

    at = at or clock()
    store = store or state(settings, at)
    region = aws_region()
    slack = slack_client(settings)
    claims = Claims(store, at)
    return Services(
        settings=settings,
        clock=at,
        store=store,
        slack=slack,
        region=region,
        access=Access(settings, slack, store),
        asks=ask_service(settings, store, region, at),
        feedback=feedback_service(settings, store, region=region),
        stats=stats_sources(settings, store, region),
        delivery=delivery(settings, store, region),
        gate=SlackGate(settings.secret("slack_signing_secret"), claims, at),
        claims=claims,
        workers=Workers(),
        style=message_style(settings, region),
    )
