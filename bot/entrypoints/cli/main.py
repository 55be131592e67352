"""The `genai-ops` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StoreError
from bot.config.load import SettingsError, load_settings
from bot.config.settings import Settings
from bot.entrypoints import logs
from bot.entrypoints.cli.preview import cmd_preview, preview_options
from bot.entrypoints.cli.usage import cmd_setup_logging, cmd_spend, usage_options
from bot.entrypoints.extras import MissingExtra

log = logging.getLogger("genai_ops")
Command = Callable[[argparse.Namespace, Settings], int]


def cmd_poll(args: argparse.Namespace, settings: Settings) -> int:
    from bot import bootstrap

    clock = bootstrap.clock()
    poller = bootstrap.poller(settings, at=clock)
    if args.once:
        report = poller.run_once(clock.now())
        print(
            f"polled {len(report.models)} models: {len(report.notices)} notice(s), "
            f"{report.metrics_requested} metrics requested in {report.api_calls} API calls"
        )
        return 1 if report.failures else 0
    from bot.entrypoints.scheduler import run_forever

    run_forever(poller, clock, settings.polling.interval_seconds)
    return 0


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    from bot import bootstrap
    from bot.entrypoints.cli.check_config import check_config

    return check_config(settings, sys.stdout, bootstrap.clock())


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot import bootstrap
    from bot.entrypoints.extras import require

    require("moto", "demo", "the demo's embedded AWS")
    from bot.entrypoints.demo.run import run_demo

    return run_demo(settings, sys.stdout, bootstrap.clock())


def cmd_create_table(args: argparse.Namespace, settings: Settings) -> int:
    import boto3

    from bot.adapters.store.dynamodb_table import create_table

    if not settings.state_url.startswith("dynamodb://"):
        print("create-table: set GENAI_OPS_STATE_URL=dynamodb://TABLE first", file=sys.stderr)
        return 2
    table = settings.state_url.removeprefix("dynamodb://")
    created = create_table(boto3.client("dynamodb"), table)
    print(f"DynamoDB table {table} {'created' if created else 'already exists'} (TTL on)")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.entrypoints.runtime import serve
    from bot.entrypoints.slack.app import SlackAppError

    try:
        return serve(settings, args.host, args.port, not args.no_poll, sys.stdout)
    except SlackAppError as exc:
        print(f"genai-ops serve: {exc}", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.entrypoints.runtime import run_socket_mode
    from bot.entrypoints.slack.app import SlackAppError

    try:
        return run_socket_mode(settings, not args.no_poll, sys.stdout)
    except SlackAppError as exc:
        print(f"genai-ops run: {exc}", file=sys.stderr)
        return 1


def cmd_manifest(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from bot.entrypoints.slack.manifest import ManifestError, manifest

    try:
        document = manifest(args.name, args.http)
    except ManifestError as exc:
        print(f"genai-ops manifest: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(document, indent=2))
    return 0


def slack_options(name: str, command: argparse.ArgumentParser) -> None:
    """Options of the Slack app subcommands."""
    if name in ("serve", "run"):
        command.add_argument(
            "--no-poll", action="store_true", help="do not run the poll scheduler in-process"
        )
    if name == "serve":
        command.add_argument("--port", type=int, default=3000, help="TCP port (0: any free)")
        command.add_argument("--host", default="0.0.0.0", help="address to bind")
    if name == "manifest":
        command.add_argument("--http", metavar="URL", help="HTTPS base URL for HTTP mode")
        command.add_argument("--name", default="GenAI Ops", help="app name shown in Slack")


def cmd_backtest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.entrypoints.cli.backtest import BacktestError, pick_rule, read_rows, run_backtest

    try:
        rule = pick_rule(args.rule, settings.rules)
        if args.csv == "-":
            rows = read_rows(sys.stdin, "stdin")
        else:
            with open(args.csv, newline="", encoding="utf-8-sig") as handle:
                rows = read_rows(handle, args.csv)
        started = run_backtest(rule, rows, sys.stdout)
    except (BacktestError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"genai-ops backtest: {reason}", file=sys.stderr)
        return 2
    log.debug("backtest done", extra={"rule": rule.kind, "rows": len(rows), "alerts": started})
    return 0


def backtest_options(name: str, command: argparse.ArgumentParser) -> None:
    if name == "backtest":
        from alarms.backtest import BACKTEST_RULES

        command.add_argument("--rule", required=True, choices=sorted(BACKTEST_RULES))
        command.add_argument(
            "--csv", required=True, metavar="FILE", help="timestamp,value CSV ('-': stdin)"
        )


COMMANDS: dict[str, tuple[Command, str]] = {
    "poll": (cmd_poll, "read CloudWatch, evaluate the rules and notify"),
    "check-config": (cmd_check_config, "validate settings and print every problem"),
    "demo": (cmd_demo, "run the bot against an embedded AWS with a seeded day of traffic"),
    "create-table": (cmd_create_table, "create the DynamoDB state table outside CloudFormation"),
    "serve": (cmd_serve, "serve the Slack app over HTTP (/slack/events) and poll"),
    "run": (cmd_run, "run the Slack app in Socket Mode (SLACK_APP_TOKEN) and poll"),
    "manifest": (cmd_manifest, "print the Slack app manifest (JSON) to paste at api.slack.com"),
    "backtest": (cmd_backtest, "replay a CSV series through a rule; prints when it would fire"),
    "setup-logging": (cmd_setup_logging, "turn on Bedrock model-invocation logging"),
    "spend": (cmd_spend, "print spend per model from the invocation-log roll-ups"),
    "preview": (cmd_preview, "print example alert messages of every kind and state (Block Kit)"),
}


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's own --config never overwrites one given before the subcommand.
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="TOML settings file (or GENAI_OPS_CONFIG)",
    )
    root = argparse.ArgumentParser(
        prog="genai-ops", parents=[common], description="Slack chat-ops for Amazon Bedrock."
    )
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        if name == "poll":
            command.add_argument("--once", action="store_true", help="one cycle, then exit")
        slack_options(name, command)
        backtest_options(name, command)
        usage_options(name, command)
        preview_options(name, command)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(getattr(args, "config", None))
    except SettingsError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    quiet_demo = args.command == "demo" and "log_level" not in settings.model_fields_set
    logs.configure("WARNING" if quiet_demo else settings.log_level)
    handler, _ = COMMANDS[args.command]
    try:
        return handler(args, settings)
    except (AwsError, StoreError, MissingExtra) as exc:
        print(f"genai-ops {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
