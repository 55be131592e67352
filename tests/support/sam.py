"""The SAM template expanded to plain CloudFormation, as `sam deploy` would send it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"


def expanded_template(parameters: dict[str, str], code_uri: str = "s3://code/bot.zip") -> Any:
    """The template after the SAM transform, functions' code pointed at ``code_uri``."""
    from cfnlint.decode import decode_str
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    template, problems = decode_str(TEMPLATE.read_text())
    assert not problems, problems
    plain = json.loads(json.dumps(template, default=str))
    for resource in plain["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return transform(plain, parameters, NoManagedPolicies())


def without(template: dict[str, Any], types: set[str]) -> dict[str, Any]:
    """A copy without resources of ``types``, what refers to them, and outputs that do."""
    kept = {k: v for k, v in template["Resources"].items() if v["Type"] not in types}
    while True:
        gone = set(template["Resources"]) - set(kept)
        still = {k: v for k, v in kept.items() if not _mentions(v, gone)}
        if len(still) == len(kept):
            break
        kept = still
    outputs = {k: v for k, v in template.get("Outputs", {}).items() if not _mentions(v, gone)}
    return {**template, "Resources": kept, "Outputs": outputs}


def _mentions(value: Any, names: set[str]) -> bool:
    text = json.dumps(value)
    return any(f'"{n}"' in text or "${" + n + "}" in text or "${" + n + "." in text for n in names)
