"""The /genai-ask spend cap and model allowlist through the real ``genai-ops serve``: many
signed asks at once, Converse to the fake bedrock-runtime, refusals to the asker alone."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.bot_server import eventually, running_bot
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_slack import FakeSlack

NOVA = "amazon.nova-lite-v1:0"
HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0"
ASKER = "U0SPENDER"


def test_parallel_asks_never_spend_past_the_daily_cap(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    # $250 per million output tokens and 1,000 max tokens: each answer may cost $0.25.
    prices = {NOVA: {"input_per_mtok": "0", "output_per_mtok": "250"}}
    env = {
        "GENAI_OPS_ASK_DEFAULT_MODEL": NOVA,
        "GENAI_OPS_ASK_MAX_TOKENS": "1000",
        "GENAI_OPS_ASK_DAILY_SPEND_CAP_USD": "0.30",
        "GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR": "100",
        "GENAI_OPS_PRICE_OVERRIDES": json.dumps(prices),
    }
    bedrock.default = Reply(input_tokens=10, output_tokens=1000, delay_seconds=1.0)
    asks = 30
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        with ThreadPoolExecutor(asks) as pool:
            replies = list(
                pool.map(
                    lambda i: bot.command("/genai-ask", f"question {i}", user_id=ASKER),
                    range(asks),
                )
            )
        assert [r.status for r in replies] == [200] * asks
        refusals = eventually(
            lambda: len(slack.of("/response/1")) >= asks - 1 and slack.of("/response/1")
        )
        eventually(lambda: slack.of("chat.postMessage"))
        texts = [str(call.args.get("text")) for call in refusals]
        assert all("could cost up to $0.2500" in text for text in texts), texts[:3]
        assert len(bedrock.calls) == 1  # $0.25 recorded, never $4.25
        (answer,) = slack.of("chat.postMessage")
        assert "$0.2500" in json.dumps(answer.args["blocks"])

        # The hold was settled to the real cost: one more ask does not fit today.
        bot.command("/genai-ask", "one more", user_id=ASKER)
        refused = eventually(
            lambda: len(slack.of("/response/1")) == asks and slack.of("/response/1")
        )
        assert "$0.0500 of your $0.30" in str(refused[-1].args["text"])
        assert len(bedrock.calls) == 1


def test_a_failed_call_gives_its_hold_back(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    prices = {NOVA: {"input_per_mtok": "0", "output_per_mtok": "250"}}
    env = {
        "GENAI_OPS_ASK_DEFAULT_MODEL": NOVA,
        "GENAI_OPS_ASK_MAX_TOKENS": "1000",
        "GENAI_OPS_ASK_DAILY_SPEND_CAP_USD": "0.30",
        "GENAI_OPS_PRICE_OVERRIDES": json.dumps(prices),
    }
    bedrock.reply(NOVA, Reply(error="AccessDeniedException", message="not subscribed"))
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        bot.command("/genai-ask", "first", user_id=ASKER)
        (denied,) = eventually(lambda: slack.of("/response/1"))
        assert "No access to" in str(denied.args["text"])
        bot.command("/genai-ask", "second", user_id=ASKER)
        eventually(lambda: slack.of("chat.postMessage"))
        assert len(bedrock.calls) == 2


def test_only_allowed_and_priced_models_are_asked(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    env = {
        "GENAI_OPS_ASK_DEFAULT_MODEL": "haiku",
        "GENAI_OPS_MODEL_ALIASES": json.dumps({"haiku": HAIKU}),
        "GENAI_OPS_ASK_ALLOWED_MODELS": f"haiku,{NOVA}",
    }
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        reply = bot.command("/genai-ask", "anthropic.claude-3-opus-20240229-v1:0 hi")
        text = reply.body
        assert "is not on this workspace's /genai-ask model list" in text
        assert f"`{HAIKU}`" in text and f"`{NOVA}`" in text
        ok = bot.command("/genai-ask", f"{NOVA} hi").body
        assert "Asking" in ok
        eventually(lambda: slack.of("chat.postMessage"))
        assert [call.model_id for call in bedrock.calls] == [NOVA]

    env.pop("GENAI_OPS_ASK_ALLOWED_MODELS")  # no list: any model with a price
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        text = bot.command("/genai-ask", "acme.unknown-model-v1:0 hi").body
        assert "`acme.unknown-model-v1:0` has no known price" in text
        assert f"Ask one of: `{HAIKU}`" in text
    assert [call.model_id for call in bedrock.calls] == [NOVA]
