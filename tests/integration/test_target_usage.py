"""Usage of several accounts and regions: each read on its own, budgets judged over all.

Two accounts in moto (the second through moto's STS AssumeRole) and two regions write
invocation logs to log groups of the same name. Each target region keeps its own cursor,
roll-ups carry the account and region of their calls, a budget narrowed to one account and
a budget spanning every target both hold, and a target whose role is denied is named in the
poll report while the others still count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest

from alarms.rollup import combined
from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.rollups import RollupStore
from bot.app.poll.report import CycleReport
from bot.app.spend.ingest import CURSOR
from bot.config.load import load_settings
from tests.support.fake_sts import sts_refusing
from tests.support.invocations import invocation, put_records

GROUP = "/aws/bedrock/modelinvocations"
HOME, PROD, DENIED = "123456789012", "222233334444", "333344445555"
ROLE = f"arn:aws:iam::{PROD}:role/genai-ops-reader"
DENIED_ROLE = f"arn:aws:iam::{DENIED}:role/genai-ops-reader"
# moto's Logs refuses events older than 14 days: the day is three days before the run's.
DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
NOW = DAY + timedelta(hours=9, minutes=5)
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"  # $3 per 1M input tokens
TARGETS = f"""
[[aws.targets]]
name = "home"
account_id = "{HOME}"
regions = ["us-east-1", "us-west-2"]

[[aws.targets]]
name = "prod"
role_arn = "{ROLE}"
external_id = "genai-ops"
regions = ["us-west-2"]
"""
BUDGETS = f"""
[[budgets]]
name = "prod daily"
amount_usd = 10
accounts = ["{PROD}"]
forecast = false

[[budgets]]
name = "home west"
amount_usd = 20
accounts = ["{HOME}"]
regions = ["us-west-2"]
forecast = false

[[budgets]]
name = "everything"
amount_usd = 20
forecast = false
"""


def calls(
    account: str, region: str, usd: int, prefix: str, at: datetime = DAY + timedelta(hours=2)
) -> list[dict[str, Any]]:
    """``usd`` dollars of Sonnet input, $3 a call, stamped with the account and region."""
    out = []
    for n in range(usd // 3):
        record = invocation(at + timedelta(minutes=n), f"{prefix}-{n}", SONNET, "app")
        record["input"]["inputTokenCount"] = 1_000_000
        out.append({**record, "accountId": account, "region": region})
    return out


def logs_of(session: boto3.session.Session, region: str) -> Any:
    logs = session.client("logs", region_name=region)
    bedrock = session.client("bedrock", region_name=region)
    bedrock.put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": GROUP, "roleArn": "arn:aws:iam::1:role/l"},
            "textDataDeliveryEnabled": True,
        }
    )
    logs.create_log_group(logGroupName=GROUP)
    return logs


def prod_session(role: str = ROLE) -> boto3.session.Session:
    creds = boto3.client("sts").assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


@pytest.fixture
def seeded(aws: str) -> dict[tuple[str, str], Any]:
    return seed()


def seed() -> dict[tuple[str, str], Any]:
    """$3 in home us-east-1, $6 in home us-west-2, $12 in prod us-west-2: one group name."""
    home = boto3.session.Session()
    where = {
        (HOME, "us-east-1"): logs_of(home, "us-east-1"),
        (HOME, "us-west-2"): logs_of(home, "us-west-2"),
        (PROD, "us-west-2"): logs_of(prod_session(), "us-west-2"),
    }
    for (account, region), usd in zip(where, (3, 6, 12), strict=True):
        put_records(where[(account, region)], GROUP, calls(account, region, usd, region))
    return where


def budget_check(tmp_path: Path, extra: str = "") -> Any:
    config = tmp_path / "bot.toml"
    config.write_text(TARGETS + extra + BUDGETS)
    settings = load_settings(str(config), latency_statistic="Average")
    store = open_store(f"sqlite:///{tmp_path / 'state.db'}", FixedClock(NOW))
    reader = bootstrap.CloudWatchReader(bootstrap.client(settings, "cloudwatch"))
    return bootstrap.budget_check(settings, AlertStore(store), reader), store


def thresholds(found: list[Any]) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        e.labels["budget"]: (e.summary, e.labels) for e in found if e.rule == "budget_threshold"
    }


def test_per_target_and_cross_target_budgets_hold(
    seeded: dict[tuple[str, str], Any], tmp_path: Path
) -> None:
    check, store = budget_check(tmp_path)
    report = CycleReport(started_at=NOW)

    alerts = thresholds(check.evaluate(NOW, report))

    assert report.failures == []
    assert alerts["prod daily"][0].startswith("$12.00 spent, 120% of $10.00 (daily), crossed 100%")
    assert alerts["prod daily"][1]["account"] == PROD
    assert alerts["everything"][0].startswith("$21.00 spent, 105% of $20.00 (daily)")
    assert "account" not in alerts["everything"][1]
    assert "home west" not in alerts  # $6 of $20 in home's us-west-2: under 50%
    hours = RollupStore(store).hours(DAY, NOW)
    by_place = {r.place: r.total.usd for r in hours}
    assert by_place == {
        (HOME, "us-east-1"): Decimal("3.000"),
        (HOME, "us-west-2"): Decimal("6.000"),
        (PROD, "us-west-2"): Decimal("12.000"),
    }


def test_cursors_do_not_mix(seeded: dict[tuple[str, str], Any], tmp_path: Path) -> None:
    check, store = budget_check(tmp_path)
    check.evaluate(NOW, CycleReport(started_at=NOW))
    put_records(seeded[(HOME, "us-west-2")], GROUP, calls(HOME, "us-west-2", 3, "new", NOW))

    later = NOW + timedelta(minutes=5)
    alerts = thresholds(check.evaluate(later, CycleReport(started_at=later)))

    cursors = {r.key: r.body["records"] for r in store.scan(CURSOR, "")}
    assert cursors == {
        f"home/us-east-1|{GROUP}": 1,
        f"home/us-west-2|{GROUP}": 3,
        f"prod/us-west-2|{GROUP}": 4,
    }
    total = combined(RollupStore(store).hours(DAY, later), DAY).total
    assert (total.calls, total.usd) == (8, Decimal("24.000"))  # each record counted once
    assert alerts["everything"][0].startswith("$24.00 spent, 120% of $20.00")


def test_a_denied_target_is_reported_while_the_others_count(
    seeded: dict[tuple[str, str], Any], tmp_path: Path, aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_records(
        logs_of(prod_session(DENIED_ROLE), "us-west-2"), GROUP, calls(DENIED, "us-west-2", 30, "d")
    )
    denied = f"""
