"""One bot polling two accounts and three regions (moto, STS assume-role): each alert says
where it fired, a denied target is reported while the others still alert, and the targets'
detector state never mixes."""

from __future__ import annotations

import io
from datetime import timedelta

import boto3

from alarms.names import short_model
from bot import bootstrap
from bot.adapters.aws.targets import target_regions
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.detector_state import DetectorStateStore
from bot.adapters.terminal import TerminalNotifier
from bot.app.poll.history import PollHistory
from bot.config.load import load_settings
from tests.support.bedrock import SPIKY, STEADY, seed_spike
from tests.support.fake_slack import FakeSlack
from tests.support.slack_text import all_blocks, header, visible
from tests.support.targets import END, HOME, OTHER, TARGETS, denied, other_account


def test_each_target_alerts_with_its_labels_and_a_denied_one_is_reported(
    aws: str, slack: FakeSlack
) -> None:
    seed_spike(other_account("us-west-2"), END, fleet=(SPIKY, STEADY))
    seed_spike(boto3.client("cloudwatch", region_name="us-east-1"), END, fleet=(SPIKY, STEADY))
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    store = open_store(settings.state_url, FixedClock(END))
    regions = target_regions(TARGETS)
    regions[-1] = denied(regions[-1])
    poller = bootstrap.poller(settings, store=store, targets=regions)

    report = poller.run_once(END)

    firing = sorted(
        (a.labels["account"], a.labels["region"], a.labels.get("target"))
        for a in AlertStore(store).active()
        if a.labels.get("model") == SPIKY.model_id
    )
    assert firing == [(HOME, "us-east-1", "home"), (OTHER, "us-west-2", "prod")]
    assert report.targets == [
        "prod us-west-2",
        "home us-east-1",
        "home eu-west-1",
        "locked us-east-1",
    ]
    assert list(report.target_failures) == ["locked us-east-1"]
    assert report.target_failures["locked us-east-1"].startswith("access denied (AssumeRole)")
    assert any(
        f.startswith("locked us-east-1: access denied (AssumeRole)") for f in report.failures
    )
    last = PollHistory(store).last()
    assert last is not None and last.targets == 4
    assert last.failed_targets == [
        f"locked us-east-1: {report.target_failures['locked us-east-1']}"
    ]

    [message] = [c.args for c in slack.of("chat.postMessage") if "Latency" in c.args["text"]]
    seen = visible(message)
    assert header(message).endswith("Latency spike on 2 models")
    assert f"{short_model(SPIKY.model_id)} in prod us-west-2" in seen
    assert f"{short_model(SPIKY.model_id)} in home us-east-1" in seen
    assert f"({OTHER})" not in seen  # the footer names no one target when there are two
    links = [e["url"] for b in all_blocks(message) for e in b.get("elements", []) if "url" in e]
    cloudwatch = sorted(u.split("#")[0] for u in links if "/cloudwatch/" in u)
    assert cloudwatch == [  # each subject's graph opens in its own region
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1",
        "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2",
    ]

    keys = set(DetectorStateStore(store).load_all())
    assert keys and all(k.split("|")[0] in {"prod/us-west-2", "home/us-east-1"} for k in keys)
    west = {k.split("|", 1)[1] for k in keys if k.startswith("prod/us-west-2|")}
    east = {k.split("|", 1)[1] for k in keys if k.startswith("home/us-east-1|")}
    assert west == east  # the same series in two places: two memories, never one


def test_a_second_poll_reads_only_what_is_new_in_each_target(aws: str) -> None:
    seed_spike(other_account("us-west-2"), END, fleet=(STEADY,))
    seed_spike(boto3.client("cloudwatch", region_name="us-east-1"), END, fleet=(STEADY,))
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    store = open_store(settings.state_url, FixedClock(END))
    poller = bootstrap.poller(
        settings,
        store=store,
        targets=target_regions(TARGETS[:2]),
        sink=TerminalNotifier(io.StringIO()),
    )

    first = poller.run_once(END)
    again = poller.run_once(END + timedelta(minutes=5))

    assert first.failures == [] and again.failures == []
    assert sorted(first.models) == [STEADY.model_id, STEADY.model_id]
    # each target remembers its own series: the second poll reads a few periods, not 6 h
    assert again.datapoints_requested * 10 < first.datapoints_requested
