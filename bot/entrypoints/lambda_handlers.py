"""AWS Lambda entrypoints: Slack requests, the scheduled poll, pushed invocation logs and the
scheduled digests.

Each function builds its object graph on the first invocation of a container (through
``bot.bootstrap``, exactly as the CLI does) and reuses it while the container is warm. Imports
that only one entrypoint needs happen inside it, to keep every cold start small.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.entrypoints.aws_lambda.tracing import start_tracing, subsegment

log = logging.getLogger(__name__)
_warm: dict[str, Any] = {}


def slack_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Slack commands, events and buttons from the HTTP API (or a Function URL).

    Bolt acks within Slack's 3 s and re-invokes this function asynchronously for each lazy
    listener (``lambda:InvokeFunction`` on itself); that second invocation lands here too.
    """
    from bot.entrypoints.aws_lambda.slack_gate import admit

    handler, gate = _warm.get("slack") or _warm.setdefault("slack", _slack_request_handler())
    lazy = _is_lazy(event)
    rejection = None if lazy else admit(gate, event)
    if rejection is not None:
        return rejection
    with subsegment("slack.request", lazy=int(lazy)):
        try:
            response: dict[str, Any] = handler.handle(event, context)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            log.warning("malformed Slack request rejected", extra={"error": type(exc).__name__})
            return {"statusCode": 400, "body": "malformed request"}
    return response


def poll_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One poll cycle, run by EventBridge Scheduler; ``event["time"]`` is the scheduled time.

    Evaluating at the scheduled time (not the clock) makes a retried invocation decide exactly
    what the first one would have; conditional writes stop it from notifying twice.
    """
    poller = _warm.get("poller") or _warm.setdefault("poller", _poller())
    now = scheduled_time(event) or _clock().now()
    with subsegment("poll.cycle"):
        report = poller.run_once(now)
    published = _publish_cost(poller.alerts.store, now, report.failures)
    return {
        "cost_hours_published": len(published),
        "at": now.isoformat(),
        "models": len(report.models),
        "notices": len(report.notices),
        "failures": report.failures,
        "api_calls": report.api_calls,
        "metrics_requested": report.metrics_requested,
    }


def usage_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Invocation-log records pushed by the subscription filter, added to the usage roll-ups.

    Parsed, priced and summed by the same code the poller uses when it reads the log group.
    A redelivered batch is ignored. A payload that is not a delivery is logged and dropped
    (retrying cannot fix it); AWS failures raise, so Lambda retries the delivery.
    """
    from bot.adapters.aws.log_subscription import PayloadError, decode_payload
    from bot.app.spend.ingest import ingest_delivery

    settings = _settings()
    store, pricer = _warm.get("usage") or _warm.setdefault("usage", _usage_parts())
    try:
        group, events = decode_payload(event)
    except PayloadError as exc:
        log.error("not a log subscription delivery; dropped", extra={"reason": str(exc)})
        return {"events": 0, "records": 0, "dropped": str(exc)}
    with subsegment("usage.ingest", events=len(events)):
        report = ingest_delivery(store, pricer, settings.cost.all_tag_keys, events)
    return {
        "log_group": group,
        "events": len(events),
        "records": report.records,
        "malformed": report.malformed,
        "unpriced": sorted(report.unpriced),
    }


def digest_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One route's digest, run by its EventBridge Scheduler schedule: the event names the
    ``route`` and, optionally, ``every`` (``daily``/``weekly``); the digest covers the period
    up to the scheduled time. An unknown route is logged and not retried (the settings must
    change first); AWS and Slack failures raise, so Scheduler retries.
    """
    import io

    from bot.entrypoints.digest import run_digest

    settings = _settings()
    name = event.get("route", "default") if isinstance(event, dict) else "default"
    every = event.get("every") if isinstance(event, dict) else None
    where = settings.routing.table().named(str(name))
    if where is None or every not in (None, "daily", "weekly"):
        known = ", ".join(d.name for d in settings.routing.table().all())
        problem = f"no route named {str(name)[:80]!r} (routes: {known})"
        if where is not None:
            problem = f"every must be daily or weekly, not {str(every)[:20]!r}"
        log.error("digest not built", extra={"reason": problem})
        return {"route": str(name)[:80], "sent_to": None, "problem": problem}
    store = _warm.get("digest_store") or _warm.setdefault("digest_store", _state_store(settings))
    now = scheduled_time(event) or _clock().now()
    with subsegment("digest.build", route=where.name):
        sent = run_digest(settings, store, _clock(), where, io.StringIO(), now=now, every=every)
    return {"route": where.name, "sent_to": sent, "at": now.isoformat()}


def _state_store(settings: Any) -> Any:
    from bot import bootstrap

    return bootstrap.state(settings, _clock())


def scheduled_time(event: dict[str, Any]) -> datetime | None:
    """The ``time`` of a Scheduler (or EventBridge) event, as an aware datetime."""
    value = event.get("time") if isinstance(event, dict) else None
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        log.warning("ignoring unparseable scheduled time", extra={"time": value[:40]})
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _publish_cost(store: Any, now: datetime, failures: list[str]) -> list[datetime]:
    """The dashboard's cost metric, when the stack names a namespace for it."""
    namespace = _settings().aws.usage_namespace
    if not namespace:
        return []
    import boto3

    from bot.adapters.aws.errors import AwsError
    from bot.entrypoints.aws_lambda.cost_metric import publish_cost

    cloudwatch = _warm.get("cloudwatch") or _warm.setdefault(
        "cloudwatch", boto3.client("cloudwatch")
    )
    try:
        with subsegment("poll.cost_metric"):
            return publish_cost(store, cloudwatch, namespace, now)
    except AwsError as exc:
        log.warning("cost metric not published; retried next poll", extra={"reason": str(exc)})
        failures.append(str(exc))
        return []


def _settings() -> Any:
    settings = _warm.get("settings")
    if settings is None:
        from bot.entrypoints import logs
        from bot.entrypoints.aws_lambda.config import lambda_settings

        start_tracing()  # first, so the cold start's own calls (the secret) are traced too
        settings = _warm["settings"] = lambda_settings()
        logs.configure(settings.log_level)
    return settings


def _clock() -> Any:
    from bot import bootstrap

    return _warm.get("clock") or _warm.setdefault("clock", bootstrap.clock())


def _poller() -> Any:
    from bot import bootstrap

    return bootstrap.poller(_settings(), at=_clock())


def _usage_parts() -> tuple[Any, Any]:
    from bot import bootstrap

    settings = _settings()
    return bootstrap.state(settings, _clock()), bootstrap.pricer(settings)


def _slack_request_handler() -> tuple[Any, Any]:
    from slack_bolt.adapter.aws_lambda import SlackRequestHandler

    from bot import bootstrap
    from bot.entrypoints.slack.app import build_app

    settings = _settings()
    services = bootstrap.services(settings, at=_clock())
    app = build_app(settings, services, on_lambda=True)
    return SlackRequestHandler(app), services.gate


def _is_lazy(event: dict[str, Any]) -> bool:
    """A lazy listener's re-invocation by Bolt: it arrives through ``lambda:Invoke`` (which
    needs IAM) with ``method`` set to ``NONE``, a field an HTTP request cannot set."""
    return isinstance(event, dict) and event.get("method") == "NONE"
