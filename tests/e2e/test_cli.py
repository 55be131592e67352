"""The `genai-ops` console script, run as a user runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alarms.names import short_model
from bot.app.poll.report import period_floor
from tests.support.bedrock import SPIKY, seed_healthy, seed_spike
from tests.support.fake_slack import FakeSlack


def genai_ops(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("genai-ops", path=str(Path(sys.executable).parent)) or "genai-ops"
    return subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
        check=False,
    )


def test_poll_once_alerts_once_and_then_resolves(
    cloudwatch: Any, slack: FakeSlack, monkeypatch: Any
) -> None:
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")  # moto has no percentiles
    monkeypatch.setenv("GENAI_OPS_LOOKBACK_HOURS", "6")
    gap_start = period_floor(datetime.now(UTC), 300) - timedelta(minutes=30)
    seed_spike(cloudwatch, gap_start)  # the spike ends 30 min ago; nothing since

    first, second = genai_ops("poll", "--once"), genai_ops("poll", "--once")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    posts = slack.of("chat.postMessage")
    assert len(posts) == 1
    assert f"Latency spike on {short_model(SPIKY.model_id)}" in posts[0].args["text"]
    assert "1 notice(s)" in first.stdout and "0 notice(s)" in second.stdout

    seed_healthy(cloudwatch, gap_start, gap_start + timedelta(minutes=30))
    third = genai_ops("poll", "--once")
    assert third.returncode == 0, third.stderr
    posts = slack.of("chat.postMessage")
    assert len(posts) == 2 and "Resolved" in posts[1].args["text"]
    assert "xoxb-test-token" not in first.stderr + second.stderr + third.stderr


def test_check_config_reports_broken_toml(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text("alert_channel = \n")
    result = genai_ops("check-config", "--config", str(path))
    assert result.returncode == 2
    assert str(path) in result.stderr and "not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_reports_bad_env_value(monkeypatch: Any) -> None:
    monkeypatch.setenv("GENAI_OPS_POLL_INTERVAL_SECONDS", "soon")
    result = genai_ops("check-config")
    assert result.returncode == 2
    assert "environment GENAI_OPS_POLL_INTERVAL_SECONDS" in result.stderr
    assert "valid integer" in result.stderr and "'soon'" in result.stderr


def test_other_commands_refuse_bad_settings_without_a_traceback(monkeypatch: Any) -> None:
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "median")
    result = genai_ops("poll", "--once")
    assert result.returncode == 2
    assert "GENAI_OPS_LATENCY_STATISTIC" in result.stderr and "Traceback" not in result.stderr


def test_check_config_explains_what_optional_settings_enable(monkeypatch: Any) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("GENAI_OPS_POL_INTERVAL", "5")
    result = genai_ops("check-config", "--offline")  # settings only: no call to Slack or AWS
    assert result.returncode == 0, result.stderr
    assert "[off] Socket Mode" in result.stdout and "SLACK_APP_TOKEN" in result.stdout
    assert "GENAI_OPS_POL_INTERVAL matches no setting" in result.stdout
    assert "did you mean GENAI_OPS_POLL_INTERVAL_SECONDS?" in result.stdout
    assert "xoxb-secret-value" not in result.stdout


def test_a_mistyped_variable_is_named_at_start_up_with_the_setting_it_resembles(
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("GENAI_OPS_POLLING_INTERVAL_SECONDS", "60")  # left the default in force
    result = genai_ops("routes")
    assert result.returncode == 0, result.stderr
    assert "GENAI_OPS_POLLING_INTERVAL_SECONDS" in result.stderr
    assert "GENAI_OPS_POLL_INTERVAL_SECONDS" in result.stderr


def test_demo_runs_offline_and_shows_the_alert() -> None:
    result = genai_ops("demo", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Latency spike on anthropic.claude-3-5-sonnet" in result.stdout
    assert "Throttling on meta.llama3-1-70b-instruct" in result.stdout
    assert (
        "Guardrail interventions on arn:aws:bedrock:us-east-1:123456789012:guardrail/support-bot"
        in (result.stdout)
    )
    assert "Mostly: ContentPolicy" in result.stdout
    assert "Quota saturation on anthropic.claude-3-haiku-20240307-v1:0" in result.stdout
    assert "servicequotas/home/services/bedrock/quotas" in result.stdout
    # the second region alerts too, each alert saying where it fired
    assert "Latency spike on amazon.nova-pro-v1:0" in result.stdout
    assert "Where: demo (123456789012) us-west-2" in result.stdout
    assert "Where: demo (123456789012) us-east-1" in result.stdout
    assert "in 2 region(s) (demo us-east-1, demo us-west-2)" in result.stdout
    raised = re.search(r"Poll 1: .* (\d+) alert\(s\) raised", result.stdout)
    # latency, throttling, guardrail, a budget threshold, the unpriced model (+ forecast and
    # burn rate, depending on the time of day)
    assert raised and int(raised.group(1)) >= 5
    assert "0 new notice(s)" in result.stdout
    # cost and budgets: the seeded invocation logs priced, a budget alert, the unpriced model
    assert "Budget crossed on demo daily: Budget demo daily crossed" in result.stdout
    assert "Top principals: • batch-summarizer" in result.stdout
    assert "Unpriced model on mistral.mistral-large-2407-v1:0" in result.stdout
    assert "source: invocation logs (prompt cache included)" in result.stdout


def test_demo_posts_to_slack_when_configured(slack: FakeSlack) -> None:
    result = genai_ops("demo", timeout=300)
    assert result.returncode == 0, result.stderr
    texts = [call.args["text"] for call in slack.of("chat.postMessage")]
    metric_alerts = (": Latency spike on", ": Throttling on", ": Guardrail interventions on")
    assert len([t for t in texts if any(m in t for m in metric_alerts)]) == 3, texts
    # one latency message for the cycle, naming the spike in each region and where it is
    (latency,) = [c for c in slack.of("chat.postMessage") if ": Latency spike on" in c.args["text"]]
    shown = json.dumps(latency.args)
    assert "Latency spike on 2 models" in latency.args["text"]
    assert "claude-3-5-sonnet-20240620-v1:0" in shown and "us-east-1" in shown
    assert "nova-pro-v1:0" in shown and "us-west-2" in shown
    assert [t for t in texts if ": Budget demo daily crossed " in t], texts


def test_config_before_or_after_the_command_is_read_and_a_missing_one_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.toml"
    path.write_text('[[budgets]]\nname = "team-a daily"\nperiod = "daily"\namount_usd = 19\n')
    for args in (("--config", str(path), "check-config"), ("check-config", "--config", str(path))):
        result = genai_ops(*args, "--offline")
        assert result.returncode == 0, result.stderr
        assert "team-a daily" in result.stdout  # the file's budget is in force
    missing = tmp_path / "missing.toml"
    for args in (
        ("--config", str(missing), "check-config"),
        ("check-config", "--config", str(missing)),
    ):
        result = genai_ops(*args, "--offline")
        assert result.returncode == 2 and str(missing) in result.stderr
        assert "config file not found" in result.stderr


def test_version_is_printed_for_bug_reports() -> None:
    result = genai_ops("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"genai-ops \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout
