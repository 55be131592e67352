"""The part of the usage roll-ups a route covers, for its digest.

A route matches alert labels; of those, the roll-ups know ``model``, ``principal`` and the
tallied tags (``team``, ``app``...). A route's spend is the roll-ups' traffic whose model,
principal and tag values pass the route's matchers (and its parents'); matchers on labels
the roll-ups lack (``rule``, ``severity``, ``budget``...) do not narrow spend. The roll-ups
hold each dimension alone and in pairs (model+principal, tag+model, tag+principal), so at most
two of the three can be combined exactly: with all three, the principal is left out, and with
matchers on two tag keys only the first is applied; ``Scope.skipped`` names what was left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from alarms.rollup import PAIR, Rollup, Tally

Check = Callable[[str], bool]
SLICES = {  # the dimensions a roll-up table is keyed by, in the order its keys are joined
    ("model",): "models",
    ("principal",): "principals",
    ("tag",): "tags",
    ("model", "principal"): "model_principal",
    ("tag", "model"): "tag_model",
    ("tag", "principal"): "tag_principal",
}
OUTPUTS = {"model": "models", "principal": "principals", "tag": "tags"}


@dataclass(frozen=True)
class Scope:
    """The checks a route's spend applies, per roll-up dimension."""

    checks: dict[str, Check] = field(default_factory=dict)  # model, principal, tag
    shown: tuple[str, ...] = ()  # the applied matchers, e.g. ("team=search",)
    skipped: tuple[str, ...] = ()  # matchers the roll-ups cannot combine with the others

    @property
    def everything(self) -> bool:
        return not self.checks


def _check(exact: list[str], patterns: list[str]) -> Check:
    compiled = [re.compile(p) for p in patterns]
    return lambda value: (
        all(value == v for v in exact) and all(c.fullmatch(value) for c in compiled)
    )


def scope_of(
    match: Iterable[tuple[str, str]], match_re: Iterable[tuple[str, str]], tag_keys: Iterable[str]
) -> Scope:
    """The scope of a route with these matchers, given the tag keys the roll-ups tally."""
    exact: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    shown: dict[str, list[str]] = {}
    for label, value in match:
        exact.setdefault(label, []).append(value)
        shown.setdefault(label, []).append(f"{label}={value}")
    for label, pattern in match_re:
        patterns.setdefault(label, []).append(pattern)
        shown.setdefault(label, []).append(f"{label}~{pattern}")
    keys = set(tag_keys)
    tags = [label for label in shown if label in keys and label not in OUTPUTS]
    applied = [d for d in ("tag", "model", "principal") if (d == "tag" and tags) or d in shown]
    dims = {d: (tags[0] if d == "tag" else d) for d in applied[:2]}
    skipped = [*tags[1:], *[d for d in applied[2:] if d != "tag"]]
    checks: dict[str, Check] = {}
    for dim, label in dims.items():
        check = _check(exact.get(label, []), patterns.get(label, []))
        if dim == "tag":
            checks[dim] = _tag_check(label, check)
        else:
            checks[dim] = check
    return Scope(
        checks,
        tuple(m for label in dims.values() for m in shown[label]),
        tuple(m for label in skipped for m in shown[label]),
    )


def _tag_check(key: str, check: Check) -> Check:
    def passes(tag: str) -> bool:
        name, _, value = tag.partition("=")
        return name == key and check(value)

    return passes


def _rows(rollup: Rollup, dims: tuple[str, ...]) -> Iterable[tuple[dict[str, str], Tally]]:
    table: dict[str, Tally] = getattr(rollup, SLICES[dims])
    for key, tally in table.items():
        parts = key.split(PAIR)
        if len(parts) == len(dims):  # "(other)" overflow rows cannot be attributed
            yield dict(zip(dims, parts, strict=True)), tally


def _table(rollup: Rollup, scope: Scope, dim: str | None) -> dict[str, Tally] | None:
    """Spend within ``scope`` by ``dim`` (None: the total, under ""), or None when the
    roll-ups have no slice combining them."""
    wanted = tuple(sorted({*scope.checks, *([dim] if dim else [])}, key=_order))
    ordered = next((d for d in SLICES if set(d) == set(wanted)), None)
    if ordered is None:
        return None
    found: dict[str, Tally] = {}
    for row, tally in _rows(rollup, ordered):
        if all(check(row[d]) for d, check in scope.checks.items()):
            found.setdefault(row[dim] if dim else "", Tally()).merge(tally)
    return found


def _order(dim: str) -> int:
    return ("tag", "model", "principal").index(dim)


def covered(rollup: Rollup, scope: Scope) -> Rollup:
    """The part of ``rollup`` within ``scope``: total, models, principals and tags (a table
    the roll-ups cannot split that finely is left empty)."""
    if scope.everything:
        return rollup
    total = (_table(rollup, scope, None) or {}).get("", Tally())
    parts = {name: _table(rollup, scope, dim) or {} for dim, name in OUTPUTS.items()}
    out = Rollup(hour=rollup.hour, account=rollup.account, region=rollup.region, total=total)
    for name, table in parts.items():
        setattr(out, name, table)
    return out


def covered_hours(rollups: Iterable[Rollup], scope: Scope) -> list[Rollup]:
    return [covered(r, scope) for r in rollups]


def describe(scope: Scope) -> str:
    """How the digest names a route's spend, e.g. "spend of team=search"."""
    if scope.everything:
        return "spend"
    text = f"spend of what this route covers ({', '.join(scope.shown)})"
    if scope.skipped:
        text += f"; not narrowed by {', '.join(scope.skipped)}"
    return text
