"""/genai-ask behind Slack: Converse through boto3 to a local fake of bedrock-runtime,
pricing, per-user limits and the answer ledger on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot import bootstrap
from bot.adapters.aws.bedrock_runtime import Caller
from bot.adapters.clock import FixedClock
from bot.adapters.slack.ask_render import answer_messages
from bot.adapters.store import StateStore, open_store
from bot.app.ask.service import AskService, Refused
from bot.config.load import load_settings
from tests.support.fake_bedrock import FakeBedrock, Reply

HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0"
NOVA = "amazon.nova-lite-v1:0"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ANA = Caller("U0HUMAN01", "C0GENAI01")


@pytest.fixture
def store() -> Any:
    opened = open_store(load_settings().state_url, FixedClock(NOW))
    yield opened
    opened.close()


def service(store: StateStore, **overrides: Any) -> AskService:
    settings = load_settings(ask_default_model="haiku", model_aliases={"haiku": HAIKU}, **overrides)
    return bootstrap.ask_service(settings, store, "us-east-1")


def test_request_carries_metadata_limits_and_guardrail(bedrock: FakeBedrock, store: Any) -> None:
    asks = service(store, ask_max_tokens=700, ask_guardrail_id="gr-123", ask_guardrail_version="2")
    request = asks.parse("what is a guardrail?")
    asks.admit(request, ANA, NOW)
    (outcome,) = asks.answer(request, ANA, NOW)

    (call,) = bedrock.calls
    assert call.model_id == HAIKU
    assert call.body == {
        "messages": [{"role": "user", "content": [{"text": "what is a guardrail?"}]}],
        "inferenceConfig": {"maxTokens": 700},
        "requestMetadata": {
            "source": "slack",
            "slack_user": "U0HUMAN01",
            "slack_channel": "C0GENAI01",
        },
        "guardrailConfig": {"guardrailIdentifier": "gr-123", "guardrailVersion": "2"},
    }
    assert outcome.answer is not None and outcome.answer.text == "An answer."
    assert (outcome.answer.input_tokens, outcome.answer.output_tokens) == (12, 34)
    # Haiku 3.5 on Bedrock: $0.80 / $4.00 per million input / output tokens.
    assert outcome.cost_usd == Decimal("0.0000096") + Decimal("0.000136")
    assert outcome.answer.request_id  # x-amzn-RequestId, stored for the invocation logs


def test_no_guardrail_configured_sends_none(bedrock: FakeBedrock, store: Any) -> None:
    asks = service(store)
    asks.answer(asks.parse("hi"), ANA, NOW)
    assert "guardrailConfig" not in bedrock.calls[0].body
    assert bedrock.calls[0].body["inferenceConfig"] == {"maxTokens": 1024}


ERRORS = [
    ("ThrottlingException", 3, "throttling"),
    ("ValidationException", 1, "rejected the request"),
    ("AccessDeniedException", 1, "Enable the model in the Bedrock console"),
    ("ModelTimeoutException", 1, "took too long"),
    ("ModelNotReadyException", 3, "not ready yet"),
    ("ServiceUnavailableException", 3, "unavailable right now"),
    ("ModelErrorException", 1, "failed while answering"),
]


@pytest.mark.parametrize(("code", "attempts", "phrase"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_is_explained_and_never_tried_more_than_three_times(
    bedrock: FakeBedrock, store: Any, code: str, attempts: int, phrase: str
) -> None:
    bedrock.reply(HAIKU, Reply(error=code, message="the service said no", times=10))
    asks = service(store)
    (outcome,) = asks.answer(asks.parse("hi"), ANA, NOW)
    assert outcome.answer is None and outcome.error is not None
    assert phrase in outcome.error
    assert len(bedrock.calls) == attempts <= 3
    assert asks.quota.spent_today(ANA.user, NOW) == 0  # a failed ask costs nothing


def test_a_guardrail_intervention_is_shown_as_such(bedrock: FakeBedrock, store: Any) -> None:
    bedrock.reply(
        HAIKU, Reply(text="Sorry, I can't help with that.", stop_reason="guardrail_intervened")
    )
    asks = service(store, ask_guardrail_id="gr-123")
    (outcome,) = asks.answer(asks.parse("something banned"), ANA, NOW)
    (message,) = answer_messages("something banned", ANA.user, outcome)
    texts = [str(block) for block in message["blocks"]]
    assert any("The guardrail intervened" in text for text in texts)
    assert any("Sorry, I can't help with that." in text for text in texts)


def test_rate_limit_bounds_asks_per_user_per_hour(bedrock: FakeBedrock, store: Any) -> None:
    asks = service(store, ask_rate_limit_per_hour=3)
    for minute in range(3):
        asks.admit(asks.parse("hi"), ANA, NOW + timedelta(minutes=minute))
    with pytest.raises(Refused, match=r"3 asks per hour\. Try again in about 58 min"):
        asks.admit(asks.parse("hi"), ANA, NOW + timedelta(minutes=3))
    asks.admit(asks.parse("hi"), Caller("U0OTHER", ANA.channel), NOW)  # others are not affected
    asks.admit(asks.parse("hi"), ANA, NOW + timedelta(minutes=61))  # the window moves on


def test_compare_counts_one_ask_per_model(bedrock: FakeBedrock, store: Any) -> None:
    asks = service(store, ask_rate_limit_per_hour=3)
    asks.admit(asks.parse(f"compare haiku,{NOVA} hi"), ANA, NOW)
    with pytest.raises(Refused, match="2 needed for this compare"):
        asks.admit(asks.parse(f"compare haiku,{NOVA} hi"), ANA, NOW)


def test_daily_spend_cap_stops_asks_until_the_next_utc_day(
    bedrock: FakeBedrock, store: Any
) -> None:
    bedrock.default = Reply(input_tokens=100_000, output_tokens=20_000)  # $0.16 per Haiku ask
    asks = service(store, ask_daily_spend_cap_usd="0.30")
    for _ in range(2):
        request = asks.parse("a long one")
        asks.admit(request, ANA, NOW)
        asks.answer(request, ANA, NOW)
    assert asks.quota.spent_today(ANA.user, NOW) == Decimal("0.32")
    with pytest.raises(Refused, match=r"budget for today \(\$0.3200 of \$0.30\)"):
        asks.admit(asks.parse("one more"), ANA, NOW)
    asks.admit(asks.parse("one more"), ANA, NOW + timedelta(days=1))


def test_asks_only_in_allowed_channels(bedrock: FakeBedrock, store: Any) -> None:
    asks = service(store, ask_allowed_channels="C0GENAI01, C0OTHER")
    asks.admit(asks.parse("hi"), ANA, NOW)
    with pytest.raises(Refused, match="not enabled in this channel"):
        asks.admit(asks.parse("hi"), Caller(ANA.user, "C0RANDOM"), NOW)
    assert bedrock.calls == []


def test_compare_asks_models_in_parallel_and_keeps_their_order(
    bedrock: FakeBedrock, store: Any
) -> None:
    bedrock.reply(NOVA, Reply(text="Nova says hi", input_tokens=10, output_tokens=5))
    asks = service(store)
    outcomes = asks.answer(asks.parse(f"compare haiku,{NOVA},acme.unknown-model-v1:0 hi"), ANA, NOW)
    assert [o.model_id for o in outcomes] == [HAIKU, NOVA, "acme.unknown-model-v1:0"]
    assert outcomes[1].answer is not None and outcomes[1].answer.text == "Nova says hi"
    assert outcomes[2].cost_usd is None and "price_overrides" in outcomes[2].unpriced_reason
    assert sorted(call.model_id for call in bedrock.calls) == sorted(o.model_id for o in outcomes)


def test_start_up_prices_every_named_model_and_skips_the_unpriced(
    bedrock: FakeBedrock, store: Any
) -> None:
    aliases = {"haiku": HAIKU, "nova": NOVA, "mystery": "acme.unknown-model-v1:0"}
    settings = load_settings(ask_default_model="haiku", model_aliases=aliases)
    asks = bootstrap.ask_service(settings, store, "us-east-1")
    assert asks.warm() == 2  # haiku and nova; the unpriced one is refused when asked
    with pytest.raises(Refused, match="no known price"):
        asks.check_models(asks.parse("mystery hi"))
    assert bedrock.calls == []
