from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.load import SettingsError, load_settings


def test_defaults_watch_every_model_without_configuration() -> None:
    settings = load_settings()
    assert settings.polling.interval_seconds == 300
    assert settings.polling.latency_statistic == "p90"
    assert settings.slack.api_url == "https://slack.com/api/"
    kinds = {rule.kind for rule in settings.active_rules}
    assert {"latency_spike", "error_rate", "throttle_rate", "guardrail_surge"} <= kinds
    assert "feedback_drop" in kinds


def test_documented_environment_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_APP_TOKEN": "xapp-1",
        "SLACK_SIGNING_SECRET": "s",
        "GENAI_OPS_SLACK_API_URL": "http://127.0.0.1:9/api",
        "GENAI_OPS_ALERT_CHANNEL": "C1",
        "GENAI_OPS_STATE_URL": f"sqlite:///{tmp_path}/x.db",
        "GENAI_OPS_POLL_INTERVAL_SECONDS": "120",
        "GENAI_OPS_LATENCY_STATISTIC": "Average",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s = load_settings()
    assert s.secret("slack_bot_token") == "xoxb-1"
    assert s.secret("slack_app_token") == "xapp-1"
    assert s.secret("slack_signing_secret") == "s"
    assert s.slack.api_url == "http://127.0.0.1:9/api/"
    assert (s.slack.alert_channel, s.polling.interval_seconds, s.polling.latency_statistic) == (
        "C1",
        120,
        "Average",
    )
    assert s.state_url.endswith("x.db")


def test_toml_file_and_env_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        'alert_channel = "C-file"\npoll_interval_seconds = 600\n'
        '[model_aliases]\nsonnet = "anthropic.claude-3-5-sonnet-20240620-v1:0"\n'
        '[[rules]]\nkind = "latency_spike"\nbreach_periods = 2\nmodels = ["anthropic.*"]\n'
    )
    monkeypatch.setenv("GENAI_OPS_CONFIG", str(path))
    monkeypatch.setenv("GENAI_OPS_ALERT_CHANNEL", "C-env")
    s = load_settings()
    assert s.slack.alert_channel == "C-env"  # env beats the file
    assert s.polling.interval_seconds == 600
    assert s.model_aliases["sonnet"].startswith("anthropic.")
    (rule,) = [r for r in s.active_rules if r.kind == "latency_spike"]
    assert rule.breach_periods == 2 and rule.watches("anthropic.x") and not rule.watches("amazon.y")


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'latency_statistic = "p999x"\npoll_intervall = 5\n'
        '[[rules]]\nkind = "latency_spike"\nbreach_periods = 9\n'
    )
    monkeypatch.setenv("GENAI_OPS_POLL_INTERVAL_SECONDS", "10")
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))
    text = caught.value.render()
    assert len(caught.value.problems) == 4
    assert (
        "environment GENAI_OPS_POLL_INTERVAL_SECONDS" in text
        and "greater than or equal to 60" in text
    )
    assert f"{path} key latency_statistic" in text and "p0-p100" in text
    assert f"{path} key poll_intervall: unknown setting" in text
    assert "breach_periods must not exceed eval_periods" in text


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('alert_channel = "C1"\npoll_interval_seconds = = 3\nlog_level = "INFO"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))
    assert str(path) in caught.value.render() and "line 2" in caught.value.render()


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="config file not found"):
        load_settings(str(tmp_path / "nope.toml"))


def test_secrets_are_never_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_SLACK_API_URL", "ftp://x")
    monkeypatch.setenv("GENAI_OPS_STATE_URL", "postgres://db")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    text = caught.value.render()
    assert "http:// or https://" in text and "sqlite:///" in text


def test_nested_tables_and_variables_mean_the_same_as_flat_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    nested = tmp_path / "nested.toml"
    nested.write_text("[ask]\nmax_tokens = 700\n[polling]\ninterval_seconds = 900\n")
    flat = tmp_path / "flat.toml"
    flat.write_text("ask_max_tokens = 700\npoll_interval_seconds = 900\n")
    one, two = load_settings(str(nested)), load_settings(str(flat))
    assert one == two and one.ask.max_tokens == 700 and one.polling.interval_seconds == 900

    monkeypatch.setenv("GENAI_OPS_ASK__MAX_TOKENS", "512")
    monkeypatch.setenv("GENAI_OPS_COST__DAILY_BUDGET_USD", "40")
    from_env = load_settings(str(flat))
    assert from_env.ask.max_tokens == 512  # the environment beats the file, in either form
    assert [b.amount_usd for b in from_env.cost.all_budgets] == [40]


def test_a_bad_flat_variable_is_named_as_the_user_wrote_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENAI_OPS_ASK_MAX_TOKENS", "0")
    monkeypatch.setenv("GENAI_OPS_FEEDBACK__NAMESPACE", "AWS/Mine")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    text = caught.value.render()
    assert (
        "environment GENAI_OPS_ASK_MAX_TOKENS: Input should be greater than or equal to 1" in text
    )
    assert (
        "environment GENAI_OPS_FEEDBACK__NAMESPACE: Value error, must not start with AWS/" in text
    )


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('alert_channel = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(str(path))
