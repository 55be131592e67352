"""Pricing: sample records priced by hand from genai-prices' AWS rates, cache tokens included."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import genai_prices
import pytest

from alarms.pricing import PriceOverride, Rates, TokenCounts, plain_model_id, strip_geo
from bot.adapters.prices import Pricer
from bot.config.load import SettingsError, load_settings

FIXTURES = Path(__file__).parent.parent / "fixtures"
AT = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pricing must never reach the network (genai-prices can fetch updates if asked)."""

    def refuse(self: socket.socket, address: Any) -> None:
        raise AssertionError(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def sample_records() -> list[dict[str, Any]]:
    records = [json.loads((FIXTURES / "invocation-log-converse.json").read_text())]
    lines = (FIXTURES / "invocation-log-variants.jsonl").read_text().splitlines()
    return records + [json.loads(line) for line in lines if line.strip()]


def tokens_of(record: dict[str, Any]) -> TokenCounts:
    inp, out = record["input"], record["output"]
    return TokenCounts(
        input=inp.get("inputTokenCount", 0),
        output=out.get("outputTokenCount", 0),
        cache_read=inp.get("cacheReadInputTokenCount", 0),
        cache_write=inp.get("cacheWriteInputTokenCount", 0),
    )


# Hand calculation: tokens x genai-prices' AWS USD rate per 1M tokens.
HAND = {
    # claude-3-haiku: $0.25 in, $1.25 out
    "0b7c6a52-3f0e-4c1d-9d52-6f1e2a7b9c10": Decimal("41") * Decimal("0.25") / 10**6
    + Decimal("388") * Decimal("1.25") / 10**6,
    # claude-3.5-sonnet v2 via us. profile: $3 in, $0.30 cache read, $15 out
    "5e1d2c3b-aaaa-4bbb-8ccc-000000000001": (
        Decimal(1200) * 3 + Decimal(48000) * Decimal("0.3") + Decimal(640) * 15
    )
    / 10**6,
    # nova-lite: $0.06 in, $0.24 out
    "5e1d2c3b-aaaa-4bbb-8ccc-000000000002": (Decimal(5) * Decimal("0.06") + 3 * Decimal("0.24"))
    / 10**6,
    # throttled: no tokens, no cost
    "5e1d2c3b-aaaa-4bbb-8ccc-000000000003": Decimal(0),
}


@pytest.mark.parametrize("record", sample_records(), ids=lambda r: r["requestId"][-4:])
def test_sample_records_cost_what_the_hand_calculation_says(record: dict[str, Any]) -> None:
    cost = Pricer().price(record["modelId"], tokens_of(record), AT)
    if record["requestId"] in HAND:
        assert cost.usd == HAND[record["requestId"]]
        assert cost.source == "genai-prices"
    else:  # the application inference profile: nothing maps it
        assert cost.usd is None and not cost.priced
        assert "price_overrides" in cost.reason and PROFILE in cost.reason


def test_cache_heavy_call_costs_what_genai_prices_computes() -> None:
    tokens = TokenCounts(input=1200, output=640, cache_read=48000, cache_write=5000)
    ours = Pricer().price("us.anthropic.claude-3-5-sonnet-20241022-v2:0", tokens, AT).usd
    theirs = genai_prices.calc_price(
        genai_prices.Usage(
            input_tokens=54200, output_tokens=640, cache_read_tokens=48000, cache_write_tokens=5000
        ),
        model_ref="us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        provider_id="aws",
        genai_request_timestamp=AT,
    ).total_price
    assert ours == theirs == Decimal("0.04635")
    # Ignoring cache tokens (what CloudWatch metrics allow) would under-count ~6x.
    no_cache = (
        Pricer()
        .price(
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            tokens.model_copy(update={"cache_read": 0, "cache_write": 0}),
            AT,
        )
        .usd
    )
    assert no_cache is not None and ours > 3 * no_cache


def test_unknown_model_is_unpriced_not_free() -> None:
    cost = Pricer().price("mistral.mistral-large-2407-v1:0", TokenCounts(input=10, output=10), AT)
    assert cost.usd is None
    assert 'price_overrides."mistral.mistral-large-2407-v1:0"' in cost.reason


OVERRIDES = {
    "mistral.mistral-large-2407-v1:0": PriceOverride(
        input_per_mtok=Decimal("2"), output_per_mtok=Decimal("6")
    ),
    PROFILE: PriceOverride(model="anthropic.claude-3-haiku-20240307-v1:0"),
    "amazon.nova-pro-v1:0": PriceOverride(
        input_per_mtok=Decimal("0.5"),
        output_per_mtok=Decimal("2"),
        cache_read_per_mtok=Decimal("0.1"),
    ),
}


@pytest.mark.parametrize(
    ("model_id", "tokens", "usd", "priced_as", "source"),
    [
        (
            "mistral.mistral-large-2407-v1:0",
            TokenCounts(input=10**6, output=10**6),
            "8",
            None,
            "override",
        ),
        ("us.mistral.mistral-large-2407-v1:0", TokenCounts(input=10**6), "2", None, "override"),
        (
            PROFILE,
            TokenCounts(input=300, output=12),
            "0.00009",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "genai-prices",
        ),
        (
            "eu.amazon.nova-pro-v1:0",
            TokenCounts(input=10**6, cache_read=10**6, cache_write=10**6),
            "1.1",
            None,
            "override",
        ),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
            TokenCounts(output=10**6),
            "0.24",
            "amazon.nova-lite-v1:0",
            "genai-prices",
        ),
    ],
)
def test_overrides_and_ids(
    model_id: str, tokens: TokenCounts, usd: str, priced_as: str | None, source: str
) -> None:
    cost = Pricer(OVERRIDES).price(model_id, tokens, AT)
    assert cost.usd == Decimal(usd)
    assert isinstance(cost.usd, Decimal)
    assert cost.source == source
    if priced_as:
        assert cost.priced_as == priced_as


