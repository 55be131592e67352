"""Block Kit for /genai-ask: answer messages (split within Slack's limits) and the compare
summary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.adapters.aws.bedrock_runtime import AskOutcome
from bot.adapters.slack.mrkdwn import escape, split_text, to_mrkdwn

MAX_BLOCKS = 50  # per message
SECTION_LIMIT = 3000  # characters of text per section
QUESTION_LIMIT = 1500
RATE_HINT = "rate it with :+1: or :-1:"
VOTE_REACTIONS = ("+1", "-1")  # added to each answer by the bot
FIRST_PART = 1  # sections of the answer in the first message; the rest go in its thread
THREAD_PART = 4  # sections per continuation message
Message = dict[str, Any]


def money(cost: Decimal | None) -> str:
    if cost is None:
        return "cost unknown (unpriced model)"
    if cost == 0:
        return "$0"
    if cost < Decimal("0.0001"):
        return "<$0.0001"
    return f"${cost:.4f}" if cost < 1 else f"${cost:,.2f}"


def seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def quote(question: str) -> str:
    text = escape(question)
    if len(text) > QUESTION_LIMIT:
        text = text[: QUESTION_LIMIT - 1] + "…"
    return "\n".join(f"> {line}" for line in text.split("\n"))


def footer(outcome: AskOutcome) -> str:
    answer = outcome.answer
    assert answer is not None
    return (
        f"`{escape(outcome.model_id)}` · {seconds(answer.latency_ms)} · "
        f"{answer.input_tokens:,} in / {answer.output_tokens:,} out tokens · "
        f"{money(outcome.cost_usd)} · {RATE_HINT}"
    )


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def answer_messages(question: str, asker: str, outcome: AskOutcome) -> list[Message]:
    """The messages that carry one answer: the first one (quote, answer, footer) is the one
    people rate; if the answer needs more than one message, the rest go in its thread."""
    answer = outcome.answer
    assert answer is not None
    head = [_section(f"<@{asker}> asked `{escape(outcome.model_id)}`:\n{quote(question)}")]
    if answer.guardrail_intervened:
        head.append(
            _context(":shield: The guardrail intervened: this is its message, not the model's.")
        )
    tail = []
    if answer.stop_reason == "max_tokens":
        tail.append(_context(f":scissors: Cut at {answer.output_tokens:,} output tokens."))
    tail.append(_context(footer(outcome)))
    body = [_section(piece) for piece in split_text(to_mrkdwn(answer.text), SECTION_LIMIT)]
    if not body:
        body = [_section("_(the model returned no text)_")]
    text = f"Answer from {escape(outcome.model_id)} to <@{asker}>"
    if len(body) <= FIRST_PART:
        return [{"text": text, "blocks": head + body + tail}]
    more = f"_The answer continues in the thread ({len(body) - FIRST_PART} more part(s))._"
    first = head + body[:FIRST_PART] + [_context(more)] + tail
    rest = body[FIRST_PART:]
    messages = [{"text": text, "blocks": first}]
    for start in range(0, len(rest), THREAD_PART):
        messages.append(
            {"text": f"{text} (continued)", "blocks": rest[start : start + THREAD_PART]}
        )
    return messages


def compare_summary(question: str, asker: str, outcomes: list[AskOutcome]) -> Message:
    """One message: the question and each model's latency, tokens and cost side by side."""
    width = max(len(o.model_id) for o in outcomes)
    rows = [f"{'model'.ljust(width)}  {'latency':>8}  {'in / out tokens':>16}  cost"]
    for outcome in outcomes:
        if outcome.answer is None:
            rows.append(f"{outcome.model_id.ljust(width)}  failed")  # escaped below, as a whole
            continue
        if outcome.answer.guardrail_intervened:
            rows.append(f"{outcome.model_id.ljust(width)}  blocked by the guardrail")
            continue
        tokens = f"{outcome.answer.input_tokens:,} / {outcome.answer.output_tokens:,}"
        rows.append(
            f"{outcome.model_id.ljust(width)}  {seconds(outcome.answer.latency_ms):>8}  "
            f"{tokens:>16}  {money(outcome.cost_usd)}"
        )
    blocks = [
        _section(f"<@{asker}> compared {len(outcomes)} models:\n{quote(question)}"),
        _section("```\n" + escape("\n".join(rows)) + "\n```"),
    ]
    failures = [o for o in outcomes if o.error]
    for outcome in failures:
        blocks.append(_context(f":warning: {escape(outcome.error or '')}"))
    if any(o.answer is not None and not o.answer.guardrail_intervened for o in outcomes):
        blocks.append(_context(f"Each answer is in the thread: {RATE_HINT}."))
    return {"text": f"{len(outcomes)} models compared for <@{asker}>", "blocks": blocks}
