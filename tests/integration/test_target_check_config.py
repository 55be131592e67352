"""`check-config` with several targets: one line per target region, the denied one named
with what to fix, and the polling bill summed over the target regions."""

from __future__ import annotations

import io
import json

import pytest

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.app.poll.history import series_per_subject
from bot.app.poll.report import monthly_cost_usd
from bot.config.load import load_settings
from bot.entrypoints.cli.check_config import check_config
from bot.entrypoints.cli.live_checks import live_checks
from bot.entrypoints.cli.target_probes import target_check
from tests.support.targets import END, HOME, OTHER, TARGETS, denied


@pytest.fixture
def targets(monkeypatch: pytest.MonkeyPatch) -> None:
    body = [t.model_dump(exclude_none=True, exclude_defaults=True) for t in TARGETS]
    monkeypatch.setenv("GENAI_OPS_AWS__TARGETS", json.dumps(body))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the region of a target naming none


def test_each_target_region_gets_a_line_saying_which_account_it_reads(
    aws: str, targets: None
) -> None:
    settings = load_settings()
    out, err = io.StringIO(), io.StringIO()

    live_checks(settings, out, err, FixedClock(END))

    lines = out.getvalue().splitlines()
    assert any(
        f"[ok ] target prod us-west-2: account {OTHER}: cloudwatch:ListMetrics" in x for x in lines
    )
    assert any(f"[ok ] target home us-east-1: account {HOME}" in x for x in lines)
    assert any(f"[ok ] target home eu-west-1: account {HOME}" in x for x in lines)


def test_a_denied_target_is_one_line_with_what_to_fix(aws: str, targets: None) -> None:
    settings = load_settings()
    locked = bootstrap.watched_regions(settings)[-1]

    probe = target_check(settings, denied(locked), END)

    assert not probe.ok and probe.name == "target locked us-east-1"
    assert probe.detail.startswith("access denied (AssumeRole): User: arn:aws:iam::")
    assert "trust policy" in probe.detail


def test_the_polling_bill_is_summed_over_target_regions(targets: None) -> None:
    settings = load_settings()
    out = io.StringIO()

    check_config(settings, out, FixedClock(END))

    plain = series_per_subject(settings.active_rules)[0]
    total = monthly_cost_usd(10 * plain * 4, settings.polling.interval_seconds)
    assert (
        "4 target regions (prod us-west-2, home us-east-1, home eu-west-1, locked us-east-1)"
        in out.getvalue()
    )
    bill = f"4 GetMetricData calls per cycle (one per 500 series per region), about ${total:,.2f}"
    assert f"{bill}/month in total" in out.getvalue()
