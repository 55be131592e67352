"""The mute stage: notices of a route inside one of its mute times.

As in Alertmanager, nothing is sent to a muted route. A repeat is dropped. A firing notice is
held until the mute ends and then sent only for the alerts still firing; a resolution is held
too when its alert's message went out (so the thread is closed), else dropped, so an alert that
fired and resolved inside the mute is never told at all. Held notices never hold up others.
"""

from __future__ import annotations

import logging
from datetime import datetime

from alarms.lifecycle import Notice
from alarms.route_table import RouteTable
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.outbox import Entry, Outbox
from bot.adapters.store.threads import Threads

log = logging.getLogger(__name__)


class MuteStage:
    """Holds or drops the units whose route is muted now."""

    def __init__(
        self, routes: RouteTable, outbox: Outbox, alerts: AlertStore, threads: Threads
    ) -> None:
        self.routes = routes
        self.outbox = outbox
        self.alerts = alerts
        self.threads = threads

    def handled(self, unit: list[Entry], now: datetime) -> bool:
        """True when the unit waits for a mute to end or was dropped; False: send it now."""
        head = unit[0]
        if head.held(now):
            return True
        alert = self.alerts.get(head.fingerprint)[0]
        if alert is None:
            return False
        where = self.routes.primary(alert)
        if not self.routes.muted(where, now):
            return False
        told = self.threads.of_alert(head.fingerprint) is not None
        if head.notice is Notice.REPEAT or (head.notice is Notice.RESOLVED and not told):
            for entry in unit:
                self.outbox.done(entry)
            log.info("notice dropped: its route is muted", extra={"route": where.name})
            return True
        until = self.routes.mute_end(where, now)
        for entry in unit:
            self.outbox.hold(entry, until)
        log.info("notice held until the route's mute ends", extra={"route": where.name})
        return True
