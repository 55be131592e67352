"""Pricing arithmetic: token counts times per-million-token rates, in Decimal.

Token counts follow Bedrock's convention: ``input`` excludes prompt-cache reads and writes,
which are billed at their own rates (falling back to the input rate when a model has none,
as the genai-prices tables do).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, NonNegativeInt, model_validator

from alarms.model import Frozen

MILLION = Decimal(1_000_000)
GEO_PREFIX = re.compile(r"^(us|eu|apac|us-gov|jp|au|ca|global)\.(?=[a-z0-9-]+\.)")
ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:(?P<region>[a-z0-9-]*):(?P<account>\d*):(?P<rest>.+)$")


class TokenCounts(Frozen):
    """Tokens of one call or a sum of calls; ``input`` excludes cache tokens (Bedrock)."""

    input: NonNegativeInt = 0
    output: NonNegativeInt = 0
    cache_read: NonNegativeInt = 0
    cache_write: NonNegativeInt = 0

    @property
    def total_input(self) -> int:
        """All input tokens, cached or not (what genai-prices calls input_tokens)."""
        return self.input + self.cache_read + self.cache_write


class Rates(Frozen):
    """USD per million tokens. Missing cache rates fall back to the input rate."""

    input: Decimal = Field(ge=0)
    output: Decimal = Field(ge=0)
    cache_read: Decimal | None = Field(default=None, ge=0)
    cache_write: Decimal | None = Field(default=None, ge=0)

    def cost(self, tokens: TokenCounts) -> Decimal:
        read = self.input if self.cache_read is None else self.cache_read
        write = self.input if self.cache_write is None else self.cache_write
        micro = (
            tokens.input * self.input
            + tokens.output * self.output
            + tokens.cache_read * read
            + tokens.cache_write * write
        )
        return micro / MILLION


class PriceOverride(Frozen):
    """One entry of the ``[price_overrides."<model id or ARN>"]`` table.

    Either rates (``input_per_mtok`` and ``output_per_mtok``, cache rates optional), or
    ``model``: the base model whose price applies (for an application inference profile or a
    provisioned model ARN), or both (rates win).
    """

    model: str | None = None
    input_per_mtok: Decimal | None = Field(default=None, ge=0)
    output_per_mtok: Decimal | None = Field(default=None, ge=0)
    cache_read_per_mtok: Decimal | None = Field(default=None, ge=0)
    cache_write_per_mtok: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _complete(self) -> PriceOverride:
        has_in, has_out = self.input_per_mtok is not None, self.output_per_mtok is not None
        if has_in != has_out:
            raise ValueError("set both input_per_mtok and output_per_mtok (USD per 1M tokens)")
        if not has_in and self.model is None:
            raise ValueError("set input_per_mtok and output_per_mtok, or model = '<base model>'")
        return self

    @property
    def rates(self) -> Rates | None:
        if self.input_per_mtok is None or self.output_per_mtok is None:
            return None
        return Rates(
            input=self.input_per_mtok,
            output=self.output_per_mtok,
            cache_read=self.cache_read_per_mtok,
            cache_write=self.cache_write_per_mtok,
        )


class Cost(Frozen):
    """The price of some tokens, or why there is none. ``usd`` is None when unpriced."""

    model_id: str
    priced_as: str | None = None
    usd: Decimal | None = None
    source: Literal["genai-prices", "override"] | None = None
    reason: str = ""

    @property
    def priced(self) -> bool:
        return self.usd is not None


def is_application_profile(model_id: str) -> bool:
    return ":application-inference-profile/" in model_id


def plain_model_id(model_id: str) -> str:
    """A model id from a foundation-model or system inference-profile ARN; else unchanged."""
    match = ARN.match(model_id)
    if not match:
        return model_id
    kind, _, rest = match.group("rest").partition("/")
    if kind in ("foundation-model", "inference-profile") and rest:
        return rest
    return model_id


def strip_geo(model_id: str) -> str:
    """``us.anthropic.claude...`` -> ``anthropic.claude...`` (cross-region profile prefixes)."""
    return GEO_PREFIX.sub("", model_id, count=1)
