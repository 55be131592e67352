"""What the Slack listeners receive: every collaborator, built once by the bootstrap.

Listener modules take this object in ``register(app, services)`` and never build a client,
a store or a service themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.adapters.slack.style import MessageStyle
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.silences import SilenceStore
from bot.app.alert_actions import AlertChanges
from bot.app.ask.service import AskService
from bot.app.deliver.pipeline import Delivery
from bot.app.feedback.service import FeedbackService
from bot.app.ports import Clock, StateStore
from bot.app.stats.collect import Sources
from bot.config.settings import Settings
from bot.entrypoints.slack.access import Access
from bot.entrypoints.slack.claims import Claims
from bot.entrypoints.slack.gate import SlackGate
from bot.entrypoints.slack.workers import Workers


@dataclass
class Services:
    """The Slack app's collaborators (see ``bot.bootstrap.services``)."""

    settings: Settings
    clock: Clock
    store: StateStore
    slack: WebClient
    region: str
    access: Access
    asks: AskService
    feedback: FeedbackService
    stats: Sources
    delivery: Delivery
    gate: SlackGate
    claims: Claims  # the gate's: which process handles a request (see claims)
    workers: Workers
    style: MessageStyle = field(default_factory=MessageStyle)  # how alert messages read
    # On Lambda the work after an ack runs in a lazy invocation of its own; elsewhere it is
    # handed to ``workers`` (see ``bot.entrypoints.slack.after_ack``).
    on_lambda: bool = False

    @property
    def alerts(self) -> AlertStore:
        return AlertStore(self.store)

    @property
    def silences(self) -> SilenceStore:
        return SilenceStore(self.store)

    def alert_changes(self) -> AlertChanges:
        return AlertChanges(self.store, self.settings.slack.alert_timezone)
