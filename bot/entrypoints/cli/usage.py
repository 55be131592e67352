"""CLI pieces for cost: ``setup-logging``, ``spend`` and the check-config lines."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

import genai_prices

from bot.config.settings import Settings
from bot.config.targets import ROLE_ARN


def cmd_setup_logging(args: argparse.Namespace, settings: Settings) -> int:
    """Turn on Bedrock model-invocation logging to a CloudWatch Logs group."""
    from bot import bootstrap
    from bot.adapters.aws.invocation_logs import logging_status, setup_logging

    if not ROLE_ARN.match(args.role_arn):
        print(
            f"genai-ops setup-logging: --role-arn {args.role_arn!r} is not an IAM role ARN; "
            "give one like arn:aws:iam::123456789012:role/BedrockInvocationLogging "
            "(docs/cost.md)",
            file=sys.stderr,
        )
        return 2
    bedrock = bootstrap.client(settings, "bedrock")
    before = logging_status(bedrock)
    if before.on and before.log_group != args.log_group and not args.replace:
        print(
            f"Invocation logging already goes to {before.log_group}; pass --replace to send it "
            f"to {args.log_group} instead (or set GENAI_OPS_INVOCATION_LOG_GROUP to read it)."
        )
        return 1
    setup_logging(bedrock, args.log_group, args.role_arn, with_media=args.with_media)
    print(
        f"Bedrock invocation logging is on: log group {args.log_group}, role {args.role_arn}"
        f" ({'all data' if args.with_media else 'text only'}). The bot reads it from the next"
        " poll. The role must trust bedrock.amazonaws.com and allow logs:CreateLogStream and"
        " logs:PutLogEvents on that group."
    )
    return 0


def cmd_spend(args: argparse.Namespace, settings: Settings) -> int:
    """Print spend per model over the last ``--hours`` from the state store."""
    from bot import bootstrap
    from bot.app.spend.gather import UNREAD, Where
    from bot.app.spend.report import spend_lines

    if args.hours <= 0:
        print(f"genai-ops spend: --hours must be a positive number ({args.hours})", file=sys.stderr)
        return 2
    clock = bootstrap.clock()
    end = clock.now()
    store = bootstrap.state(settings, clock)
    where = Where(args.account, args.region)
    try:
        report = bootstrap.spend_report(
            settings, store, end - timedelta(hours=args.hours), end, where=where, by=args.by
        )
    finally:
        store.close()
    print(f"GenAI spend, last {args.hours} h")
    print("\n".join(spend_lines(report)))
    if report.summary.source == UNREAD:  # the table above holds nothing: a failure
        first = report.failures[0] if report.failures else "no target answered"
        print(f"genai-ops spend: nothing could be read ({first})", file=sys.stderr)
        return 1
    return 0


def usage_options(name: str, command: argparse.ArgumentParser) -> None:
    if name == "setup-logging":
        command.add_argument("--log-group", required=True, help="CloudWatch Logs group name")
        command.add_argument(
            "--role-arn", required=True, help="IAM role Bedrock assumes to write the logs"
        )
        command.add_argument(
            "--with-media", action="store_true", help="also log image, embedding, video data"
        )
        command.add_argument(
            "--replace", action="store_true", help="replace an existing logging configuration"
        )
    if name == "spend":
        command.add_argument("--hours", type=int, default=24, help="window (default 24)")
        command.add_argument("--account", help="only this account (id or target name)")
        command.add_argument("--region", help="only this region, e.g. us-west-2")
        command.add_argument(
            "--by", choices=("account", "region"), help="also show spend per account or region"
        )


def usage_lines(settings: Settings, bedrock: Any = None) -> list[str]:
    """check-config: budgets, prices and whether invocation logs can be read."""
    from bot.adapters.aws.invocation_logs import logging_status

    lines = []
    budgets = settings.cost.all_budgets
    described = "; ".join(f"{b.label} ${b.amount_usd}" for b in budgets) or "none"
    lines.append(f"  budgets ({settings.cost.timezone}): {described}\n")
    lines.append(
        f"  prices: genai-prices {genai_prices.__version__} (bundled table, no downloads); "
        f"{len(settings.cost.price_overrides)} override(s)\n"
    )
    if settings.aws.targets:
        return lines + target_logging_lines(settings)
    if bedrock is None:
        from bot import bootstrap
        from bot.adapters.aws.errors import AWS_FAILURES, describe

        try:
            bedrock = bootstrap.client(settings, "bedrock")
        except AWS_FAILURES as exc:  # no region: say so, do not fail
            lines.append(f"  [off] invocation logs: cannot ask Bedrock ({describe(exc)})\n")
            return lines
    status = logging_status(bedrock, settings.aws.invocation_log_group)
    if status.on:
        note = f" ({status.detail})" if status.detail else ""
        lines.append(f"  [on ] invocation logs: {status.log_group} (from {status.source}){note}\n")
    else:
        lines.append(f"  [off] invocation logs: {status.detail}\n")
    return lines


def target_logging_lines(settings: Settings) -> list[str]:
    """check-config: where each target region's invocation logs are, one line each."""
    from bot.adapters.aws.invocation_logs import logging_status
    from bot.adapters.aws.target_failure import target_failure
    from bot.adapters.aws.targets import target_regions

    lines = []
    for where in target_regions(settings.aws.targets, settings.aws.invocation_log_group):
        name = f"{where.label} {where.region}"
        status = logging_status(where.client("bedrock"), where.log_group)
        if status.on:
            lines.append(f"  [on ] invocation logs ({name}): {status.log_group}\n")
        elif status.unknown:
            reason = target_failure(status.error) if status.error else status.detail
            lines.append(f"  [err] invocation logs ({name}): {reason}\n")
        else:
            lines.append(f"  [off] invocation logs ({name}): spend estimated from metrics\n")
    return lines
