"""``genai-ops preview [KIND] [--state STATE]``: example alert messages as Block Kit JSON.

Prints every alert kind in every state (or the ones asked for) as the messages the bot would
post, rendered with the settings in force (mention group, runbooks, statistic, aliases), so
a team sees what it will get and can paste any message into Slack's Block Kit Builder.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.config.settings import Settings


def preview_options(name: str, command: argparse.ArgumentParser) -> None:
    if name != "preview":
        return
    from bot.adapters.slack.gallery import KINDS, STATES

    command.add_argument("kind", nargs="?", choices=KINDS, help="one alert kind (default: all)")
    command.add_argument("--state", choices=STATES, help="one state (default: all)")


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    """Print ``{"messages": [...]}``: each message as posted, tagged with kind and state."""
    from bot import bootstrap
    from bot.adapters.slack.gallery import KINDS, STATES, scenario

    style = bootstrap.message_style(settings)
    messages = []
    for kind in [args.kind] if args.kind else KINDS:
        for state in [args.state] if args.state else STATES:
            for message in scenario(kind, state, style):
                messages.append({"kind": kind, "state": state, **message})
    json.dump({"messages": messages}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
