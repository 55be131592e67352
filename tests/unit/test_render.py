from __future__ import annotations

from slack_sdk.models.blocks import Block

from alarms.lifecycle import Notice
from alarms.model import Alert, AlertState, Severity
from bot.slack.render import alert_blocks, alert_text
from tests.support.series import T0

ALERT = Alert(
    fingerprint="abc",
    rule="latency_spike",
    labels={"model": "amazon.nova-pro-v1:0"},
    state=AlertState.FIRING,
    severity=Severity.WARNING,
    value=3120,
    threshold=1900,
    baseline=1250,
    unit="ms",
    summary="InvocationLatency 3,120 ms (2.5x usual)",
    details={"metric": "InvocationLatency", "invocations": "140"},
    started_at=T0,
    updated_at=T0,
)


def test_alert_blocks_are_valid_block_kit_and_say_what_and_how_bad() -> None:
    blocks = alert_blocks(ALERT, Notice.FIRING)
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    assert blocks[0]["text"]["text"].startswith("Latency spike on amazon.nova-pro-v1:0: ")
    fields = " ".join(f["text"] for f in blocks[1]["fields"])
    assert "3,120 ms" in fields and "1,250 ms" in fields
    assert "console.aws.amazon.com/cloudwatch" in blocks[-1]["elements"][0]["text"]


def test_header_is_clipped_to_slack_limit() -> None:
    long = ALERT.model_copy(update={"labels": {"model": "x" * 400}})
    header = alert_blocks(long, Notice.FIRING)[0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("(truncated)")


def test_resolved_text() -> None:
    done = ALERT.model_copy(
        update={"state": AlertState.RESOLVED, "resolved_at": T0.replace(hour=1, minute=5)}
    )
    text = alert_text(done, Notice.RESOLVED)
    assert text.startswith("[RESOLVED] Resolved: Latency spike on amazon.nova-pro-v1:0")
    assert "Lasted: 1h 5m" in text
