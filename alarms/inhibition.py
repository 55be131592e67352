"""Inhibition: while a cause fires, hold back the alerts it explains.

Like Alertmanager's inhibit rules: while a model's throttle or server-error alert fires, its
latency alert is held back (stored as firing, marked ``inhibited_by``, not announced), since
the cause alert already tells the story and retries or overload explain the latency.
"""

from __future__ import annotations

from collections.abc import Iterable

from alarms.model import Evaluation, Frozen


class InhibitRule(Frozen):
    """Firing ``sources`` hold back ``targets`` that share the ``equal`` labels."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    equal: tuple[str, ...] = ("model",)


DEFAULT_INHIBIT_RULES: tuple[InhibitRule, ...] = (
    InhibitRule(sources=("throttle_rate", "error_rate"), targets=("latency_spike",)),
)


def inhibitions(
    evaluations: Iterable[Evaluation],
    rules: Iterable[InhibitRule] = DEFAULT_INHIBIT_RULES,
) -> dict[str, str]:
    """Fingerprint of each firing evaluation that is held back -> fingerprint of its cause."""
    current = list(evaluations)
    firing = [e for e in current if e.firing]
    held: dict[str, str] = {}
    for rule in rules:
        for target in firing:
            if target.rule not in rule.targets or target.fingerprint in held:
                continue
            cause = next(
                (
                    source
                    for source in firing
                    if source.rule in rule.sources
                    and source.fingerprint != target.fingerprint
                    and _share(source.labels, target.labels, rule.equal)
                ),
                None,
            )
            if cause is not None:
                held[target.fingerprint] = cause.fingerprint
    return held


def _share(a: dict[str, str], b: dict[str, str], names: tuple[str, ...]) -> bool:
    return all(name in a and a.get(name) == b.get(name) for name in names)