def test_profile_resolver_maps_application_profiles() -> None:
    asked: list[str] = []

    def resolve(arn: str) -> str | None:
        asked.append(arn)
        return "amazon.nova-lite-v1:0"

    pricer = Pricer(resolve_profile=resolve)
    cost = pricer.price(PROFILE, TokenCounts(input=10**6), AT)
    assert cost.usd == Decimal("0.06")
    pricer.price(PROFILE, TokenCounts(input=1), AT)
    assert asked == [PROFILE]  # quote cached


@pytest.mark.parametrize(
    ("raw", "plain", "stripped"),
    [
        (
            "us.anthropic.claude-3-haiku-20240307-v1:0",
            "us.anthropic.claude-3-haiku-20240307-v1:0",
            "anthropic.claude-3-haiku-20240307-v1:0",
        ),
        (
            "arn:aws:bedrock:eu-west-1:1:inference-profile/eu.amazon.nova-pro-v1:0",
            "eu.amazon.nova-pro-v1:0",
            "amazon.nova-pro-v1:0",
        ),
        (
            "global.anthropic.claude-sonnet-4-20250514-v1:0",
            "global.anthropic.claude-sonnet-4-20250514-v1:0",
            "anthropic.claude-sonnet-4-20250514-v1:0",
        ),
        ("amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"),
        (PROFILE, PROFILE, PROFILE),
    ],
)
def test_model_id_forms(raw: str, plain: str, stripped: str) -> None:
    assert plain_model_id(raw) == plain
    assert strip_geo(plain_model_id(raw)) == stripped


def test_rates_fall_back_to_input_rate_for_cache_tokens() -> None:
    rates = Rates(input=Decimal(1), output=Decimal(2))
    assert rates.cost(TokenCounts(input=1, output=1, cache_read=1, cache_write=1)) == Decimal(
        "0.000005"
    )


def test_overrides_load_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        '[price_overrides."mistral.mistral-large-2407-v1:0"]\n'
        'input_per_mtok = 2.0\noutput_per_mtok = "6.00"\n'
        f'[price_overrides."{PROFILE}"]\nmodel = "anthropic.claude-3-haiku-20240307-v1:0"\n'
    )
    settings = load_settings(str(path))
    pricer = Pricer.from_settings(settings)
    cost = pricer.price("mistral.mistral-large-2407-v1:0", TokenCounts(input=10**6), AT)
    assert cost.usd == Decimal(2)


def test_incomplete_override_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text('[price_overrides."x.y-v1:0"]\ninput_per_mtok = 2.0\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(str(path))
    assert "output_per_mtok" in caught.value.render()
    assert "price_overrides" in caught.value.render()
