"""The `genai-ops` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from bot.adapters.aws.clients import use_aws_region
from bot.adapters.aws.errors import AWS_FAILURES, AwsError, describe
from bot.adapters.store import StoreError
from bot.config.load import SettingsError, load_settings
from bot.config.settings import Settings
from bot.entrypoints import logs
from bot.entrypoints.cli.preview import cmd_preview, preview_options
from bot.entrypoints.cli.routes import cmd_digest, cmd_routes, routes_options
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
            + (f" over {len(report.targets)} target regions" if report.targets else "")
        )
        for target, why in report.target_failures.items():  # one line per failing target
            print(f"genai-ops poll: target {target} failed: {why}", file=sys.stderr)
        for failure in report.failures:  # which call failed, and what to do: not only in logs
            print(f"genai-ops poll: {failure}", file=sys.stderr)
        return 1 if report.failures else 0
    from bot.entrypoints.scheduler import run_forever

    run_forever(poller, clock, settings.polling.interval_seconds)
    return 0


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    from bot import bootstrap
    from bot.entrypoints.cli.check_config import check_config
    from bot.entrypoints.cli.live_checks import live_checks

    clock = bootstrap.clock()
    offline = check_config(settings, sys.stdout, clock, sys.stderr)
    if args.offline or offline:
        return offline  # the state store is unusable: say so before any live check
    sys.stdout.flush()
    return live_checks(settings, sys.stdout, sys.stderr, clock)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot import bootstrap
    from bot.entrypoints.extras import require

    require("moto", "demo", "the demo's embedded AWS")
    from bot.entrypoints.demo.run import run_demo

    return run_demo(settings, sys.stdout, bootstrap.clock())


def cmd_create_table(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.store.dynamodb_table import create_table

    if not settings.state_url.startswith("dynamodb://"):
        print(
            "genai-ops create-table: set GENAI_OPS_STATE_URL=dynamodb://TABLE first (the SQLite "
            "state file needs no table)",
            file=sys.stderr,
        )
        return 2
    table = settings.state_url.removeprefix("dynamodb://")
    from bot import bootstrap

    created = create_table(bootstrap.client(settings, "dynamodb"), table)
    print(f"DynamoDB table {table} {'created' if created else 'already exists'} (TTL on)")
    return 0


def missing_secrets(settings: Settings, names: tuple[str, ...]) -> list[str]:
    """Every Slack secret a mode needs that is not set, by the variable that sets it."""
    return [name.upper() for name in names if not settings.secret(name.lower())]


def unset(missing: list[str]) -> str:
    """Every missing secret in one line, so a user fixes them all at once."""
    return "; ".join(f"{name} is not set" for name in missing) + " (see docs/slack-app.md)"


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.entrypoints.runtime import serve
    from bot.entrypoints.slack.app import SlackAppError

    missing = missing_secrets(settings, ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))
    if missing:
        print(f"genai-ops serve: {unset(missing)}", file=sys.stderr)
        return 1
    try:
        return serve(settings, args.host, args.port, not args.no_poll, sys.stdout)
    except SlackAppError as exc:
        print(f"genai-ops serve: {exc}", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.entrypoints.runtime import run_socket_mode
    from bot.entrypoints.slack.app import SlackAppError

    missing = missing_secrets(settings, ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    if missing:
        print(f"genai-ops run: {unset(missing)}", file=sys.stderr)
        return 1
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
    from bot.entrypoints.cli.backtest import BacktestError, pick_rule, read_series, run_backtest

    try:
        rule = pick_rule(args.rule, settings.rules)
        if args.period is not None and args.period <= 0:
            raise BacktestError(f"--period must be a positive number of seconds ({args.period})")
        if args.csv == "-":
            series = read_series(sys.stdin, "stdin")
        else:
            with open(args.csv, newline="", encoding="utf-8-sig") as handle:
                series = read_series(handle, args.csv)
        if series.repeated:
            print(
                f"genai-ops backtest: warning: {args.csv}: {series.repeated} repeated "
                "timestamp(s); the last row of each was kept",
                file=sys.stderr,
            )
        started = run_backtest(rule, series.rows, sys.stdout, args.period)
    except (BacktestError, OSError) as exc:
        reason = str(exc)
        if isinstance(exc, OSError) and exc.strerror:
            reason = f"{exc.filename or args.csv}: {exc.strerror}"
        print(f"genai-ops backtest: {reason}", file=sys.stderr)
        return 2
    rows = len(series.rows)
    log.debug("backtest done", extra={"rule": rule.kind, "rows": rows, "pages": started})
    return 0


def backtest_options(name: str, command: argparse.ArgumentParser) -> None:
    if name == "backtest":
        from alarms.backtest import BACKTEST_RULES

        kinds = "; ".join(f"{kind}: {what}" for kind, what in BACKTEST_RULES.items())
        command.add_argument(
            "--rule",
            required=True,
            choices=sorted(BACKTEST_RULES),
            help=f"the rule to replay (your configured one, else its default). Values: {kinds}",
        )
        command.add_argument(
            "--csv",
            required=True,
            metavar="FILE",
            help="CSV with a header timestamp,value ('-': stdin). Timestamps ISO 8601 or "
            "YYYY-MM-DD HH:MM:SS (UTC unless an offset is given), rows in any order; a repeated "
            "timestamp keeps its last row; steps may be uneven and have gaps; a blank value is "
            "skipped. Prints timestamp,value,firing,onset, one row per distinct timestamp "
            "(echoed as given); onset=1 marks a new page (a top-level Slack message) after the "
            "alert lifecycle (re-fire cooldown; repeats go in the thread)",
        )
        command.add_argument(
            "--period",
            type=int,
            metavar="SECONDS",
            help="average the values into periods of this many seconds first",
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
    "routes": (cmd_routes, "print the alert routes, or where an alert would go (--test)"),
    "digest": (cmd_digest, "post (or print) a route's digest now: spend, latency, alerts"),
}


class ShowVersion(argparse.Action):
    """``--version``: the installed package's version (for bug reports), looked up only when
    asked (reading the package metadata costs tens of ms at every start otherwise)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("genai-ops-bot")
        except PackageNotFoundError:  # run from a source tree that was never installed
            found = "unknown"
        print(f"genai-ops {found}")
        parser.exit()


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
    root.add_argument("--version", action=ShowVersion, help="print the version and exit")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        if name == "poll":
            command.add_argument("--once", action="store_true", help="one cycle, then exit")
        if name == "check-config":
            command.add_argument(
                "--offline",
                action="store_true",
                help="check the settings only: no AWS or Slack calls",
            )
        slack_options(name, command)
        backtest_options(name, command)
        usage_options(name, command)
        preview_options(name, command)
        routes_options(name, command)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure ends in one line on stderr and a non-zero exit."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, where a closed pipe can still be handled
        return code
    except BrokenPipeError:  # e.g. `genai-ops check-config | head -1`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def warn_unknown_env_vars() -> None:
    """A GENAI_OPS_* variable that is no setting is usually a typo that leaves the default in
    force: say so at start-up, with the name it was most likely meant to be."""
    from bot.config.load import unknown_env_vars

    for name, guess in unknown_env_vars():
        log.warning(
            "environment variable matches no setting",
            extra={"variable": name, "did_you_mean": guess or "?"},
        )


def _main(argv: Sequence[str] | None) -> int:
    args = parser().parse_args(argv)
    use_aws_region()
    try:
        settings = load_settings(getattr(args, "config", None))
    except SettingsError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    quiet_demo = args.command == "demo" and "log_level" not in settings.model_fields_set
    logs.configure("WARNING" if quiet_demo else settings.log_level, settings.log_format)
    if args.command != "check-config":  # which prints them in its report
        warn_unknown_env_vars()
    handler, _ = COMMANDS[args.command]
    try:
        return handler(args, settings)
    except (AwsError, StoreError, MissingExtra) as exc:
        return _fail(args.command, str(exc))
    except AWS_FAILURES as exc:
        return _fail(args.command, f"AWS: {describe(exc)}")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from bot.entrypoints.cli.slack_errors import slack_failure

        reason = slack_failure(exc, settings.slack.api_url)
        if reason is None:
            raise
        return _fail(args.command, reason)


def _fail(command: str, reason: str) -> int:
    print(f"genai-ops {command}: {reason}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
