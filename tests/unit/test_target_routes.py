"""Routes send a target's alerts to its team: they match the account and region labels."""

from __future__ import annotations

from bot.config.load import load_settings


def test_routes_match_account_and_region_labels() -> None:
    settings = load_settings().with_flat(
        routes=[
            {"name": "prod", "match": {"account": "222233334444"}, "channel": "#prod-ai"},
            {"name": "europe", "match_re": {"region": "eu-.*"}, "channel": "#eu-ai"},
        ]
    )
    table = settings.routing.table()

    def channel(**labels: str) -> str | None:
        return table.destinations({"rule": "error_rate", "severity": "critical", **labels})[
            0
        ].channel

    assert channel(model="m", account="222233334444", region="us-west-2") == "#prod-ai"
    assert channel(model="m", account="123456789012", region="eu-west-1") == "#eu-ai"
    assert channel(model="m", account="123456789012", region="us-east-1") is None
    assert channel(model="m") is None  # a bot without targets: its alerts go where they went
