"""What the alert buttons do to stored state: acknowledge, snooze, silence, unsilence.

Each change is a conditional write on the alert (retried on a race with the poller), so a
click and a poll cycle never overwrite each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from alarms.lifecycle import LifecycleError, acknowledge
from alarms.model import Alert, AlertState
from alarms.silences import Matcher, Silence, new_silence
from bot.adapters.slack.alert_message import slack_date
from bot.adapters.store import Conflict, StateStore
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.silences import SilenceStore

ATTEMPTS = 3


class ChangeRefused(Exception):
    """The change does not apply (alert gone or resolved, silence unknown...)."""


@dataclass
class Change:
    """What changed: the alerts touched (to re-render) and one line for their threads."""

    alerts: list[Alert] = field(default_factory=list)
    note: str = ""


def until_tomorrow(now: datetime, zone: str) -> datetime:
    """09:00 tomorrow in ``zone``: the end of a "silence until tomorrow"."""
    local = now.astimezone(ZoneInfo(zone))
    return datetime.combine(local.date() + timedelta(days=1), time(9), tzinfo=local.tzinfo)


class AlertChanges:
    def __init__(self, store: StateStore, timezone: str = "UTC") -> None:
        self.alerts = AlertStore(store)
        self.silences = SilenceStore(store)
        self.timezone = timezone

    def acknowledge(self, fingerprint: str, user: str, now: datetime) -> Change:
        alert = self._update(fingerprint, lambda a: acknowledge(a, user, now))
        if alert.acknowledged_by != user:
            raise ChangeRefused(f"already acknowledged by <@{alert.acknowledged_by}>")
        note = f":eyes: Acknowledged by <@{user}>: no more repeats; the resolution will be posted."
        return Change([alert], note)

    def snooze(self, fingerprint: str, hours: int, user: str, now: datetime) -> Change:
        self._firing(fingerprint)
        silence = self._silence(Matcher(fingerprint=fingerprint), user, now, timedelta(hours=hours))
        alert = self._update(fingerprint, lambda a: _muted(a, silence.id))
        plural = "s" if hours > 1 else ""
        note = f":zzz: Snoozed for {hours} hour{plural} by <@{user}>, until {_date(silence)}."
        return Change([alert], note)

    def silence_model(self, fingerprint: str, user: str, now: datetime) -> Change:
        model = self._firing(fingerprint).labels.get("model")
        if not model:
            raise ChangeRefused("this alert is not about one model")
        until = until_tomorrow(now, self.timezone)
        silence = self._silence(Matcher(model=model), user, now, until - now, "until tomorrow")
        touched = [
            self._update(a.fingerprint, lambda a: _muted(a, silence.id))
            for a in self.alerts.active()
            if a.labels.get("model") == model
        ]
        note = f":mute: <@{user}> silenced every alert on `{model}` until {_date(silence)}."
        return Change(touched, note)

    def unsilence(self, silence_id: str, user: str, now: datetime) -> Change:
        silence = self.silences.get(silence_id)
        if silence is None or not silence.is_active(now):
            raise ChangeRefused("that silence has already ended")
        self.silences.expire(silence_id, now)
        touched = [
            self._update(a.fingerprint, lambda a: a.model_copy(update={"silenced_by": None}))
            for a in self.alerts.active()
            if a.silenced_by == silence_id
        ]
        what = silence.matcher.describe()
        return Change(touched, f":loud_sound: <@{user}> lifted the silence on `{what}`.")

    def _silence(
        self, matcher: Matcher, user: str, now: datetime, length: timedelta, comment: str = ""
    ) -> Silence:
        silence = new_silence(
            matcher, user, now, duration=length, id=f"s-{uuid.uuid4().hex[:12]}", comment=comment
        )
        self.silences.add(silence)
        return silence

    def _firing(self, fingerprint: str) -> Alert:
        alert, _ = self.alerts.get(fingerprint)
        if alert is None:
            raise ChangeRefused("this alert is no longer stored")
        if alert.state is not AlertState.FIRING:
            raise ChangeRefused(f"the {alert.rule} alert is already {alert.state.value}")
        return alert

    def _update(self, fingerprint: str, change: Callable[[Alert], Alert]) -> Alert:
        for _ in range(ATTEMPTS):
            alert, version = self.alerts.get(fingerprint)
            if alert is None:
                raise ChangeRefused("this alert is no longer stored")
            try:
                changed = change(alert)
            except LifecycleError as exc:
                raise ChangeRefused(str(exc)) from None
            if changed == alert:
                return alert
            try:
                self.alerts.save(changed, expected_version=version)
            except Conflict:
                continue
            return changed
        raise ChangeRefused("the alert kept changing; try again")


def _muted(alert: Alert, silence_id: str) -> Alert:
    return alert.model_copy(update={"silenced_by": silence_id})


def _date(silence: Silence) -> str:
    return slack_date(silence.expires_at)
