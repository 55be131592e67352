"""`genai-ops check-config`'s live part: region, credentials, permissions, Slack tokens.

Each check is one line, ``[ok ]`` or ``[off]``; every check that a feature in force needs and
that fails is also written to stderr as one line saying what to do, and makes the exit code 1.
"""

from __future__ import annotations

from typing import Any, TextIO

from bot.adapters.aws import probes
from bot.adapters.aws.clients import use_aws_region
from bot.adapters.aws.errors import NO_REGION
from bot.adapters.aws.probes import Probe
from bot.adapters.clock import Clock
from bot.config.settings import Settings
from bot.entrypoints.cli.target_probes import target_checks


def live_checks(settings: Settings, out: TextIO, err: TextIO, clock: Clock) -> int:
    """Run every check; print the report to ``out`` and each failure to ``err``."""
    results = aws_checks(settings, clock) + slack_checks(settings)
    out.write("Checks (AWS and Slack, live):\n")
    for probe in results:
        mark = "ok " if probe.ok else "off"
        out.write(f"  [{mark}] {probe.name}" + (f": {probe.detail}" if probe.detail else "") + "\n")
    failures = [probe for probe in results if not probe.ok]
    for probe in failures:
        err.write(f"genai-ops check-config: {probe.name}: {probe.detail}\n")
    return 1 if failures else 0


def aws_checks(settings: Settings, clock: Clock) -> list[Probe]:
    """Region, then credentials, then a dry call per action the features in force need."""
    from bot import bootstrap

    region = use_aws_region()
    if not region:
        return [Probe("AWS region", False, NO_REGION)]
    checks = [Probe("AWS region", True, region)]

    def client(service: str) -> Any:
        return bootstrap.client(settings, service)

    identity = probes.caller_identity(client("sts"))
    checks.append(identity)
    if not identity.ok:
        return checks  # every other call would fail the same way
    now = clock.now()
    checks += probes.metric_probes(client("cloudwatch"), now)
    bedrock = client("bedrock")
    group = settings.aws.invocation_log_group
    if not group:
        found = probes.logging_config_probe(bedrock)
        checks.append(found)
        if found.ok:
            from bot.adapters.aws.invocation_logs import logging_status

            group = logging_status(bedrock).log_group
    if group and settings.aws.usage_source == "pull":
        checks.append(probes.log_read_probe(client("logs"), group, now))
    checks.append(probes.pricing_probe(bedrock))
    if settings.state_url.startswith("dynamodb://"):
        table = settings.state_url.removeprefix("dynamodb://")
        checks.append(probes.table_probe(client("dynamodb"), table))
    return checks + target_checks(settings, now)


def slack_checks(settings: Settings) -> list[Probe]:
    """The bot token (auth.test) and the bot's membership of the alert channel."""
    if not settings.secret("slack_bot_token"):
        return []
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot import bootstrap

    slack = bootstrap.slack_client(settings, sleep_on_429=False)
    try:
        who = slack.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        return [
            Probe(
                "Slack bot token",
                False,
                f"Slack refused SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token "
                "(xoxb-...) again from your app's OAuth & Permissions page",
            )
        ]
    except (SlackClientError, OSError) as exc:
        return [Probe("Slack bot token", False, f"cannot reach {settings.slack.api_url}: {exc}")]
    checks = [Probe("Slack bot token", True, f"{who.get('user')} in {who.get('team')}")]
    channel = settings.slack.alert_channel
    if channel:
        checks.append(channel_membership(slack, channel))
    return checks


def channel_membership(slack: Any, channel: str) -> Probe:
    """Whether the bot is in the alert channel (an id, or a #name looked up in the list)."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    name = f"alert channel {channel}"
    invite = f"invite the bot: type /invite @<bot name> in {channel}"
    try:
        if channel.startswith("#") or not channel[:1].isupper():
            found = _by_name(slack, channel.lstrip("#"))
            if found is None:
                return Probe(name, False, "no such channel the bot can see; " + invite)
        else:
            found = slack.conversations_info(channel=channel).get("channel") or {}
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        if error == "channel_not_found":
            return Probe(name, False, f"channel_not_found: check the id, or {invite}")
        if error == "missing_scope":
            return Probe(name, False, "the app lacks channels:read: reinstall it from the manifest")
        return Probe(name, False, f"Slack said {error}")
    except (SlackClientError, OSError) as exc:
        return Probe(name, False, str(exc))
    if found.get("is_member") is False:
        return Probe(name, False, "the bot is not a member; " + invite)
    return Probe(name, True, "the bot is a member")


def _by_name(slack: Any, name: str) -> dict[str, Any] | None:
    cursor = None
    for _ in range(50):  # 50 pages of 200 channels: large workspaces, bounded
        page = slack.conversations_list(
            types="public_channel,private_channel", limit=200, cursor=cursor
        )
        for channel in page.get("channels") or []:
            if channel.get("name") == name:
                return dict(channel)
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
