"""The state table's shape, and a helper to create it outside CloudFormation.

In production ``infra/template.yaml`` creates the table; ``create_table`` makes the same one
(same keys, on-demand billing, TTL on ``expires_at``) for the demo, tests and quick trials.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.store.base import StoreError

PARTITION_KEY = "kind"
SORT_KEY = "key"
TTL_ATTRIBUTE = "expires_at"
KEY_SCHEMA = [
    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
    {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
]
ATTRIBUTES = [
    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": SORT_KEY, "AttributeType": "S"},
]


def create_table(client: Any, name: str) -> bool:
    """Create the state table unless it exists; True when it was created. Waits until usable."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client.create_table(
            TableName=name,
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=ATTRIBUTES,
            BillingMode="PAY_PER_REQUEST",
        )
        created = True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
            raise StoreError(f"cannot create DynamoDB table {name!r}: {exc}") from exc
        created = False
    try:
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
        )
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    except ClientError as exc:
        if "already enabled" not in str(exc).lower():
            raise StoreError(f"DynamoDB table {name!r}: cannot enable TTL: {exc}") from exc
    except BotoCoreError as exc:
        raise StoreError(f"DynamoDB table {name!r} did not become usable: {exc}") from exc
    return created
