"""Prices for Bedrock token usage: genai-prices' bundled table plus the user's overrides.

Usage::

    pricer = Pricer.from_settings(settings)
    cost = pricer.price("us.anthropic.claude-3-5-sonnet-20241022-v2:0",
                        TokenCounts(input=1200, output=640, cache_read=48000))
    cost.usd  # Decimal, or None when the model cannot be priced (see cost.reason)

The table is the one frozen into the installed genai-prices version: nothing is fetched at
run time (genai-prices only downloads when its ``UpdatePrices`` is started, which we never do).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

import genai_prices

from alarms.pricing import (
    Cost,
    PriceOverride,
    Rates,
    TokenCounts,
    is_application_profile,
    plain_model_id,
    strip_geo,
)

ProfileLookup = Callable[[str], "str | None"]
SIMPLE_KEYS = {"input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"}
PROVIDER = "aws"
__all__ = ["Cost", "Pricer", "TokenCounts", "table_version"]


def table_version() -> str:
    """The genai-prices version whose bundled table prices everything."""
    return str(genai_prices.__version__)


@dataclass(frozen=True)
class _Quote:
    priced_as: str | None
    rates: Rates | None
    source: Literal["genai-prices", "override"] | None
    reason: str = ""
    exact_ref: str | None = None  # genai-prices must compute (tiered or conditional prices)
    cacheable: bool = True


class Pricer:
    """Prices token usage per model id, inference-profile id or ARN; thread-safe."""

    def __init__(
        self,
        overrides: Mapping[str, PriceOverride] | None = None,
        resolve_profile: ProfileLookup | None = None,
    ) -> None:
        self.overrides = dict(overrides or {})
        self.resolve_profile = resolve_profile
        self._quotes: dict[tuple[str, date], _Quote] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any, bedrock: Any = None) -> Pricer:
        """A pricer with ``settings.cost.price_overrides``; ``bedrock`` (a boto3 ``bedrock``
        client) resolves application-inference-profile ARNs that no override maps."""
        from bot.adapters.aws.profiles import ProfileResolver

        resolver = ProfileResolver(bedrock) if bedrock is not None else None
        return cls(settings.cost.price_overrides, resolver)

    def price(self, model_id: str, tokens: TokenCounts, at: datetime) -> Cost:
        """The cost of ``tokens`` on ``model_id`` at the prices in force at ``at``."""
        moment = at
        quote = self.quote(model_id, moment)
        if quote.exact_ref is not None:
            usd = _exact(quote.exact_ref, tokens, moment)
        elif quote.rates is not None:
            usd = quote.rates.cost(tokens)
        else:
            return Cost(model_id=model_id, priced_as=quote.priced_as, reason=quote.reason)
        return Cost(model_id=model_id, priced_as=quote.priced_as, usd=usd, source=quote.source)

    def quote(self, model_id: str, at: datetime) -> _Quote:
        key = (model_id, at.astimezone(UTC).date())
        with self._lock:
            cached = self._quotes.get(key)
        if cached is not None:
            return cached
        quote = self._resolve(model_id, at)
        if quote.cacheable:
            with self._lock:
                self._quotes[key] = quote
        return quote

    def _resolve(self, model_id: str, at: datetime) -> _Quote:
        ref = model_id
        for _ in range(4):
            entry = self._override(ref)
            if entry is not None and entry.rates is not None:
                return _Quote(ref, entry.rates, "override")
            if entry is not None and entry.model:
                ref = entry.model
                continue
            if not is_application_profile(ref):
                break
            base = self.resolve_profile(ref) if self.resolve_profile else None
            if base is None:
                return _Quote(
                    None,
                    None,
                    None,
                    reason=f"application inference profile {ref} is not mapped to a model: "
                    f'add [price_overrides."{ref}"] model = "<model id>" or allow '
                    "bedrock:GetInferenceProfile",
                    cacheable=False,
                )
            ref = base
        return _from_table(ref, at)

    def _override(self, ref: str) -> PriceOverride | None:
        plain = plain_model_id(ref)
        for key in (ref, plain, strip_geo(plain)):
            if key in self.overrides:
                return self.overrides[key]
        return None


def _from_table(ref: str, at: datetime) -> _Quote:
    plain = plain_model_id(ref)
    for candidate in dict.fromkeys((plain, strip_geo(plain))):
        try:
            probe = genai_prices.calc_price(
                genai_prices.Usage(input_tokens=0, output_tokens=0),
                model_ref=candidate,
                provider_id=PROVIDER,
                genai_request_timestamp=at,
            )
        except LookupError:
            continue
        rates = _simple_rates(probe.model_price)
        if rates is None:
            return _Quote(candidate, None, "genai-prices", exact_ref=candidate)
        return _Quote(candidate, rates, "genai-prices")
    return _Quote(
        None,
        None,
        None,
        reason=f"genai-prices {table_version()} has no AWS price for {plain}: add "
        f'[price_overrides."{plain}"] input_per_mtok = ..., output_per_mtok = ...',
    )


def _simple_rates(model_price: Any) -> Rates | None:
    values = {k: v for k, v in vars(model_price).items() if v is not None}
    if set(values) - SIMPLE_KEYS or not all(isinstance(v, Decimal) for v in values.values()):
        return None
    if "input_mtok" not in values:
        return None
    return Rates(
        input=values["input_mtok"],
        output=values.get("output_mtok", Decimal(0)),
        cache_read=values.get("cache_read_mtok"),
        cache_write=values.get("cache_write_mtok"),
    )


def _exact(ref: str, tokens: TokenCounts, at: datetime) -> Decimal:
    usage = genai_prices.Usage(
        input_tokens=tokens.total_input,
        output_tokens=tokens.output,
        cache_read_tokens=tokens.cache_read,
        cache_write_tokens=tokens.cache_write,
    )
    result = genai_prices.calc_price(
        usage, model_ref=ref, provider_id=PROVIDER, genai_request_timestamp=at
    )
    return Decimal(result.total_price)
