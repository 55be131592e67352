"""Routing alerts to team channels, on the real SQLite store against the fake Slack Web API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alarms.lifecycle import Notice
from alarms.model import Alert, AlertState, Severity
from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.outbox import Outbox
from bot.app.deliver.notifier import OutboxNotifier
from bot.config.load import load_settings
from bot.entrypoints.slack.access import Access
from tests.support.fake_slack import FakeSlack

TEAMS = Path(__file__).parents[1] / "fixtures" / "routes-three-teams.toml"
WEEKDAY = datetime(2026, 11, 18, 13, 0, tzinfo=UTC)  # Wednesday 14:00 in Berlin
SATURDAY = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)  # muted: the weekend in Berlin
MONDAY_8 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Berlin: the night is over


def alert(team: str, rule: str = "latency_spike", at: datetime = WEEKDAY, **extra: Any) -> Alert:
    labels = {"model": "amazon.nova-pro-v1:0", "team": team}
    return Alert(
        fingerprint=f"fp-{rule}-{team}",
        rule=rule,
        labels=labels,
        state=AlertState.FIRING,
        severity=extra.pop("severity", Severity.WARNING),
        value=6000,
        baseline=2000,
        threshold=3000,
        unit="ms",
        summary="InvocationLatency 6,000 ms (3.0x usual)",
        started_at=at,
        updated_at=at,
        **extra,
    )


class Teams:
    def __init__(self) -> None:
        settings = load_settings(str(TEAMS))
        self.settings = settings
        self.store = open_store(settings.state_url, FixedClock(WEEKDAY))
        self.alerts = AlertStore(self.store)
        notifier = bootstrap.notifier(settings, self.store)
        assert isinstance(notifier, OutboxNotifier)
        self.notifier = notifier

    def send(self, item: Alert, notice: Notice = Notice.FIRING) -> None:
        self.alerts.save(item)
        self.notifier.notify(item, notice)


@pytest.fixture
def teams(slack: FakeSlack) -> Teams:
    slack.canned["usergroups.list"] = {
        "usergroups": [{"id": "S0SUPPORT", "handle": "support-oncall"}]
    }
    return Teams()


def posts(slack: FakeSlack) -> list[dict[str, Any]]:
    return [c.args for c in slack.of("chat.postMessage") if "thread_ts" not in c.args]


def test_each_team_alert_goes_to_its_channel_with_its_mention(
    teams: Teams, slack: FakeSlack
) -> None:
    teams.send(alert("search", severity=Severity.CRITICAL))
    teams.send(alert("support", rule="error_rate"))
    teams.send(alert("platform", rule="throttle_rate"))

    assert teams.notifier.flush(WEEKDAY) == []

    sent = {p["channel"]: p for p in posts(slack)}
    assert sorted(sent) == ["C0ALERTS", "C0SEARCH1", "C0SUPPORT"]
    assert sent["C0SEARCH1"]["text"].startswith("<!subteam^S0SEARCH1> ")
    assert "route *search*" in str(sent["C0SEARCH1"]["blocks"])
    assert sent["C0SUPPORT"]["text"].startswith("<!subteam^S0SUPPORT> ")  # @handle resolved
    assert "subteam" not in sent["C0ALERTS"]["text"]  # the default route mentions no one


def test_a_route_with_continue_also_sends_a_copy_to_the_next_match(
    teams: Teams, slack: FakeSlack
) -> None:
    teams.send(alert("helpdesk", rule="budget_threshold"))

    assert teams.notifier.flush(WEEKDAY) == []

    assert [p["channel"] for p in posts(slack)] == ["C0SUPPORT", "#finops"]


def test_muted_warnings_wait_for_monday_and_others_are_not_held_up(
    teams: Teams, slack: FakeSlack
) -> None:
    teams.send(alert("search", at=SATURDAY))
    teams.send(alert("platform", at=SATURDAY))

    assert teams.notifier.flush(SATURDAY) == []
    assert [p["channel"] for p in posts(slack)] == ["C0ALERTS"]
    held = Outbox(teams.store).pending()
    assert [e.fingerprint for e in held] == ["fp-latency_spike-search"]

    teams.notifier.flush(MONDAY_8 - timedelta(minutes=1))  # still the night in Berlin
    assert [p["channel"] for p in posts(slack)] == ["C0ALERTS"]

    teams.notifier.flush(MONDAY_8)
    assert [p["channel"] for p in posts(slack)] == ["C0ALERTS", "C0SEARCH1"]
    assert Outbox(teams.store).pending() == []


def test_an_alert_that_fired_and_resolved_inside_the_mute_is_never_told(
    teams: Teams, slack: FakeSlack
) -> None:
    fired = alert("search", at=SATURDAY)
    teams.send(fired)
    teams.notifier.flush(SATURDAY)
    later = SATURDAY + timedelta(hours=2)
    teams.send(fired.model_copy(update={"updated_at": later}), Notice.REPEAT)
    done = fired.model_copy(
        update={"state": AlertState.RESOLVED, "resolved_at": later, "updated_at": later}
    )
    teams.send(done, Notice.RESOLVED)

    teams.notifier.flush(later)
    teams.notifier.flush(MONDAY_8)

    assert slack.of("chat.postMessage") == []
    assert Outbox(teams.store).pending() == []


def test_critical_alerts_of_a_team_are_not_muted(teams: Teams, slack: FakeSlack) -> None:
    teams.send(alert("search", at=SATURDAY, severity=Severity.CRITICAL))

    teams.notifier.flush(SATURDAY)

    assert [p["channel"] for p in posts(slack)] == ["C0SEARCH1"]


def test_members_of_the_route_channel_may_press_its_buttons(teams: Teams, slack: FakeSlack) -> None:
    slack.members = {"C0SEARCH1": ["USEARCH"], "C0ALERTS": ["UPLATFORM"]}
    teams.send(alert("search"))
    teams.notifier.flush(WEEKDAY)
    access = Access(teams.settings, bootstrap.slack_client(teams.settings), teams.store)

    assert access.button_refusal("USEARCH", "C0SEARCH1") is None
    refused = access.button_refusal("UPLATFORM", "C0SEARCH1")
    assert refused == "only members of <#C0SEARCH1> can act on its alerts"


def test_one_rule_firing_for_two_teams_in_one_cycle_sends_each_team_its_own_message(
    teams: Teams, slack: FakeSlack
) -> None:
    models = {
        "support": "amazon.nova-pro-v1:0",
        "search": "amazon.nova-lite-v1:0",
        "helpdesk": "anthropic.claude-3-5-haiku-20241022-v1:0",
    }
    fired = [
        alert(team, severity=Severity.CRITICAL if team == "search" else Severity.WARNING)
        for team in ("support", "search", "helpdesk")  # helpdesk is the support route's too
    ]
    fired = [
        a.model_copy(update={"labels": {**a.labels, "model": models[t]}})
        for a, t in zip(fired, ("support", "search", "helpdesk"), strict=True)
    ]
    for item in fired:
        teams.send(item)

    assert teams.notifier.flush(WEEKDAY) == []

    sent = posts(slack)
    assert sorted(p["channel"] for p in sent) == ["C0SEARCH1", "C0SUPPORT"]
    by_channel = {p["channel"]: p for p in sent}
    routed = {"C0SEARCH1": {"search"}, "C0SUPPORT": {"support", "helpdesk"}}
    mentions = {"C0SEARCH1": "<!subteam^S0SEARCH1>", "C0SUPPORT": "<!subteam^S0SUPPORT>"}
    for channel, owners in routed.items():
        shown = str(by_channel[channel])  # text, blocks and attachments
        assert by_channel[channel]["text"].startswith(mentions[channel] + " ")
        told = {team for team, model in models.items() if model.split(".", 1)[1] in shown}
        assert told == owners, channel
