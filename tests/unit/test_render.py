from __future__ import annotations

import io

from alarms.lifecycle import Notice
from alarms.model import Alert, AlertState, Severity
from bot.adapters.slack.gallery_usage_alerts import usage_example
from bot.adapters.slack.render import alert_text
from bot.adapters.slack.style import MessageStyle
from bot.adapters.terminal import TerminalNotifier
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


def test_resolved_text() -> None:
    done = ALERT.model_copy(
        update={"state": AlertState.RESOLVED, "resolved_at": T0.replace(hour=1, minute=5)}
    )
    text = alert_text(done, Notice.RESOLVED)
    assert text.startswith(
        "[RESOLVED] Resolved: Latency spike on amazon.nova-pro-v1:0: Latency (p90) on nova-pro-v1:0"
        " is back to 3,120 ms, usually 1,250 ms."
    )
    assert "    Usual: 1,250 ms median of 5 min periods, last 24 h" in text
    assert "Lasted: 1h 5m" in text


def test_the_terminal_names_the_statistic_that_was_read() -> None:
    out = io.StringIO()
    TerminalNotifier(out, style=MessageStyle(statistic="Average")).notify(ALERT, Notice.FIRING)

    assert "Latency (Average) on nova-pro-v1:0" in out.getvalue()
    assert "(p90)" not in out.getvalue()


def test_the_terminal_shows_links_as_text_then_address_and_arns_as_written() -> None:
    quota = usage_example("quota_saturation")
    waste = usage_example("cache_waste")

    quota_text = alert_text(quota, Notice.FIRING)
    waste_text = alert_text(waste, Notice.FIRING)

    assert f"Ask for more: Service Quotas: request an increase ({quota.details['increase']})" in (
        quota_text
    )
    assert "<" not in quota_text and "|" not in quota_text
    assert f"{waste.labels['principal']} wrote" in waste_text  # no code marks around it
