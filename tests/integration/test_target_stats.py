"""``/genai-stats`` over two accounts and regions: filtered, grouped, a failed target named.

Metrics and invocation logs live in moto: the bot's own account in us-east-1 and us-west-2,
a second account (through moto's STS AssumeRole) in us-west-2, and a third whose role is
refused. The answer is rendered to Block Kit and read as a person sees it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot import bootstrap
from bot.adapters.slack.stats_view import stats_blocks
from bot.app.poll.report import CycleReport
from bot.app.stats.collect import collect
from bot.app.stats.request import parse
from tests.integration.test_target_usage import (
    DENIED_ROLE,
    HOME,
    NOW,
    PROD,
    SONNET,
    budget_check,
    prod_session,
    seed,
)
from tests.support.fake_sts import sts_refusing
from tests.support.slack_text import visible

ACME = f'\n[[aws.targets]]\nname = "acme"\nrole_arn = "{DENIED_ROLE}"\nregions = ["us-west-2"]\n'


@pytest.fixture
def seeded(aws: str) -> dict[tuple[str, str], Any]:
    """The invocation logs of test_target_usage, and 10 calls in home us-east-1's metrics and
    30 in prod us-west-2's."""
    where = seed()
    put_calls(boto3.client("cloudwatch", region_name="us-east-1"), 10)
    put_calls(prod_session().client("cloudwatch", region_name="us-west-2"), 30)
    return where


def put_calls(cloudwatch: Any, calls: int) -> None:
    cloudwatch.put_metric_data(
        Namespace="AWS/Bedrock",
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "ModelId", "Value": SONNET}],
                "Timestamp": NOW - timedelta(hours=1),
                "Value": value,
            }
            for name, value in (("Invocations", calls), ("InvocationLatency", 800.0))
        ],
    )


def answer(tmp_path: Path, text: str, aws: str, monkeypatch: pytest.MonkeyPatch) -> str:
    check, store = budget_check(tmp_path, ACME)
    with sts_refusing(aws, {DENIED_ROLE}) as sts:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts)
        check.evaluate(NOW, CycleReport(started_at=NOW))
        sources = bootstrap.stats_sources(check_settings(tmp_path), store, "us-east-1")
        report = collect(sources, parse(text), NOW)
    _, blocks = stats_blocks(report, None)
    return visible({"blocks": blocks})


def check_settings(tmp_path: Path) -> Any:
    from bot.config.load import load_settings

    return load_settings(str(tmp_path / "bot.toml"), latency_statistic="Average")


def test_stats_group_by_account_and_name_the_target_not_read(
    seeded: dict[tuple[str, str], Any], tmp_path: Path, aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = answer(tmp_path, "24h by=account", aws, monkeypatch)

    assert "*Invocations*\n40" in shown
    assert "*Spend*\n$21.00 · " in shown
    assert f"\n{PROD} $12.00 · {HOME} $9.00\n" in shown
    assert ":warning: *Not read* (the figures above leave these out)" in shown
    assert "• acme us-west-2: access denied (AssumeRole)" in shown


def test_stats_of_one_region_show_only_its_calls_and_spend(
    seeded: dict[tuple[str, str], Any], tmp_path: Path, aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = answer(tmp_path, "24h account=prod region=us-west-2", aws, monkeypatch)

    assert shown.startswith("GenAI usage, last 24 h (account prod, us-west-2)")
    assert "*Invocations*\n30" in shown
    assert "*Spend*\n$12.00" in shown
