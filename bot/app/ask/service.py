"""What ``/genai-ask`` does, apart from Slack: admit the ask (channel, model, rate and a hold
on the worst-case cost), call the models, settle the hold to the priced answers, and
remember each posted answer for feedback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from bot.adapters.aws.bedrock_runtime import Answer, AskError, AskOutcome, Caller, ConverseClient
from bot.adapters.store.ask_ledger import AskLedger, AskRecord
from bot.adapters.store.ask_quota import AskQuota, QuotaExceeded
from bot.app.ask.admission import ModelPolicy, ModelRefused
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
        models: ModelPolicy | None = None,
    ) -> None:
        self.converse = converse
        self.pricing = pricing
        self.quota = quota
        self.ledger = ledger
        self.aliases = dict(aliases)
        self.default_model = default_model
        self.allowed_channels = allowed_channels
        self.models = models

    def parse(self, text: str) -> AskRequest:
        """The request in the command text; raises AskUsageError."""
        return parse_ask(text, self.aliases, self.default_model)

    def check_channel(self, channel: str) -> None:
        if self.allowed_channels and channel not in self.allowed_channels:
            allowed = ", ".join(f"<#{c}>" for c in self.allowed_channels)
            raise Refused(f"/genai-ask is not enabled in this channel. Use it in {allowed}.")

    def check_models(self, request: AskRequest) -> Decimal:
        """The worst-case cost of ``request``; raises Refused for a model that is not allowed
        or cannot be priced."""
        if self.models is None:
            return Decimal(0)
        try:
            return self.models.total(request.models, request.question)
        except ModelRefused as exc:
            raise Refused(str(exc)) from exc

    def warm(self) -> int:
        """Price every model an ask is expected to name, so the first ask's ack does not
        load the price table; the number of models priced."""
        if self.models is None:
            return 0
        priced = 0
        for model in self.models.known_models():
            try:
                self.models.worst_case(model, "")
                priced += 1
            except ModelRefused:
                continue  # the ask that names it is refused then, with the reason
        return priced

    def admit(self, request: AskRequest, caller: Caller, now: datetime) -> str:
        """Check the channel and the models, and reserve the user's quota and the worst-case
        cost; the hold to settle, or raise Refused."""
        self.check_channel(caller.channel)
        worst = self.check_models(request)
        try:
            return self.quota.reserve(caller.user, len(request.models), now, worst)
        except QuotaExceeded as exc:
            raise Refused(str(exc)) from exc

    def answer(
        self, request: AskRequest, caller: Caller, now: datetime, hold: str | None = None
    ) -> list[AskOutcome]:
        """Every model's outcome, asked in parallel, in the order the models were named;
        ``hold`` is settled to the priced cost (to nothing when every call failed)."""
        outcomes: list[AskOutcome | None] = []
        spent = Decimal(0)
        try:
            outcomes = self._ask_all(request, caller)
            for outcome in outcomes:
                spent += self._charge(outcome)
        finally:
            if hold is not None or spent:
                self.quota.settle(caller.user, hold, spent, now)
        return [o for o in outcomes if o is not None]

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

    def _ask_all(self, request: AskRequest, caller: Caller) -> list[AskOutcome | None]:
        """Ask each model on a thread of its own (daemon threads: a shutdown that gives up
        waiting is not held back by a model that is still thinking)."""
        outcomes: list[AskOutcome | None] = [None] * len(request.models)

        def run(index: int, model: str) -> None:
            outcomes[index] = self._one(model, request.question, caller)

        if len(request.models) == 1:
            run(0, request.models[0])
            return outcomes
        threads = [
            threading.Thread(target=run, args=(i, m), daemon=True, name="genai-ask-model")
            for i, m in enumerate(request.models)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    @staticmethod
    def _charge(outcome: AskOutcome | None) -> Decimal:
        """What ``outcome`` costs (an answer that could not be priced counts nothing; the
        model was priced at admission, so this is the rare failure of a price lookup)."""
        if outcome is None or outcome.cost_usd is None:
            return Decimal(0)
        return outcome.cost_usd

    def _one(self, model_id: str, question: str, caller: Caller) -> AskOutcome:
        try:
            answer = self.converse.ask(model_id, question, caller)
        except AskError as exc:
            return AskOutcome(model_id, error=str(exc))
        cost, reason = self.pricing(answer)
        return AskOutcome(model_id, answer, cost_usd=cost, unpriced_reason=reason)
