"""The SAM template expanded to plain CloudFormation, as `sam deploy` would send it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"
MEMBER_TEMPLATE = TEMPLATE.with_name("member-role.yaml")


def plain_template(path: Path) -> Any:
    """A CloudFormation template (no transform) as the JSON CloudFormation is sent."""
    from cfnlint.decode import decode_str

    template, problems = decode_str(path.read_text())
    assert not problems, problems
    return json.loads(json.dumps(template, default=str))


def expanded_template(parameters: dict[str, str], code_uri: str = "s3://code/bot.zip") -> Any:
    """The template after the SAM transform, functions' code pointed at ``code_uri``."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    plain = plain_template(TEMPLATE)
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
