"""Markdown to Slack mrkdwn, and splitting long answers within Block Kit's limits."""

from __future__ import annotations

import pytest

from bot.adapters.slack.mrkdwn import split_text, to_mrkdwn


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("**bold** and __bold__", "*bold* and *bold*"),
        ("*italic* and _italic_", "_italic_ and _italic_"),
        ("***both***", "*_both_*"),
        ("~~gone~~", "~gone~"),
        ("# Title", "*Title*"),
        ("### A **bold** heading ##", "*A bold heading*"),
        (
            "[docs](https://aws.amazon.com/bedrock/?a=1&b=2)",
            "<https://aws.amazon.com/bedrock/?a=1&amp;b=2|docs> (aws.amazon.com)",
        ),
        ("- one\n  * two\n+ three", "• one\n  • two\n• three"),
        ("1. first\n2. second", "1. first\n2. second"),
        ("> quoted", "> quoted"),
        ("`a **b** c`", "`a **b** c`"),
        ("```python\nx = a ** b * c\n```", "```\nx = a ** b * c\n```"),
        ("<!channel> & <@U1>", "&lt;!channel&gt; &amp; &lt;@U1&gt;"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("---", "──────────"),
    ],
)
def test_to_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_a_10000_character_answer_splits_at_lines_without_breaking_code() -> None:
    prose = "\n".join(f"Paragraph {i}: " + "words " * 20 for i in range(40))
    code = "```\n" + "\n".join(f"print({i})  # line {i}" for i in range(400)) + "\n```"
    text = (prose + "\n" + code + "\nThe end.")[:10_000] + "\n```"
    assert len(text) >= 10_000
    pieces = split_text(text, 3000)
    assert len(pieces) >= 4
    assert all(len(piece) <= 3000 for piece in pieces)
    assert all(piece.count("```") % 2 == 0 for piece in pieces)  # each renders on its own
    joined = "\n".join(pieces)
    for i in range(40):
        assert f"Paragraph {i}: " in joined
    lines = [line for line in joined.split("\n") if line.startswith("print(")]
    assert lines == [line for line in text.split("\n") if line.startswith("print(")]


def test_a_line_longer_than_a_section_is_cut_at_spaces() -> None:
    text = ("word " * 1500).strip()
    pieces = split_text(text, 3000)
    assert all(len(piece) <= 3000 for piece in pieces)
    assert " ".join(pieces).split() == text.split()


def test_an_unclosed_code_block_is_closed() -> None:
    (piece,) = split_text("```\ncut off by max tokens", 3000)
    assert piece.endswith("\n```")


def test_a_link_whose_label_is_another_url_shows_where_it_really_goes() -> None:
    shown = to_mrkdwn("Sign in at [https://console.aws.amazon.com](https://evil.example/login)")
    assert shown == (
        "Sign in at <https://evil.example/login|https://console.aws.amazon.com> (evil.example)"
    )
    assert to_mrkdwn("[https://a.example/x](https://a.example/x)") == (
        "<https://a.example/x|a.example>"
    )
    # a | in the URL cannot smuggle in a second label
    assert "|docs|" not in to_mrkdwn("[docs](https://evil.example|https://aws.amazon.com)")
