"""Open a state store of either backend for tests: a SQLite file or a DynamoDB table in moto."""

from __future__ import annotations

from pathlib import Path

import boto3

from bot.adapters.store.dynamodb_table import create_table

BACKENDS = ["sqlite", "dynamodb"]
TABLE = "genai-ops-test-state"


def store_url(backend: str, tmp_path: Path, aws_endpoint: str | None) -> str:
    """A state URL for ``backend``; DynamoDB needs the ``aws`` fixture's endpoint."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    assert aws_endpoint, "the DynamoDB backend needs the aws fixture"
    create_table(boto3.client("dynamodb", endpoint_url=aws_endpoint), TABLE)
    return f"dynamodb://{TABLE}"
