"""The `genai-ops` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bot import logs
from bot.aws.errors import AwsError
from bot.config import SettingsError, load_settings
from bot.settings import Settings
from bot.store import StoreError

log = logging.getLogger("genai_ops")
Command = Callable[[argparse.Namespace, Settings], int]


def cmd_poll(args: argparse.Namespace, settings: Settings) -> int:
    from bot import wiring

    poller = wiring.poller(settings)
    if args.once:
        report = poller.run_once(datetime.now(UTC))
        print(
            f"polled {len(report.models)} models: {len(report.notices)} notice(s), "
            f"{report.metrics_requested} metrics requested in {report.api_calls} API calls"
        )
        return 1 if report.failures else 0
    from bot.schedule import run_forever

    run_forever(poller, settings.poll_interval_seconds)
    return 0


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    from bot.config_report import check_config

    return check_config(settings, sys.stdout)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.run import run_demo

    return run_demo(settings, sys.stdout)


def cmd_create_table(args: argparse.Namespace, settings: Settings) -> int:
    import boto3

    from bot.store.dynamodb_table import create_table

    if not settings.state_url.startswith("dynamodb://"):
        print("create-table: set GENAI_OPS_STATE_URL=dynamodb://TABLE first", file=sys.stderr)
        return 2
    table = settings.state_url.removeprefix("dynamodb://")
    created = create_table(boto3.client("dynamodb"), table)
    print(f"DynamoDB table {table} {'created' if created else 'already exists'} (TTL on)")
    return 0


COMMANDS: dict[str, tuple[Command, str]] = {
    "poll": (cmd_poll, "read CloudWatch, evaluate the rules and notify"),
    "check-config": (cmd_check_config, "validate settings and print every problem"),
    "demo": (cmd_demo, "run the bot against an embedded AWS with a seeded day of traffic"),
    "create-table": (cmd_create_table, "create the DynamoDB state table outside CloudFormation"),
}


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="TOML settings file (or GENAI_OPS_CONFIG)")
    root = argparse.ArgumentParser(
        prog="genai-ops", parents=[common], description="Slack chat-ops for Amazon Bedrock."
    )
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        if name == "poll":
            command.add_argument("--once", action="store_true", help="one cycle, then exit")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    quiet_demo = args.command == "demo" and "log_level" not in settings.model_fields_set
    logs.configure("WARNING" if quiet_demo else settings.log_level)
    handler, _ = COMMANDS[args.command]
    try:
        return handler(args, settings)
    except (AwsError, StoreError) as exc:
        print(f"genai-ops {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
