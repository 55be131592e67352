"""/genai-ask and feedback settings: environment names, TOML, clear errors, check-config."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from bot.adapters.clock import SystemClock
from bot.config.load import SettingsError, load_settings
from bot.entrypoints.cli.check_config import check_config


def test_default_model_alone_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_ASK_DEFAULT_MODEL", "amazon.nova-lite-v1:0")
    settings = load_settings()
    assert settings.ask.default_model == "amazon.nova-lite-v1:0"
    assert settings.feedback.namespace == "GenAIOps/Feedback"
    assert (
        settings.feedback.emoji["+1"] == "positive" and settings.feedback.emoji["x"] == "negative"
    )
    assert "tada" not in settings.feedback.emoji


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "GENAI_OPS_ASK_MAX_TOKENS": "512",
        "GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR": "3",
        "GENAI_OPS_ASK_DAILY_SPEND_CAP_USD": "0.50",
        "GENAI_OPS_ASK_ALLOWED_CHANNELS": "C1, C2",
        "GENAI_OPS_ASK_GUARDRAIL_ID": "gr-1",
        "GENAI_OPS_ASK_GUARDRAIL_VERSION": "3",
        "GENAI_OPS_FEEDBACK_NAMESPACE": "Team/Feedback",
        "GENAI_OPS_FEEDBACK_METRICS_VIA": "emf",
    }.items():
        monkeypatch.setenv(name, value)
    s = load_settings()
    assert (s.ask.max_tokens, s.ask.rate_limit_per_hour) == (512, 3)
    assert s.ask.daily_spend_cap_usd == Decimal("0.50")
    assert s.ask.allowed_channels == ("C1", "C2")
    assert (s.ask.guardrail_id, s.ask.guardrail_version) == ("gr-1", "3")
    assert (s.feedback.namespace, s.feedback.metrics_via) == ("Team/Feedback", "emf")


def test_toml_emoji_map_and_channels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        'ask_allowed_channels = ["C9"]\n[feedback_emoji]\nrocket = "positive"\npoop = "negative"\n'
    )
    s = load_settings(str(path))
    assert s.ask.allowed_channels == ("C9",)
    assert s.feedback.emoji == {"rocket": "positive", "poop": "negative"}


def test_bad_values_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_FEEDBACK_NAMESPACE", "AWS/Bedrock")
    monkeypatch.setenv("GENAI_OPS_ASK_MAX_TOKENS", "0")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    text = caught.value.render()
    assert "GENAI_OPS_FEEDBACK_NAMESPACE" in text and "reserved by AWS" in text
    assert "GENAI_OPS_ASK_MAX_TOKENS" in text


def test_check_config_says_what_bounds_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    check_config(load_settings(ask_rate_limit_per_hour=7), out, SystemClock())
    report = out.getvalue()
    assert "[off] /genai-ask default model: set GENAI_OPS_ASK_DEFAULT_MODEL" in report
    assert "7 asks/user/hour, $5/user/day, max 1024 tokens, in every channel" in report
    assert "feedback_drop" in report
