"""The digest as Slack shows it: headings bold, items bulleted, callers' ARNs as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from alarms.digest import AlertFigures, Digest, Mover
from bot.adapters.slack.digest_view import digest_lines, digest_message

END = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
ROLE = "arn:aws:sts::123456789012:assumed-role/search-api/i-0ab"


def digest(label: str = "spend") -> Digest:
    return Digest(
        route="search",
        start=END - timedelta(days=7),
        end=END,
        spend_usd=Decimal("412.50"),
        spend_before_usd=Decimal("301.10"),
        budgets=[],
        movers=[Mover("principal", ROLE, Decimal("200"), Decimal("120"))],
        models=[],
        alerts=AlertFigures(),
        spend_label=label,
        reasons={"wrong": 7, "slow": 3},
        guardrails={"ContentPolicy": 41, "TopicPolicy": 9},
    )


def test_a_callers_arn_is_inline_code_and_sections_have_bold_headings() -> None:
    _, blocks = digest_message(digest())
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")

    assert f"• principal `{ROLE}`: $120.00 -&gt; $200.00" in text
    assert "*Top movers*" in text
    assert "Thumbs-down reasons: wrong 7, slow 3" in text


def test_a_routes_digest_says_its_guardrail_figures_are_the_whole_accounts() -> None:
    scoped = digest_lines(digest("spend of what this route covers (team=search)"))
    whole = digest_lines(digest())

    assert scoped[1].startswith("Spend of what this route covers (team=search): $412.50")
    assert (
        "Guardrail interventions by policy (whole account): content filters 41, denied topics 9"
        in scoped
    )
    assert "Guardrail interventions by policy: content filters 41, denied topics 9" in whole
