"""Any value in any setting gives usable settings or a clear SettingsError, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config.load import SettingsError, load_settings
from bot.config.settings import Settings

ENV_NAMES = sorted(
    f"GENAI_OPS_{name.upper()}"
    for name, info in Settings.model_fields.items()
    if info.validation_alias is None
)
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from(ENV_NAMES), TEXT, max_size=4))
def test_env_values_never_crash(values: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        try:
            load_settings()
        except SettingsError as exc:
            text = exc.render()
            assert text.startswith("genai-ops: ") and "Traceback" not in text
            for problem in exc.problems:
                assert problem.where and problem.message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=200))
def test_any_toml_text_never_crashes(body: str, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.toml"
    try:
        path.write_text(body, encoding="utf-8")
    except UnicodeEncodeError:
        return
    try:
        load_settings(str(path))
    except SettingsError as exc:
        assert str(path) in exc.render()
    assert os.path.exists(path)


def test_unparsable_nested_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_MODEL_ALIASES", "sonnet=anthropic.x")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "environment GENAI_OPS_MODEL_ALIASES: must be JSON" in caught.value.render()
