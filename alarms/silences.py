"""Silences: mute matching alerts until an expiry, in the manner of Alertmanager.

A silence mutes the firing and repeat notices of every alert its matcher matches while it is
active. The alert itself still fires and is stored (the stats view shows it as silenced); a
resolved notice is still sent for an alert whose firing notice already went out, so a thread
people have seen gets closed. Everything here is pure: ``now`` is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from fnmatch import fnmatchcase

from pydantic import Field, model_validator

from alarms.model import Frozen


class SilenceError(ValueError):
    """A silence cannot be created as asked (no matcher, expiry in the past...)."""


class Matcher(Frozen):
    """Which alerts a silence covers. Every field set must match; unset fields match anything.

    ``model`` and ``guardrail`` accept glob patterns (``anthropic.*``); ``rule`` and
    ``fingerprint`` must be equal. At least one field must be set.
    """

    rule: str | None = None
    model: str | None = None
    guardrail: str | None = None
    fingerprint: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Matcher:
        if not any((self.rule, self.model, self.guardrail, self.fingerprint)):
            raise SilenceError(
                "a silence needs at least one of rule, model, guardrail or fingerprint"
            )
        return self

    def matches(self, rule: str, labels: Mapping[str, str], fingerprint: str) -> bool:
        """Whether an alert of ``rule`` with ``labels`` and ``fingerprint`` is covered."""
        if self.rule is not None and self.rule != rule:
            return False
        if self.fingerprint is not None and self.fingerprint != fingerprint:
            return False
        for name, pattern in (("model", self.model), ("guardrail", self.guardrail)):
            if pattern is None:
                continue
            value = labels.get(name)
            if value is None or not fnmatchcase(value, pattern):
                return False
        return True

    def describe(self) -> str:
        """A short human description, e.g. ``rule=latency_spike model=anthropic.*``."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("rule", self.rule),
                ("model", self.model),
                ("guardrail", self.guardrail),
                ("fingerprint", self.fingerprint),
            )
            if value is not None
        ]
        return " ".join(parts)


class Silence(Frozen):
    """A matcher, who set it and until when. Active on ``[created_at, expires_at)``."""

    id: str = Field(min_length=1)
    matcher: Matcher
    created_by: str
    created_at: datetime
    expires_at: datetime
    comment: str = ""

    def is_active(self, now: datetime) -> bool:
        return self.created_at <= now < self.expires_at

    def covers(self, rule: str, labels: Mapping[str, str], fingerprint: str, now: datetime) -> bool:
        return self.is_active(now) and self.matcher.matches(rule, labels, fingerprint)


def new_silence(
    matcher: Matcher,
    created_by: str,
    now: datetime,
    duration: timedelta | None = None,
    until: datetime | None = None,
    id: str = "",
    comment: str = "",
) -> Silence:
    """A silence starting ``now`` for ``duration`` or ``until`` a moment (exactly one of them).

    ``id`` is chosen by the caller (e.g. a uuid) so this stays pure. Raises SilenceError.
    """
    if (duration is None) == (until is None):
        raise SilenceError("give exactly one of duration or until")
    expires_at = now + duration if duration is not None else until
    assert expires_at is not None
    if expires_at <= now:
        raise SilenceError(f"a silence must end in the future (it would end {expires_at})")
    if not id:
        raise SilenceError("a silence needs an id")
    return Silence(
        id=id,
        matcher=matcher,
        created_by=created_by,
        created_at=now,
        expires_at=expires_at,
        comment=comment,
    )


def active(silences: Iterable[Silence], now: datetime) -> list[Silence]:
    """The silences in force at ``now``, soonest to expire first."""
    return sorted((s for s in silences if s.is_active(now)), key=lambda s: (s.expires_at, s.id))


def silenced_by(
    silences: Iterable[Silence],
    rule: str,
    labels: Mapping[str, str],
    fingerprint: str,
    now: datetime,
) -> Silence | None:
    """The active silence covering this alert (the one lasting longest), or None."""
    covering = [s for s in silences if s.covers(rule, labels, fingerprint, now)]
    return max(covering, key=lambda s: (s.expires_at, s.id), default=None)


def expire(silence: Silence, now: datetime) -> Silence:
    """The silence ended at ``now`` (unchanged when it had already ended)."""
    if silence.expires_at <= now:
        return silence
    return silence.model_copy(update={"expires_at": max(now, silence.created_at)})
