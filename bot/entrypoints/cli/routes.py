"""``genai-ops routes``: the route tree, or where an alert with given labels would go."""

from __future__ import annotations

import argparse
import sys

from alarms.route_table import RouteTable
from alarms.routing import Destination
from bot.config.settings import Settings


def routes_options(name: str, command: argparse.ArgumentParser) -> None:
    if name == "digest":
        command.add_argument(
            "--now", action="store_true", required=True, help="build and send one digest now"
        )
        command.add_argument(
            "--route", metavar="NAME", help="the route whose digest (default: the alert channel)"
        )
    if name == "routes":
        command.add_argument(
            "--test",
            nargs="+",
            metavar="LABEL=VALUE",
            help="labels of an alert (rule=budget_threshold team=search severity=warning); "
            "prints the routes it would go to, the first one owning its message",
        )


def cmd_routes(args: argparse.Namespace, settings: Settings) -> int:
    """Print the route tree, or where an alert with the ``--test`` labels goes."""
    from bot import bootstrap

    table = settings.routing.table()
    now = bootstrap.clock().now()
    alert_channel = settings.slack.alert_channel or "the alert channel (not set)"
    if not args.test:
        for where in table.all():
            print(describe(where, table, alert_channel, now))
        return 0
    labels: dict[str, str] = {}
    for item in args.test:
        key, sep, value = item.partition("=")
        if not sep or not key:
            problem = f"genai-ops routes: {item!r} is not LABEL=VALUE, e.g. team=search"
            print(problem, file=sys.stderr)
            return 2
        labels[key] = value
    for index, where in enumerate(table.destinations(labels)):
        lead = "->" if index == 0 else "+>"  # +>: a copy, matched after a route with continue
        print(f"{lead} {describe(where, table, alert_channel, now)}")
    return 0


def describe(where: Destination, table: RouteTable, alert_channel: str, now: object) -> str:
    """One line: route, channel, mention, grouping, repeat, mute times (and whether muted now)."""
    from datetime import datetime

    parts = [where.name, f"channel {where.channel or alert_channel}"]
    if where.mention:
        parts.append(f"mention {where.mention}")
    parts.append("group_by " + ", ".join(("rule", *where.group_by)))
    if where.repeat_interval_minutes is not None:
        parts.append(f"repeat every {where.repeat_interval_minutes} min")
    if where.mute_times:
        muted = ""
        if isinstance(now, datetime) and table.muted(where, now):
            muted = f" (muted now, until {table.mute_end(where, now):%Y-%m-%d %H:%M %Z})"
        parts.append("mute " + ", ".join(where.mute_times) + muted)
    if where.digest:
        d = where.digest
        day = f" on {d.weekday}" if d.every == "weekly" else ""
        parts.append(f"digest {d.every}{day} at {d.at} {d.time_zone}")
    return " | ".join(parts)


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    """Post one digest to the route's channel now, or print it when Slack is not configured."""
    from bot import bootstrap
    from bot.entrypoints.digest import run_digest

    table = settings.routing.table()
    where = table.named(args.route) if args.route else table.root
    if where is None:
        names = ", ".join(d.name for d in table.all())
        print(f"genai-ops digest: no route named {args.route!r} (routes: {names})", file=sys.stderr)
        return 2
    clock = bootstrap.clock()
    store = bootstrap.state(settings, clock)
    sent = run_digest(settings, store, clock, where, sys.stdout)
    if sent != "the terminal":
        print(f"digest of {where.name} posted to {sent}")
    return 0
