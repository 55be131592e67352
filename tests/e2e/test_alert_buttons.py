"""Alert buttons and /genai-alerts through the real `genai-ops serve`, with the fake Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from alarms.names import short_model
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.adapters.store.silences import SilenceStore
from bot.config.load import load_settings
from bot.entrypoints.slack.commands import spec
from tests.support.alerting import Alerting
from tests.support.bot_server import BotServer, eventually, running_bot
from tests.support.fake_slack import FakeSlack
from tests.support.signing import block_action

MODEL = "amazon.nova-pro-v1:0"


def message_ts(slack: FakeSlack) -> str:
    """The ts Slack gave the alert message (the first top-level post)."""
    first = next(c for c in slack.of("chat.postMessage") if "thread_ts" not in c.args)
    return str(first.response["ts"])


@pytest.fixture
def alerting(slack: FakeSlack) -> Alerting:
    alerting = Alerting(open_store(load_settings().state_url, SystemClock()))
    return alerting


def posted_alert(alerting: Alerting, model: str = MODEL) -> Any:
    alert = alerting.fire(model)
    assert alerting.notifier.flush(datetime.now(UTC)) == []
    return alert


def thread_replies(slack: FakeSlack) -> list[str]:
    return [
        c.args["text"]
        for c in slack.of("chat.postMessage")
        if c.args.get("thread_ts") == message_ts(slack)
    ]


def responses(slack: FakeSlack) -> list[dict[str, Any]]:
    return [c.args for c in slack.calls if c.method.startswith("/response/")]


def test_acknowledge_records_who_edits_the_message_and_tells_the_thread(
    bot_server: BotServer, alerting: Alerting, slack: FakeSlack
) -> None:
    alert = posted_alert(alerting)

    reply = bot_server.action(
        block_action("alert_ack", value=alert.fingerprint, message_ts=message_ts(slack))
    )

    assert reply.status == 200
    assert eventually(lambda: thread_replies(slack)) == [
        ":eyes: Acknowledged by <@U1>: no more repeats; the resolution will be posted."
    ]
    stored = alerting.current(alert)
    assert stored.acknowledged_by == "U1" and stored.acknowledged_at is not None
    [edit] = slack.of("chat.update")
    assert edit.args["ts"] == message_ts(slack) and edit.args["channel"] == "C0ALERTS"
    shown = json.dumps(edit.args)
    assert "Acknowledged by <@U1>" in shown and '"alert_ack"' not in shown
    assert [c.args["channel"] for c in slack.of("conversations.members")] == ["C0ALERTS"]


def test_only_members_of_the_alert_channel_may_press_buttons(
    bot_server: BotServer, alerting: Alerting, slack: FakeSlack
) -> None:
    alert = posted_alert(alerting)

    bot_server.action(
        block_action(
            "alert_ack", value=alert.fingerprint, message_ts=message_ts(slack), user_id="U9OUTSIDER"
        )
    )

    [note] = eventually(lambda: responses(slack))
    assert note["text"] == ":no_entry: only members of <#C0ALERTS> can act on its alerts."
    assert note["response_type"] == "ephemeral" and note["replace_original"] is False
    assert alerting.current(alert).acknowledged_by is None
    assert slack.of("chat.update") == [] and thread_replies(slack) == []


def test_snooze_silences_this_alert_for_the_chosen_time(
    bot_server: BotServer, alerting: Alerting, slack: FakeSlack
) -> None:
    alert = posted_alert(alerting)

    bot_server.action(
        block_action(
            "alert_snooze", selected=f"{alert.fingerprint}|4h", message_ts=message_ts(slack)
        )
    )

    [note] = eventually(lambda: thread_replies(slack))
    assert note.startswith(":zzz: Snoozed for 4 hours by <@U1>, until <!date^")
    [silence] = SilenceStore(alerting.store).all()
    assert silence.matcher.fingerprint == alert.fingerprint and silence.created_by == "U1"
    assert round((silence.expires_at - silence.created_at).total_seconds()) == 4 * 3600
    assert alerting.current(alert).silenced_by == silence.id
    snoozed = json.dumps(slack.of("chat.update")[-1].args)
    assert ":zzz: Snoozed by <@U1> until" in snoozed and '"alert_unsilence"' in snoozed


def test_silence_model_until_tomorrow_covers_every_rule_on_that_model(
    bot_server: BotServer, alerting: Alerting, slack: FakeSlack
) -> None:
    latency = alerting.fire(MODEL)
    errors = alerting.fire(MODEL, rule="error_rate")
    alerting.notifier.flush(datetime.now(UTC))

    bot_server.action(
        block_action("alert_silence_model", value=latency.fingerprint, message_ts=message_ts(slack))
    )

    [note] = eventually(lambda: thread_replies(slack))
    assert note.startswith(f":mute: <@U1> silenced every alert on `{MODEL}` until <!date^")
    [silence] = SilenceStore(alerting.store).all()
    assert silence.matcher.model == MODEL and silence.expires_at.hour == 9
    assert {alerting.current(a).silenced_by for a in (latency, errors)} == {silence.id}
    assert len(slack.of("chat.update")) == 2  # both alert messages now say so


def test_a_resolved_alert_cannot_be_acknowledged(
    bot_server: BotServer, alerting: Alerting, slack: FakeSlack
) -> None:
    alert = posted_alert(alerting)
    alerting.resolve(alert, datetime.now(UTC))

    bot_server.action(
        block_action("alert_ack", value=alert.fingerprint, message_ts=message_ts(slack))
    )

    [note] = eventually(lambda: responses(slack))
    assert note["text"] == ":information_source: the latency_spike alert is already resolved."


def test_genai_alerts_lists_alerts_and_silences_and_unsilence_refreshes_the_list(
    bot_server: BotServer, alerting: Alerting, slack: FakeSlack
) -> None:
    alert = posted_alert(alerting)
    bot_server.action(
        block_action(
            "alert_snooze", selected=f"{alert.fingerprint}|1h", message_ts=message_ts(slack)
        )
    )
    eventually(lambda: thread_replies(slack))

    listing = bot_server.command("/genai-alerts").json()

    assert listing["text"] == "1 alert(s) active (1 silenced or held back), 1 silence(s)"
    shown = json.dumps(listing["blocks"])
    assert f"*{short_model(MODEL)}*" in shown and '"alert_unsilence"' in shown
    [silence] = SilenceStore(alerting.store).all()

    bot_server.action(
        block_action(
            "alert_unsilence",
            value=silence.id,
            message_ts="1700000099.000001",
            message={"type": "message", "ts": "1700000099.000001", "text": "", "blocks": []},
        )
        | {
            "container": {
                "type": "message",
                "message_ts": "1",
                "channel_id": "C0ALERTS",
                "is_ephemeral": True,
            }
        }
    )

    refreshed = eventually(lambda: [r for r in responses(slack) if r.get("replace_original")])
    assert refreshed[0]["text"] == "1 alert(s) active (0 silenced or held back), 0 silence(s)"
    assert not SilenceStore(alerting.store).active(datetime.now(UTC))
    assert alerting.current(alert).silenced_by is None
    assert thread_replies(slack)[-1] == (
        f":loud_sound: <@U1> lifted the silence on `fingerprint={alert.fingerprint}`."
    )


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        (
            "help",
            "`/genai-alerts [help]`: " + spec("/genai-alerts").description,
        ),
        ("frobnicate now", ":warning: unknown argument `frobnicate`"),
    ],
)
def test_genai_alerts_help_and_garbage(bot_server: BotServer, text: str, first_line: str) -> None:
    reply = bot_server.command("/genai-alerts", text)

    assert reply.status == 200
    assert reply.json()["text"].splitlines()[0] == first_line


def test_command_access_by_channel_and_user_group(
    slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    access = {
        "genai-alerts": {"channels": ["C0OPS"]},
        "genai-help": {"usergroups": ["S0SRE"]},
    }
    slack.canned["usergroups.users.list"] = {"users": ["U2"]}
    with running_bot(
        tmp_path, slack, "--no-poll", env={"GENAI_OPS_COMMAND_ACCESS": json.dumps(access)}
    ) as server:
        elsewhere = server.command("/genai-alerts", channel_id="C0ALERTS").json()
        in_ops = server.command("/genai-alerts", channel_id="C0OPS").json()
        outsider = server.command("/genai-help", user_id="U1").json()
        member = server.command("/genai-help", user_id="U2").json()

    assert elsewhere["text"] == ":no_entry: `/genai-alerts`: this can only be used in <#C0OPS>."
    assert in_ops["text"].startswith("0 alert(s) active")
    assert outsider["text"].startswith(":no_entry: `/genai-help`: you are not on the list")
    assert "`/genai-stats" in member["text"]
    assert [c.args["usergroup"] for c in slack.of("usergroups.users.list")] == ["S0SRE"]
