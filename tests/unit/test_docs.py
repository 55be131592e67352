"""The documentation cannot drift: the configuration reference is regenerated and compared,
the IAM policies are the ones the code declares, and every settings example loads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.adapters.aws.permissions import FEATURES, policy_json
from bot.config.load import SettingsError, load_settings
from bot.config.reference import render

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
OURS = [
    "configuration",
    "slack-app",
    "aws",
    "accounts",
    "rules",
    "cost",
    "troubleshooting",
    "routes",
    "digest",
    "targets-poll",
]
WRITTEN_ELSEWHERE = {"messages.md", "reliability.md", "data-path.md", "detection.md"}
PAGES = [ROOT / "README.md", *(DOCS / f"{name}.md" for name in OURS)]


def test_configuration_reference_is_generated_from_the_settings() -> None:
    assert (DOCS / "configuration.md").read_text() == render(), (
        "docs/configuration.md is stale: python -m bot.config.reference > docs/configuration.md"
    )


def test_every_setting_and_rule_key_is_in_the_reference() -> None:
    text = render()
    for name in ("GENAI_OPS_RULES", "GENAI_OPS_USAGE_NAMESPACE", "GENAI_OPS_LOG_FORMAT"):
        assert f"`{name}" in text
    assert "`relative_margin`" in text and "`max_rate`" in text


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_aws_doc_holds_each_features_policy(feature: str) -> None:
    assert policy_json(feature) in (DOCS / "aws.md").read_text()


def toml_examples() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in re.finditer(r"```toml\n(.*?)```", text, re.S):
            found.append((page.name, text[: match.start()].count("\n") + 1, match.group(1)))
    return found


@pytest.mark.parametrize(("page", "line", "body"), toml_examples())
def test_every_toml_example_is_accepted(page: str, line: int, body: str, tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(body)
    try:
        load_settings(str(path))
    except SettingsError as exc:
        pytest.fail(f"{page} line {line}: {exc.render()}")


def test_there_are_toml_examples_on_every_topic() -> None:
    pages = {page for page, _, _ in toml_examples()}
    assert {"rules.md", "cost.md", "slack-app.md", "routes.md"} <= pages


def json_examples() -> list[tuple[str, str, str]]:
    """`GENAI_OPS_RULES`, `GENAI_OPS_MODEL_ALIASES` and `GENAI_OPS_AWS__TARGETS` examples
    written inline in the docs."""
    found = []
    for page in PAGES:
        text = " ".join(page.read_text().split())
        for name in ("GENAI_OPS_RULES", "GENAI_OPS_MODEL_ALIASES", "GENAI_OPS_AWS__TARGETS"):
            pattern = rf"{name}`?\)?,? e\.g\. `?(\[.*?\]|\{{.*?\}})`"
            found += [(page.name, name, value) for value in re.findall(pattern, text)]
    return found


def test_inline_json_examples_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    examples = json_examples()
    assert {name for _, name, _ in examples} == {"GENAI_OPS_RULES", "GENAI_OPS_AWS__TARGETS"}
    for page, name, value in examples:
        json.loads(value)
        monkeypatch.setenv(name, value)
        try:
            load_settings()
        except SettingsError as exc:
            pytest.fail(f"{page}: {name}={value}: {exc.render()}")
        monkeypatch.delenv(name)


def test_reversed_aliases_and_percent_rates_are_refused_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "GENAI_OPS_MODEL_ALIASES", '{"anthropic.claude-3-5-sonnet-20240620-v1:0": "Sonnet"}'
    )
    with pytest.raises(SettingsError) as reversed_map:
        load_settings()
    expected = "looks reversed; write 'Sonnet' = 'anthropic.claude-3-5-sonnet"
    assert expected in str(reversed_map.value)
    monkeypatch.delenv("GENAI_OPS_MODEL_ALIASES")
    monkeypatch.setenv("GENAI_OPS_RULES", '[{"kind": "error_rate", "max_rate": 5}]')
    with pytest.raises(SettingsError) as percent:
        load_settings()
    assert "this is a share from 0 to 1: write 0.05 for 5%" in str(percent.value)


def test_links_between_pages_resolve() -> None:
    for page in PAGES:
        links = re.findall(r"\]\(((?:docs/)?[a-z-]+\.md)(?:#[a-z0-9-]+)?\)", page.read_text())
        for target in links:
            name = Path(target).name
            base = ROOT if target.startswith("docs/") else page.parent
            assert (base / target).exists() or name in WRITTEN_ELSEWHERE, (page.name, target)
