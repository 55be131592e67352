"""The route tree and time intervals: pure decisions, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from alarms.route_table import RouteTable
from alarms.routing import Destination, Route, resolve
from alarms.time_intervals import TimeInterval, TimeRange, mute_end
from bot.config.load import SettingsError, load_settings

ROOT = Destination(name="default", channel=None, group_by=())
TREE = (
    Route(
        name="search",
        match={"team": "search"},
        channel="#search",
        mention="S0SEARCH1",
        routes=(Route(name="search-warn", match={"severity": "warning"}, mute_times=("n",)),),
    ),
    Route(
        name="support",
        match_re={"team": "support|helpdesk"},
        channel="C0SUPPORT",
        **{"continue": True},
    ),
    Route(
        name="finops", match={"rule": "budget_threshold"}, channel="#finops", repeat_interval="1d"
    ),
)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"team": "search", "severity": "critical"}, ["search"]),
        ({"team": "search", "severity": "warning"}, ["search-warn"]),
        ({"team": "helpdesk", "rule": "budget_threshold"}, ["support", "finops"]),
        ({"team": "support"}, ["support"]),
        ({"team": "searchers"}, ["default"]),  # match_re and match are whole-value matches
        ({}, ["default"]),
    ],
)
def test_first_matching_route_wins_unless_it_continues(
    labels: dict[str, str], expected: list[str]
) -> None:
    assert [d.name for d in resolve(TREE, ROOT, labels)] == expected


def test_children_inherit_channel_and_mention() -> None:
    (child,) = resolve(TREE, ROOT, {"team": "search", "severity": "warning"})
    assert (child.channel, child.mention, child.mute_times) == (
        "#search",
        "<!subteam^S0SEARCH1>",
        ("n",),
    )
    (finops,) = resolve(TREE, ROOT, {"rule": "budget_threshold"})
    assert finops.repeat_interval_minutes == 1440


NIGHTS = TimeInterval(
    name="n", times=(TimeRange(start_time="20:00", end_time="08:00"),), time_zone="Europe/Berlin"
)
WEEKENDS = TimeInterval(name="w", weekdays=("saturday:sunday",), time_zone="Europe/Berlin")


@pytest.mark.parametrize(
    ("when", "night", "weekend"),
    [
        (datetime(2026, 11, 18, 13, 0, tzinfo=UTC), False, False),  # Wed 14:00 Berlin
        (datetime(2026, 11, 18, 19, 0, tzinfo=UTC), True, False),  # Wed 20:00 Berlin
        (datetime(2026, 11, 19, 6, 59, tzinfo=UTC), True, False),  # Thu 07:59 Berlin
        (datetime(2026, 11, 19, 7, 0, tzinfo=UTC), False, False),  # Thu 08:00 Berlin
        (datetime(2026, 11, 21, 10, 0, tzinfo=UTC), False, True),  # Sat 11:00 Berlin
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), True, False),  # Mon 00:30 Berlin
    ],
)
def test_intervals_are_read_in_their_time_zone(when: datetime, night: bool, weekend: bool) -> None:
    assert (NIGHTS.contains(when), WEEKENDS.contains(when)) == (night, weekend)


def test_a_weekend_mute_ends_when_monday_morning_begins() -> None:
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert mute_end([NIGHTS, WEEKENDS], saturday) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    table = RouteTable(TREE, {"n": NIGHTS}, ROOT)
    (warn,) = table.destinations({"team": "search", "severity": "warning"})
    assert table.muted(warn, datetime(2026, 11, 18, 21, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[[routes]]\nchannel = "search"', "unknown channel format 'search'"),
        ('[[routes]]\nmatch_re = {team = "a("}', "bad regex for 'team'"),
        ('[[time_intervals]]\nname = "n"\ntime_zone = "Mars/Base"', "unknown time zone"),
        ('[[routes]]\nname = "s"\nmute_times = ["weekend"]', "unknown time interval 'weekend'"),
        ('[[routes]]\nmention = "search team"', "mention 'search team' must be"),
        ('[[routes]]\nrepeat_interval = "4 hours"', "duration '4 hours'"),
    ],
)
def test_bad_routes_get_a_clear_error(tmp_path: Path, toml: str, problem: str) -> None:
    path = tmp_path / "routes.toml"
    path.write_text(toml + "\n")
    with pytest.raises(SettingsError) as raised:
        load_settings(str(path))
    assert problem in raised.value.render()
