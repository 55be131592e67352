"""Which Service Quotas entry is a model's tokens-per-minute quota.

Bedrock names these quotas after the way a model is called and the model's display name:
``On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2`` for a plain
model id, ``Cross-region model inference tokens per minute for ...`` for a geographic
inference profile (``us.``, ``eu.``, ``apac.`` ...), ``Global cross-region model inference
tokens per minute for ...`` for ``global.``. Codes (``L-...``) differ per model and region, so
the bot matches names: the words of the display name must be the words of the model id
(provider included, dates and ``:0`` suffixes dropped, ``v1`` optional). A configured
``quota_codes`` entry wins over matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

from alarms.pricing import GEO_PREFIX

ON_DEMAND = "on-demand model inference tokens per minute for "
CROSS_REGION = "cross-region model inference tokens per minute for "
GLOBAL = "global cross-region model inference tokens per minute for "
WORD = re.compile(r"[a-z]+|\d+")
DATE = re.compile(r"^\d{8}$")
OPTIONAL = {"v1", "v"}


def prefix_for(model_id: str) -> str:
    """The start of the quota name for how ``model_id`` is called."""
    if model_id.startswith("global."):
        return GLOBAL
    return CROSS_REGION if GEO_PREFIX.match(model_id) else ON_DEMAND


def model_words(model_id: str) -> frozenset[str]:
    """``us.anthropic.claude-3-5-sonnet-20241022-v2:0`` -> anthropic claude 3 5 sonnet v2."""
    plain = GEO_PREFIX.sub("", model_id.removeprefix("global.")).split(":", 1)[0]
    parts = re.split(r"[.\-_]", plain.lower())
    return _words(p for p in parts if not DATE.match(p))


def name_words(display: str) -> frozenset[str]:
    return _words(display.lower().split())


def _words(parts: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for part in parts:
        found = WORD.findall(part)
        if part.startswith("v") and part[1:].isdigit():
            found = [part]  # keep "v2" as one word
        out.update(found)
    return frozenset(out - OPTIONAL)


def match(model_id: str, quotas: Mapping[str, str], codes: Mapping[str, str]) -> str | None:
    """The code of ``model_id``'s quota among ``quotas`` (code -> name), or None.

    ``codes`` (model glob -> code, from the rule) is consulted first; otherwise exactly one
    quota name must match, else None (ambiguity is not guessed).
    """
    for pattern, code in codes.items():
        if fnmatchcase(model_id, pattern) and code in quotas:
            return code
    start, wanted = prefix_for(model_id), model_words(model_id)
    found = [
        code
        for code, name in quotas.items()
        if name.lower().startswith(start) and name_words(name[len(start) :]) == wanted
    ]
    return found[0] if len(found) == 1 else None


def console_url(region: str, code: str | None) -> str:
    """The Service Quotas console page of the quota, where an increase is requested."""
    base = f"https://{region}.console.aws.amazon.com/servicequotas/home/services/bedrock/quotas"
    return f"{base}/{code}" if code else base
