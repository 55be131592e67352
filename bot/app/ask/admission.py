"""Which models ``/genai-ask`` may call, and the most an ask can cost before it is made.

An ask reserves its worst case against the asker's daily cap before Bedrock is called, so
a model must have a price: an unpriced model is refused, whatever the allowlist says. The
worst case is every prompt byte as a token (byte-level tokenizers never emit more tokens than
bytes), a fixed allowance for the chat template, and the full ``maxTokens`` of output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

# The cost in USD of (input tokens, output tokens) on a model, or None with the reason.
Quote = Callable[[str, int, int], tuple[Decimal | None, str]]
TEMPLATE_TOKENS = 64  # role markers and the like that Converse adds around a question


class ModelRefused(ValueError):
    """The model may not be asked here; the message names the ones that may."""


@dataclass(frozen=True)
class ModelPolicy:
    quote: Quote
    max_tokens: int
    allowed: frozenset[str] = frozenset()  # empty: any model with a price
    suggestions: tuple[str, ...] = ()  # named when no explicit list is set

    @classmethod
    def build(
        cls,
        quote: Quote,
        max_tokens: int,
        allowed: Iterable[str],
        aliases: Mapping[str, str],
        default_model: str | None,
    ) -> ModelPolicy:
        resolved = frozenset(aliases.get(name, name) for name in allowed)
        known = [aliases.get(default_model, default_model)] if default_model else []
        known += sorted(aliases.values())
        return cls(quote, max_tokens, resolved, tuple(dict.fromkeys(known)))

    def worst_case(self, model_id: str, question: str) -> Decimal:
        """The most one answer of ``model_id`` to ``question`` can cost; raises ModelRefused
        when the model is not allowed or has no price."""
        if self.allowed and model_id not in self.allowed:
            raise ModelRefused(
                f"`{model_id}` is not on this workspace's /genai-ask model list. "
                f"Allowed: {_names(sorted(self.allowed))}."
            )
        prompt = len(question.encode("utf-8")) + TEMPLATE_TOKENS
        usd, reason = self.quote(model_id, prompt, self.max_tokens)
        if usd is None:
            allowed = sorted(self.allowed) or list(self.suggestions)
            hint = f" Ask one of: {_names(allowed)}." if allowed else ""
            raise ModelRefused(
                f"`{model_id}` has no known price, so /genai-ask will not call it (the daily "
                f"spend cap needs one; an admin can add a price override).{hint}"
                + (f" ({reason})" if reason and not allowed else "")
            )
        return usd

    def known_models(self) -> list[str]:
        """The models an ask is expected to name: the allowed ones, else the default and
        the aliases."""
        return sorted(self.allowed) or list(self.suggestions)

    def total(self, models: Iterable[str], question: str) -> Decimal:
        """The worst case of asking every one of ``models``."""
        return sum((self.worst_case(model, question) for model in models), Decimal(0))


def _names(models: Iterable[str]) -> str:
    return ", ".join(f"`{model}`" for model in models)
