"""What ``/genai-ask`` does, apart from Slack: admit the ask, call the models, price the
answers, count the spend, and remember each posted answer for feedback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal

from bot.adapters.aws.bedrock_runtime import Answer, AskError, AskOutcome, Caller, ConverseClient
from bot.adapters.store.ask_ledger import AskLedger, AskRecord
from bot.adapters.store.ask_quota import AskQuota, QuotaExceeded
from bot.app.ask.request import AskRequest, parse_ask

# The cost of an answer in USD, or None with the reason it cannot be priced.
Pricing = Callable[[Answer], tuple[Decimal | None, str]]


class Refused(Exception):
    """The ask is not allowed here or now; the message tells the user why."""


class AskService:
    def __init__(
        self,
        converse: ConverseClient,
        pricing: Pricing,
        quota: AskQuota,
        ledger: AskLedger,
        *,
        aliases: Mapping[str, str],
        default_model: str | None,
        allowed_channels: tuple[str, ...] = (),
    ) -> None:
        self.converse = converse
        self.pricing = pricing
        self.quota = quota
        self.ledger = ledger
        self.aliases = dict(aliases)
        self.default_model = default_model
        self.allowed_channels = allowed_channels

    def parse(self, text: str) -> AskRequest:
        """The request in the command text; raises AskUsageError."""
        return parse_ask(text, self.aliases, self.default_model)

    def check_channel(self, channel: str) -> None:
        if self.allowed_channels and channel not in self.allowed_channels:
            allowed = ", ".join(f"<#{c}>" for c in self.allowed_channels)
            raise Refused(f"/genai-ask is not enabled in this channel. Use it in {allowed}.")

    def admit(self, request: AskRequest, caller: Caller, now: datetime) -> None:
        """Check the channel and reserve the user's quota; raises Refused."""
        self.check_channel(caller.channel)
        try:
            self.quota.reserve(caller.user, len(request.models), now)
        except QuotaExceeded as exc:
            raise Refused(str(exc)) from exc

    def answer(self, request: AskRequest, caller: Caller, now: datetime) -> list[AskOutcome]:
        """Every model's outcome, asked in parallel, in the order the models were named;
        the priced cost is added to the user's spend."""
        with ThreadPoolExecutor(max_workers=len(request.models)) as pool:
            outcomes = list(
                pool.map(lambda model: self._one(model, request.question, caller), request.models)
            )
        spent = sum((o.cost_usd for o in outcomes if o.cost_usd is not None), Decimal(0))
        if spent:
            self.quota.spend(caller.user, spent, now)
        return outcomes

    def remember(
        self, outcome: AskOutcome, channel: str, ts: str, asker: str, now: datetime
    ) -> None:
        """Record the message that carries ``outcome``'s answer, for feedback to join on."""
        if outcome.answer is None:
            return
        self.ledger.save(
            AskRecord(
                channel=channel,
                ts=ts,
                model_id=outcome.model_id,
                request_id=outcome.answer.request_id,
                asker=asker,
                input_tokens=outcome.answer.input_tokens,
                output_tokens=outcome.answer.output_tokens,
                cost_usd=None if outcome.cost_usd is None else str(outcome.cost_usd),
                asked_at=now.isoformat(),
            ),
            now,
        )

    def _one(self, model_id: str, question: str, caller: Caller) -> AskOutcome:
        try:
            answer = self.converse.ask(model_id, question, caller)
        except AskError as exc:
            return AskOutcome(model_id, error=str(exc))
        cost, reason = self.pricing(answer)
        return AskOutcome(model_id, answer, cost_usd=cost, unpriced_reason=reason)
