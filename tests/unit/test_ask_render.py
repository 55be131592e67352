"""Answer messages within Block Kit's limits, and the compare summary."""

from __future__ import annotations

from decimal import Decimal

from bot.adapters.aws.bedrock_runtime import Answer, AskOutcome
from bot.adapters.slack.ask_render import answer_messages, compare_summary, money


def outcome(text: str = "ok", stop: str = "end_turn", cost: str | None = "0.0012") -> AskOutcome:
    answer = Answer("m.x-v1:0", text, stop, 100, 2000, 0, 0, 1500, "req")
    return AskOutcome("m.x-v1:0", answer, cost_usd=None if cost is None else Decimal(cost))


def test_an_answer_longer_than_one_message_continues_in_its_thread() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(2000))  # about 200,000 characters
    messages = answer_messages("q", "U1", outcome(text))
    assert len(messages) >= 2
    assert all(len(m["blocks"]) <= 50 for m in messages)
    sections = [b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    body = "\n".join(sections[1:])
    assert [line for line in body.split("\n") if line] == text.split("\n")
    first = messages[0]["blocks"]
    assert "continues in the thread" in str(first) and "rate it with :+1: or :-1:" in str(first)
    # one screenful in the channel: the question, one part of the answer, the footer
    first_sections = [b for b in first if b["type"] == "section"]
    assert len(first_sections) == 2 and sum(len(str(b)) for b in first) < 3600
    assert all(len(m["blocks"]) <= 4 for m in messages[1:])


def test_a_10000_character_answer_posts_a_first_part_and_continues_in_the_thread() -> None:
    text = "\n".join(f"paragraph {i}: " + "word " * 40 for i in range(45))  # ~10,000 characters
    first, *rest = answer_messages("q", "U1", outcome(text))
    shown = " ".join(b["text"]["text"] for b in first["blocks"] if b["type"] == "section")
    assert "paragraph 0:" in shown and "paragraph 44:" not in shown
    assert rest and "paragraph 44:" in str(rest[-1]["blocks"])


def test_a_hostile_model_id_is_shown_inert() -> None:
    hostile = AskOutcome("<!channel>", outcome().answer, cost_usd=None)
    (message,) = answer_messages("q", "U1", hostile)
    assert "<!channel>" not in str(message) and "&lt;!channel&gt;" in str(message)


def test_footer_and_cut_answers() -> None:
    (message,) = answer_messages("q", "U1", outcome(stop="max_tokens", cost=None))
    footer = message["blocks"][-1]["elements"][0]["text"]
    assert footer.startswith("`m.x-v1:0` · 1.5 s · 100 in / 2,000 out tokens · cost unknown")
    assert "Cut at 2,000 output tokens" in str(message["blocks"])


def test_money() -> None:
    assert [money(Decimal(v)) for v in ("0", "0.00004", "0.0123", "12.5")] == [
        "$0",
        "<$0.0001",
        "$0.0123",
        "$12.50",
    ]


def test_compare_summary_lists_each_model() -> None:
    ok = outcome()
    failed = AskOutcome("b.y-v1:0", error="Bedrock is throttling b.y-v1:0 right now.")
    stopped = AskOutcome(
        "c.z-v1:0", Answer("c.z-v1:0", "no", "guardrail_intervened", 5, 1, 0, 0, 10, "r")
    )
    summary = compare_summary("<b>which?</b>", "U1", [ok, failed, stopped])
    text = str(summary["blocks"])
    assert "&lt;b&gt;which?&lt;/b&gt;" in text  # the question is quoted, escaped
    assert "100 / 2,000" in text and "$0.0012" in text
    assert "b.y-v1:0  failed" in text and "throttling" in text
    assert "c.z-v1:0  blocked by the guardrail" in text
    assert "Each answer is in the thread" in text
