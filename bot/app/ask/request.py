"""Parsing ``/genai-ask`` text: ``[model-or-alias] question`` or ``compare a,b[,c] question``.

A first word selects the model when it is an alias from settings or looks like a Bedrock
model id, inference-profile id or ARN; otherwise the whole text is the question and the
default model answers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

MODEL_ID = re.compile(
    r"^(?:[a-z-]+\.)?[a-z0-9-]+\.[a-z0-9][a-z0-9._-]*-v?\d+(?::\d+(?::[a-z0-9]+)?)?$"
)
ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:[a-z-]+/\S+$")
MAX_COMPARE = 3
USAGE = (
    "Usage: `/genai-ask [model or alias] question` or "
    "`/genai-ask compare model-a,model-b[,model-c] question`."
)


class AskUsageError(ValueError):
    """The command text cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class AskRequest:
    models: tuple[str, ...]
    question: str

    @property
    def compare(self) -> bool:
        return len(self.models) > 1


def looks_like_model(word: str) -> bool:
    return bool(MODEL_ID.match(word) or ARN.match(word))


def parse_ask(text: str, aliases: Mapping[str, str], default_model: str | None) -> AskRequest:
    """The models and question in ``text``; raises AskUsageError."""
    text = html.unescape(text or "").strip()  # Slack escapes &, < and > in command text
    if not text or text.lower() == "help":
        raise AskUsageError(USAGE)
    first, _, rest = text.partition(" ")
    if first.lower() == "compare":
        names, _, question = rest.strip().partition(" ")
        models = tuple(dict.fromkeys(_resolve(name, aliases) for name in names.split(",") if name))
        if not 2 <= len(models) <= MAX_COMPARE:
            raise AskUsageError(
                f"`compare` takes 2 or 3 different models, comma-separated. {USAGE}"
            )
        return AskRequest(models, _question(question))
    if first in aliases or looks_like_model(first) or first == default_model:
        return AskRequest((_resolve(first, aliases),), _question(rest))
    if not default_model:
        raise AskUsageError(
            "No default model is set: name one (`/genai-ask amazon.nova-lite-v1:0 question`) "
            "or ask your admin to set GENAI_OPS_ASK_DEFAULT_MODEL."
        )
    return AskRequest((aliases.get(default_model, default_model),), _question(text))


def _resolve(name: str, aliases: Mapping[str, str]) -> str:
    name = name.strip()
    if name in aliases:
        return aliases[name]
    if looks_like_model(name):
        return name
    known = ", ".join(sorted(aliases)) or "none configured"
    raise AskUsageError(
        f"`{name}` is neither a model alias nor a Bedrock model id "
        f"(aliases: {known}; model ids look like `anthropic.claude-3-5-haiku-20241022-v1:0`)."
    )


def _question(text: str) -> str:
    question = text.strip()
    if not question:
        raise AskUsageError(f"Add a question after the model. {USAGE}")
    return question
