"""Parsing /genai-ask command text."""

from __future__ import annotations

import pytest

from bot.app.ask.request import AskUsageError, parse_ask

ALIASES = {"sonnet": "anthropic.claude-3-5-sonnet-20240620-v1:0", "nova": "amazon.nova-lite-v1:0"}
DEFAULT = "nova"
SONNET, NOVA = ALIASES["sonnet"], ALIASES["nova"]


@pytest.mark.parametrize(
    ("text", "models", "question"),
    [
        ("what is a guardrail?", (NOVA,), "what is a guardrail?"),
        ("sonnet what is a guardrail?", (SONNET,), "what is a guardrail?"),
        (
            "us.anthropic.claude-3-5-haiku-20241022-v1:0 hi there",
            ("us.anthropic.claude-3-5-haiku-20241022-v1:0",),
            "hi there",
        ),
        ("meta.llama3-1-70b-instruct-v1:0 hi", ("meta.llama3-1-70b-instruct-v1:0",), "hi"),
        ("e.g. why is the sky blue?", (NOVA,), "e.g. why is the sky blue?"),
        ("is a &lt;b&gt; tag html?", (NOVA,), "is a <b> tag html?"),
        ("compare sonnet,nova explain RAG", (SONNET, NOVA), "explain RAG"),
        (
            "compare sonnet,amazon.nova-pro-v1:0,nova  two\nlines",
            (SONNET, "amazon.nova-pro-v1:0", NOVA),
            "two\nlines",
        ),
        ("nova", None, None),
    ],
)
def test_parse(text: str, models: tuple[str, ...] | None, question: str | None) -> None:
    if models is None:
        with pytest.raises(AskUsageError, match="Add a question"):
            parse_ask(text, ALIASES, DEFAULT)
        return
    request = parse_ask(text, ALIASES, DEFAULT)
    assert (request.models, request.question) == (models, question)
    assert request.compare is (len(models) > 1)


@pytest.mark.parametrize(
    ("text", "default", "message"),
    [
        ("", DEFAULT, "Usage"),
        ("compare sonnet hi", DEFAULT, "2 or 3 different models"),
        ("compare sonnet,sonnet hi", DEFAULT, "2 or 3 different models"),
        (
            "compare sonnet,nova,amazon.nova-pro-v1:0,amazon.titan-text-express-v1 hi",
            DEFAULT,
            "2 or 3",
        ),
        ("compare sonnet,gpt5 hi", DEFAULT, "`gpt5` is neither a model alias"),
        ("hello", None, "GENAI_OPS_ASK_DEFAULT_MODEL"),
    ],
)
def test_errors_say_what_to_do(text: str, default: str | None, message: str) -> None:
    with pytest.raises(AskUsageError, match=message):
        parse_ask(text, ALIASES, default)


def test_default_model_works_without_aliases() -> None:
    request = parse_ask("hi", {}, "amazon.nova-micro-v1:0")
    assert request.models == ("amazon.nova-micro-v1:0",)
