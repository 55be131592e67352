"""The account id of a target region whose settings do not tell it: STS says, once."""

from __future__ import annotations

import threading

from bot.adapters.aws.errors import AWS_FAILURES, explain
from bot.adapters.aws.targets import TargetRegion

_known: dict[tuple[str, str], str] = {}
_lock = threading.Lock()


def account_of(target: TargetRegion) -> str:
    """The 12-digit account ``target`` reads: from settings, else GetCallerIdentity on its
    session (asked once per target and process); raises AwsError when STS cannot say."""
    if target.account:
        return target.account
    key = (target.label, target.region)
    with _lock:
        known = _known.get(key)
    if known is not None:
        return known
    try:
        account = str(target.client("sts").get_caller_identity()["Account"])
    except AWS_FAILURES as exc:
        raise explain("GetCallerIdentity", exc) from exc
    with _lock:
        _known[key] = account
    return account
