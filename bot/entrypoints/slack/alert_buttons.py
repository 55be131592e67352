"""The alert buttons: Acknowledge, Snooze 1h/4h/24h, Silence model until tomorrow, Unsilence.

Clicks are acked at once; the work runs in a lazy listener: check the clicker may act (a
member of the alert channel), change the stored state, re-render the alert message, and
tell its thread. A click on the ``/genai-alerts`` list also refreshes that list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.adapters.slack import actions_ids as ids
from bot.adapters.slack.alert_buttons import fingerprints
from bot.adapters.slack.alerts_view import alerts_view
from bot.app.alert_actions import AlertChanges, Change, ChangeRefused
from bot.entrypoints.slack import after_ack
from bot.entrypoints.slack.after_ack import listen
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)
Apply = Callable[[AlertChanges, str, str, datetime], Change]


def _value(body: dict[str, Any]) -> str:
    action = body["actions"][0]
    return str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")


def each(value: str, apply: Callable[[str], Change]) -> Change:
    """``apply`` to every fingerprint a button carries (one subject's alerts): one change
    with every alert touched and the first note; refused only when every one was."""
    done = Change()
    refusal: ChangeRefused | None = None
    for fingerprint in fingerprints(value):
        try:
            change = apply(fingerprint)
        except ChangeRefused as exc:
            refusal = refusal or exc
            continue
        done.alerts += change.alerts
        done.note = done.note or change.note
    if not done.alerts:
        raise refusal or ChangeRefused("no alert to change")
    return done


def _ack_alert(changes: AlertChanges, value: str, user: str, now: datetime) -> Change:
    return each(value, lambda fp: changes.acknowledge(fp, user, now))


def _snooze(changes: AlertChanges, value: str, user: str, now: datetime) -> Change:
    parsed = ids.parse_snooze(value)
    if parsed is None:
        raise ChangeRefused(f"unknown snooze choice {value!r}")
    return each(parsed[0], lambda fp: changes.snooze(fp, parsed[1], user, now))


def _silence_model(changes: AlertChanges, value: str, user: str, now: datetime) -> Change:
    return changes.silence_model(value, user, now)


def _unsilence(changes: AlertChanges, value: str, user: str, now: datetime) -> Change:
    return changes.unsilence(value, user, now)


HANDLERS: dict[str, Apply] = {
    ids.ACK: _ack_alert,
    ids.SNOOZE: _snooze,
    ids.SILENCE_MODEL: _silence_model,
    ids.UNSILENCE: _unsilence,
}


def register(app: App, services: Services) -> None:
    """Adds the listeners of every alert button (and acks link buttons)."""
    changes = services.alert_changes()
    delivery = services.delivery

    def just_ack(ack: Ack) -> None:
        ack()

    def handler(apply: Apply) -> Callable[..., None]:
        def act(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
            now = services.clock.now()
            user = body["user"]["id"]
            container = body.get("container") or {}
            channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
            refusal = services.access.button_refusal(user, channel)
            if refusal:
                respond(
                    text=f":no_entry: {refusal}.", response_type="ephemeral", replace_original=False
                )
                return
            try:
                change = apply(changes, _value(body), user, now)
            except ChangeRefused as exc:
                respond(
                    text=f":information_source: {exc}.",
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            log.info(
                "alert button", extra={"action": body["actions"][0]["action_id"], "user": user}
            )
            problem = delivery.announce(change.alerts, change.note, now)
            if container.get("is_ephemeral"):
                text, blocks = alerts_view(
                    changes.alerts.active(), changes.silences.active(now), services.style, now
                )
                respond(text=text, blocks=blocks, replace_original=True)
            if problem:
                tell(
                    respond, f":warning: Saved, but the alert message was not updated ({problem})."
                )

        return act

    acts = {action_id: handler(apply) for action_id, apply in HANDLERS.items()}

    def alert_button(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        acts[body["actions"][0]["action_id"]](body, client, respond)

    # One listener for every alert button: Bolt tries each listener's matcher in turn for
    # every request, so fewer listeners make every ack cheaper.
    listen(
        app,
        app.action(re.compile("^(?:" + "|".join(map(re.escape, HANDLERS)) + ")$")),
        after_ack.just_ack,
        alert_button,
        services.workers.listeners,
        on_lambda=services.on_lambda,
        claims=services.claims,
    )
    app.action(re.compile(f"^{ids.OPEN_LINK}"))(just_ack)


def tell(respond: Respond, text: str) -> None:
    """A note only the clicker sees, leaving the clicked message as it is."""
    respond(text=text, response_type="ephemeral", replace_original=False)
