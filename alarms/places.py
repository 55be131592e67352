"""Which accounts and regions a budget counts: filters, their labels and their wording.

Roll-ups carry the account and region their calls were made in; a budget with ``accounts``
or ``regions`` counts only the roll-ups inside them, one without counts every target.
"""

from __future__ import annotations

import re

from alarms.rollup import Rollup

ACCOUNT_ID = re.compile(r"\d{12}")
REGION_NAME = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}")  # us-east-1, us-gov-west-1


def is_account_id(text: str) -> bool:
    """A 12-digit AWS account id, nothing before or after it."""
    return ACCOUNT_ID.fullmatch(text) is not None


def is_region_name(text: str) -> bool:
    """An AWS region name such as us-east-1, nothing before or after it."""
    return REGION_NAME.fullmatch(text) is not None


def check_accounts(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """A list of 12-digit account ids, not empty; raises ValueError naming the bad one."""
    for account in value or ():
        if not is_account_id(account):
            raise ValueError(f"{account!r} is not a 12-digit account id (e.g. 111122223333)")
    if value is not None and not value:
        raise ValueError("lists no account: leave accounts out to count every account")
    return value


def check_regions(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if value is not None and not value:
        raise ValueError("lists no region: leave regions out to count every region")
    return value


def covers(accounts: tuple[str, ...] | None, regions: tuple[str, ...] | None, r: Rollup) -> bool:
    """Whether the roll-up's account and region are inside the filters (None: any)."""
    if accounts is not None and r.account not in accounts:
        return False
    return regions is None or r.region in regions


def place_labels(
    accounts: tuple[str, ...] | None, regions: tuple[str, ...] | None
) -> dict[str, str]:
    """``account``/``region`` labels when the filters name exactly one of each."""
    labels = {}
    if accounts and len(accounts) == 1:
        labels["account"] = accounts[0]
    if regions and len(regions) == 1:
        labels["region"] = regions[0]
    return labels


def where_text(accounts: tuple[str, ...] | None, regions: tuple[str, ...] | None) -> str:
    """`` in account 111122223333; regions us-east-1, eu-west-1``, or "" for every target."""
    parts = []
    if accounts:
        parts.append(("account " if len(accounts) == 1 else "accounts ") + ", ".join(accounts))
    if regions:
        parts.append(("region " if len(regions) == 1 else "regions ") + ", ".join(regions))
    return (" in " + "; ".join(parts)) if parts else ""
