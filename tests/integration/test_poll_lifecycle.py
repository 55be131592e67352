"""Silences and acknowledgements, as Slack buttons set them, honoured by real poll cycles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alarms.lifecycle import acknowledge
from alarms.names import short_model
from alarms.silences import Matcher, new_silence
from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.silences import SilenceStore
from bot.config.load import load_settings
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_slack import FakeSlack

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_a_silence_holds_the_alert_back_until_it_is_expired(
    cloudwatch: Any, slack: FakeSlack
) -> None:
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    store = open_store(settings.state_url, FixedClock(END))
    poller = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch)
    seed_spike(cloudwatch, END)
    now = END + timedelta(seconds=30)
    silences = SilenceStore(store)
    silences.add(
        new_silence(Matcher(model=SPIKY.model_id), "U1", now, duration=timedelta(hours=1), id="s1")
    )

    muted = poller.run_once(now)
    assert muted.notices == [] and slack.of("chat.postMessage") == []
    [alert] = AlertStore(store).active()
    assert alert.silenced_by == "s1" and alert.labels == {"model": SPIKY.model_id}

    silences.expire("s1", now + timedelta(minutes=1))
    released = poller.run_once(now + timedelta(minutes=2))
    assert len(released.notices) == 1
    assert (
        f"Latency spike on {short_model(SPIKY.model_id)}"
        in slack.of("chat.postMessage")[0].args["text"]
    )


def test_an_acknowledged_alert_is_not_repeated(cloudwatch: Any, slack: FakeSlack) -> None:
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    store = open_store(settings.state_url, FixedClock(END))
    poller = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch)
    seed_spike(cloudwatch, END)
    poller.run_once(END)
    alerts = AlertStore(store)
    [alert] = alerts.active()
    _, version = alerts.get(alert.fingerprint)
    alerts.save(acknowledge(alert, "U1", END + timedelta(minutes=1)), expected_version=version)

    later = poller.run_once(END + timedelta(hours=5))  # past the 4 h repeat interval
    assert later.notices == []
    assert len(slack.of("chat.postMessage")) == 1
    assert alerts.active()[0].acknowledged_by == "U1"


def test_a_clock_going_back_or_jumping_ahead_and_back_sends_no_false_notice(
    cloudwatch: Any, slack: FakeSlack
) -> None:
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    store = open_store(settings.state_url, FixedClock(END))
    poller = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch)
    seed_spike(cloudwatch, END)

    def texts() -> list[str]:
        return [call.args["text"] for call in slack.of("chat.postMessage")]

    poller.run_once(END)
    assert len(texts()) == 1 and f"Latency spike on {short_model(SPIKY.model_id)}" in texts()[0]
    back = poller.run_once(END - timedelta(hours=2))  # the clock went back: older data is calm
    assert back.notices == [] and len(AlertStore(store).active()) == 1
    poller.run_once(END + timedelta(minutes=5))  # and forward again: still the same episode
    assert len(texts()) == 1 and slack.of("chat.postUpdate") == []

    poller.run_once(END + timedelta(days=1))  # a day ahead: nothing there, so it resolves
    assert not AlertStore(store).active()
    returned = poller.run_once(END + timedelta(minutes=10))  # back: the spike is still there
    assert [n for n, _ in returned.notices] == ["firing"]
    assert len(AlertStore(store).active()) == 1
