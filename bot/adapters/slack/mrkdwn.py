"""Markdown (as models write it) to Slack mrkdwn, and splitting long text for Block Kit.

Slack's mrkdwn differs from Markdown: ``*bold*``, ``_italic_``, ``~strike~``,
``<url|text>`` links, no headings, no list syntax. ``&``, ``<`` and ``>`` are escaped first,
so a model's answer can never mention ``<!channel>`` or forge a link, and every Markdown link
shows its real host beside its label.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

FENCE = "```"
BOLD = "\x02"  # placeholders for markers while italics are rewritten
ITALIC = "\x03"
CODE = re.compile(r"(`[^`\n]+`)")
LINK = re.compile(r"!?\[([^\]\n]+)\]\((https?://[^)\s|]+)\)")
TRIPLE = re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*")
STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)[-*+]\s+(?=\S)")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")


ARN = re.compile(r"arn:aws[\w-]*:[^\s`]*?(?=[.,;:)]?(?:\s|$))")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code_arns(escaped: str) -> str:
    """ARNs in already escaped mrkdwn set as inline code, so Slack shows them as written
    (``arn:aws:sts::...`` would otherwise show ``:aws:`` as an emoji)."""
    return ARN.sub(lambda found: f"`{found.group(0)}`", escaped)


def short_principal(principal: str) -> str:
    """A caller as people name it in a title: the resource part of an ARN
    (``assumed-role/support-bot/i-0ab``), anything else as it is."""
    return (
        principal.split(":", 5)[5]
        if principal.startswith("arn:") and principal.count(":") >= 5
        else principal
    )


def to_mrkdwn(markdown: str) -> str:
    """``markdown`` rewritten as Slack mrkdwn; code blocks and inline code left as written."""
    out: list[str] = []
    in_fence = False
    for line in escape(markdown).split("\n"):
        stripped = line.strip()
        if stripped.startswith(FENCE):
            # Slack shows a language tag as code: keep only the fence.
            out.append(FENCE if not in_fence else stripped)
            in_fence = not in_fence if stripped.count(FENCE) % 2 else in_fence
            continue
        out.append(line if in_fence else _line(line))
    return "\n".join(out)


def _line(line: str) -> str:
    if RULE.match(line):
        return "──────────"
    heading = HEADING.match(line)
    if heading:
        return f"*{_inline(heading.group(1)).replace('*', '')}*"
    if line.startswith("&gt; "):
        return "> " + _inline(line[5:])
    line = BULLET.sub(lambda m: f"{m.group(1)}• ", line)
    return _inline(line)


def _inline(text: str) -> str:
    parts = CODE.split(text)
    for index in range(0, len(parts), 2):  # even parts are outside inline code
        part = LINK.sub(lambda m: link(m.group(2), m.group(1)), parts[index])
        part = TRIPLE.sub(lambda m: f"{BOLD}{ITALIC}{m.group(1)}{ITALIC}{BOLD}", part)
        part = STRONG.sub(lambda m: f"{BOLD}{m.group(2)}{BOLD}", part)
        part = EMPHASIS.sub(r"_\1_", part)
        part = STRIKE.sub(r"~\1~", part)
        parts[index] = part.replace(BOLD, "*").replace(ITALIC, "_")
    return "".join(parts)


def link(url: str, label: str) -> str:
    """A link from a model's answer, its real host always shown: a label can say anything
    (even another URL), so the reader sees where the link goes before clicking."""
    host = urlsplit(url.replace("&amp;", "&")).hostname or "?"
    if label.strip() in (url, host):
        return f"<{url}|{host}>"
    return f"<{url}|{label}> ({host})"


def split_text(text: str, limit: int = 3000) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, at line breaks where it can.

    A code block cut in two is closed at the end of one piece and reopened at the start of
    the next, so each piece renders on its own.
    """
    reserve = len(FENCE) * 2 + 2
    if limit <= reserve * 2:
        raise ValueError(f"limit must exceed {reserve * 2}")
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    in_fence = False
    for line in _short_lines(text, limit - reserve):
        if current and size + len(line) + 1 > limit - reserve:
            pieces.append("\n".join(current) + ("\n" + FENCE if in_fence else ""))
            current, size = ([FENCE], len(FENCE) + 1) if in_fence else ([], 0)
        current.append(line)
        size += len(line) + 1
        if line.count(FENCE) % 2:
            in_fence = not in_fence
    if current and "".join(current).strip() not in ("", FENCE):
        pieces.append("\n".join(current) + ("\n" + FENCE if in_fence else ""))
    return [piece for piece in pieces if piece.strip()]


def _short_lines(text: str, width: int) -> list[str]:
    """Lines of ``text``, a line longer than ``width`` cut at spaces (or hard) to fit."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", width // 2, width)
            if cut <= 0:
                entity = line.rfind("&", width - 6, width)  # never cut &amp; in two
                cut = entity if entity > 0 and ";" not in line[entity:width] else width
            out.append(line[:cut])
            line = line[cut:].lstrip(" ") if cut < width else line[cut:]
        out.append(line)
    return out