[[aws.targets]]
name = "acme"
role_arn = "{DENIED_ROLE}"
regions = ["us-west-2"]
"""
    with sts_refusing(aws, {DENIED_ROLE}) as sts:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts)
        check, _ = budget_check(tmp_path, denied)
        report = CycleReport(started_at=NOW)
        alerts = thresholds(check.evaluate(NOW, report))

    assert report.failures == ["budgets: acme us-west-2: access denied (AssumeRole)"]
    assert alerts["prod daily"][0].startswith("$12.00 spent")
    assert alerts["everything"][0].startswith("$21.00 spent")


def test_spend_filters_and_groups_by_account_and_region_and_names_a_failed_target(
    seeded: dict[tuple[str, str], Any],
    tmp_path: Path,
    aws: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.entrypoints.cli.main import main

    check, _ = budget_check(tmp_path)
    check.evaluate(NOW, CycleReport(started_at=NOW))
    config = tmp_path / "spend.toml"
    config.write_text(
        f'state_url = "sqlite:///{tmp_path / "state.db"}"\n'
        + TARGETS
        + f'\n[[aws.targets]]\nname = "acme"\nrole_arn = "{DENIED_ROLE}"\nregions = ["us-west-2"]\n'
    )

    def spend(*args: str) -> list[str]:
        assert main(["spend", "--config", str(config), "--hours", "200", *args]) == 0
        return capsys.readouterr().out.splitlines()

    with sts_refusing(aws, {DENIED_ROLE}) as sts:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts)
        prod = spend("--account", "prod")
        regions = spend("--by", "region")

    assert [x.split()[-1] for x in prod if x.startswith("total")] == ["$12.00"]
    assert "only: account prod" in prod
    assert [(x.split()[0], x.split()[-1]) for x in regions if x.startswith("us-")] == [
        ("us-west-2", "$18.00"),
        ("us-east-1", "$3.00"),
    ]
    assert [x.split()[-1] for x in regions if x.startswith("total")] == ["$21.00"]
    assert "not read: acme us-west-2: access denied (AssumeRole)" in regions


def test_check_config_tells_where_each_target_logs_and_which_cannot_be_asked(
    seeded: dict[tuple[str, str], Any], tmp_path: Path, aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.entrypoints.cli.usage import usage_lines

    config = tmp_path / "bot.toml"
    config.write_text(
        TARGETS
        + f'\n[[aws.targets]]\nname = "acme"\nrole_arn = "{DENIED_ROLE}"\nregions = ["eu-west-1"]\n'
    )
    with sts_refusing(aws, {DENIED_ROLE}) as sts:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts)
        lines = usage_lines(load_settings(str(config)))

    assert lines[2:] == [
        f"  [on ] invocation logs (home us-east-1): {GROUP}\n",
        f"  [on ] invocation logs (home us-west-2): {GROUP}\n",
        f"  [on ] invocation logs (prod us-west-2): {GROUP}\n",
        "  [err] invocation logs (acme eu-west-1): access denied (AssumeRole)\n",
    ]
