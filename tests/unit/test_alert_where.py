"""Alert messages say where the alert fired, and their console links open that region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alarms.model import Alert, fingerprint
from bot.adapters.slack.alert_message import alert_message
from bot.adapters.slack.gallery import STYLE
from tests.support.alerting import make_alert
from tests.support.slack_text import all_blocks, header, visible

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def latency(**labels: str) -> Alert:
    alert = make_alert(MODEL, NOW - timedelta(minutes=25))
    labels = {"model": MODEL, **labels}
    update = {"labels": labels, "fingerprint": fingerprint(alert.rule, labels)}
    return alert.model_copy(update=update)


def links(message: dict[str, object]) -> list[str]:
    return [e["url"] for b in all_blocks(message) for e in b.get("elements", []) if "url" in e]


def test_a_target_alert_names_its_target_account_and_region_and_links_there() -> None:
    alert = latency(account="222233334444", region="eu-west-1", target="prod<eu>")

    message = alert_message([alert], STYLE, NOW).args()

    assert header(message).endswith(
        "Latency spike on claude-3-haiku-20240307-v1:0 in prod<eu> eu-west-1"
    )
    assert "prod&lt;eu&gt; (222233334444) eu-west-1 · checked every" in visible(message)
    assert any(
        u.startswith("https://eu-west-1.console.aws.amazon.com/cloudwatch/") for u in links(message)
    )


def test_a_target_named_by_its_account_id_is_not_named_twice() -> None:
    message = alert_message([latency(account="222233334444", region="us-west-2")], STYLE, NOW)

    assert "account 222233334444 us-west-2 · checked every" in visible(message.args())


def test_a_bot_without_targets_shows_its_own_region() -> None:
    message = alert_message([latency()], STYLE, NOW).args()

    assert "Rule: latency spike · us-east-1 · checked every" in visible(message)
    assert "(" not in header(message)
    assert any(
        u.startswith("https://us-east-1.console.aws.amazon.com/cloudwatch/") for u in links(message)
    )
