"""DynamoDB state store: the same documents as SQLite, for many processes or Lambda.

One table, partition key ``kind``, sort key ``key`` (so a scan is one paginated Query in key
order), the document as a JSON string in ``body``, an integer ``version`` and an optional
``expires_at`` (epoch seconds, the table's TTL attribute). DynamoDB deletes expired items
within a day or two; every read here also treats them as gone, exactly like SQLite.
Versions are enforced with condition expressions, so racing writers get ``Conflict``.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from datetime import datetime
from typing import Any

from bot.adapters.clock import Clock
from bot.adapters.store.base import Conflict, Record, StoreError, Write
from bot.adapters.store.dynamodb_items import SET_ASIDE, aside_item, original_unchanged, record_of
from bot.adapters.store.sqlite_rows import CorruptRow

log = logging.getLogger(__name__)

LIVE = "(attribute_not_exists(#e) OR #e > :now)"
MAX_RETRIES = 8


class DynamoStore:
    """A ``StateStore`` on one DynamoDB table (its shape: ``dynamodb_table``)."""

    def __init__(
        self, table: str, clock: Clock, client: Any = None, *, page_size: int | None = None
    ) -> None:
        self.table = table
        self.clock = clock
        self._client = client
        self.page_size = page_size
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self.clock.now().timestamp()

    @property
    def client(self) -> Any:
        """The boto3 DynamoDB client, created on first use (keeps imports and cold start small)."""
        with self._lock:
            if self._client is None:
                import boto3

                self._client = boto3.client("dynamodb")
            return self._client

    def get(self, kind: str, key: str) -> Record | None:
        item = self._call(
            "GetItem", Key=_key(kind, key), ConsistentRead=True, action=f"read {kind}/{key}"
        ).get("Item")
        if item is None or _expired(item, self._now()):
            return None
        return self._readable(item)

    def put(
        self,
        kind: str,
        key: str,
        body: dict[str, Any],
        *,
        expected_version: int | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        text = json.dumps(body, separators=(",", ":"), default=str)
        expiry = math.ceil(expires_at.timestamp()) if expires_at else None
        if expected_version is not None:
            return self._put_at(kind, key, text, expiry, expected_version)
        for _ in range(MAX_RETRIES):
            current = self.get(kind, key)
            try:
                return self._put_at(kind, key, text, expiry, current.version if current else 0)
            except Conflict:
                continue  # another writer got in between: read again and retry
        raise Conflict(f"{kind}/{key} kept changing; gave up after {MAX_RETRIES} attempts")

    def put_all(self, writes: list[Write]) -> list[int]:
        """One TransactWriteItems: every document written, or none (at most 100)."""
        from botocore.exceptions import ClientError

        versions, items = [], []
        for write in writes:
            expected = write.expected_version
            if expected is None:
                current = self.get(write.kind, write.key)
                expected = current.version if current else 0
            text = json.dumps(write.body, separators=(",", ":"), default=str)
            condition = (
                "attribute_not_exists(#v) OR #e <= :now"
                if expected == 0
                else f"#v = :expected AND {LIVE}"
            )
            values = {":now": _n(self._now())}
            if expected:
                values[":expected"] = _n(expected)
            item = _item(write.kind, write.key, text, expected + 1, None)
            put = {
                "TableName": self.table,
                "Item": item,
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#v": "version", "#e": "expires_at"},
                "ExpressionAttributeValues": values,
            }
            items.append({"Put": put})
            versions.append(expected + 1)
        try:
            self.client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "TransactionCanceledException":
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if "ConditionalCheckFailed" in reasons or "ConditionalCheckFailed" in str(exc):
                    names = ", ".join(f"{w.kind}/{w.key}" for w in writes)
                    raise Conflict(f"one of {names} changed; nothing was written") from None
            raise StoreError(_explain(self.table, "write a transaction", code, exc)) from exc
        except Exception as exc:
            from botocore.exceptions import BotoCoreError

            if isinstance(exc, BotoCoreError):
                raise StoreError(f"DynamoDB table {self.table}: transaction: {exc}") from exc
            raise
        return versions

    def delete(self, kind: str, key: str, *, expected_version: int | None = None) -> None:
        request: dict[str, Any] = {"Key": _key(kind, key)}
        if expected_version is not None:
            request.update(
                ConditionExpression="#v = :expected",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues={":expected": _n(expected_version)},
            )
        try:
            self._call("DeleteItem", **request, action=f"delete {kind}/{key}")
        except _ConditionFailed:
            raise Conflict(f"{kind}/{key} is not at version {expected_version}") from None

    def scan(self, kind: str, prefix: str = "") -> list[Record]:
        names = {"#k": "kind", "#e": "expires_at"}
        values: dict[str, Any] = {":kind": {"S": kind}, ":now": _n(self._now())}
        condition = "#k = :kind"
        if prefix:
            condition += " AND begins_with(#s, :prefix)"
            names["#s"] = "key"
            values[":prefix"] = {"S": prefix}
        request: dict[str, Any] = {
            "KeyConditionExpression": condition,
            "FilterExpression": LIVE,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
        }
        if self.page_size:
            request["Limit"] = self.page_size
        records: list[Record] = []
        while True:
            page = self._call("Query", **request, action=f"list {kind}/{prefix}*")
            found = (self._readable(item) for item in page.get("Items", []))
            records += [record for record in found if record is not None]
            if "LastEvaluatedKey" not in page:
                return records
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _readable(self, item: dict[str, Any]) -> Record | None:
        """The item's document, or None after setting an unreadable item aside (and saying so)."""
        try:
            return record_of(item)
        except CorruptRow as exc:
            self._set_aside(item, str(exc))
            return None

    def _set_aside(self, item: dict[str, Any], reason: str) -> None:
        """Move the item under kind ``set_aside`` in one transaction; the rest stays usable."""
        kind, key = item["kind"]["S"], item["key"]["S"]
        log.error(
            "state item set aside: it cannot be read",
            extra={"kind": kind, "key": key, "reason": reason, "table": self.table},
        )
        delete = {"TableName": self.table, "Key": _key(kind, key), **original_unchanged(item)}
        put = {"TableName": self.table, "Item": aside_item(item, reason, self._now())}
        try:
            self.client.transact_write_items(TransactItems=[{"Put": put}, {"Delete": delete}])
        except Exception as exc:  # a failure here must not stop the read that met the item
            log.warning("could not set the item aside", extra={"reason": type(exc).__name__})

    def unreadable(self) -> list[tuple[str, str, str]]:
        """(kind, key, why) of every live item that cannot be read, without moving any.

        One paginated Scan of the whole table (``check-config`` runs it, not the poll)."""
        request: dict[str, Any] = {}
        problems = []
        now = self._now()
        while True:
            page = self._call("Scan", **request, action="read every item")
            for item in page.get("Items", []):
                if item["kind"]["S"] == SET_ASIDE or _expired(item, now):
                    continue
                try:
                    record_of(item)
                except CorruptRow as exc:
                    problems.append((item["kind"]["S"], item["key"]["S"], str(exc)))
            if "LastEvaluatedKey" not in page:
                return problems
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def close(self) -> None:
        """Nothing to release: the client's connections close with the process."""

    def _put_at(self, kind: str, key: str, text: str, expiry: int | None, expected: int) -> int:
        if expected == 0:
            condition = "attribute_not_exists(#v) OR #e <= :now"
        else:
            condition = f"#v = :expected AND {LIVE}"
        item = _item(kind, key, text, expected + 1, expiry)
        try:
            self._write(item, condition, {":expected": _n(expected)})
        except _ConditionFailed as failed:
            raise Conflict(f"{kind}/{key} {failed.state}, not at version {expected}") from None
        return expected + 1

    def _write(self, item: dict[str, Any], condition: str, values: dict[str, Any]) -> None:
        used = {k: v for k, v in values.items() if k in condition}
        self._call(
            "PutItem",
            Item=item,
            ConditionExpression=condition,
            ExpressionAttributeNames={"#v": "version", "#e": "expires_at"},
            ExpressionAttributeValues={":now": _n(self._now()), **used},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
            action=f"write {item['kind']['S']}/{item['key']['S']}",
        )

    def _call(self, operation: str, *, action: str, **request: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        method = getattr(self.client, _snake(operation))
        try:
            return dict(method(TableName=self.table, **request))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise _ConditionFailed(exc.response.get("Item"), self._now()) from None
            raise StoreError(_explain(self.table, action, code, exc)) from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB table {self.table}: {action}: {exc}") from exc


class _ConditionFailed(Exception):
    def __init__(self, item: dict[str, Any] | None, now: float) -> None:
        if item and "version" in item and not _expired(item, now):
            self.state = f"is at version {item['version']['N']}"
        else:
            self.state = "has changed"


def _explain(table: str, action: str, code: str, exc: Exception) -> str:
    if code == "ResourceNotFoundException":
        return (
            f"DynamoDB table {table!r} does not exist in this region/account. Deploy "
            "infra/template.yaml (it creates the table), run `genai-ops create-table` "
            "for a quick trial, or fix GENAI_OPS_STATE_URL / AWS_REGION."
        )
    hint = " (grant the IAM permission for this table)" if "AccessDenied" in code else ""
    return f"DynamoDB table {table}: {action}: {exc}{hint}"


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _key(kind: str, key: str) -> dict[str, Any]:
    if not kind or not key:
        raise StoreError("DynamoDB needs a non-empty kind and key")
    return {"kind": {"S": kind}, "key": {"S": key}}


def _item(kind: str, key: str, text: str, version: int, expiry: int | None) -> dict[str, Any]:
    item = {**_key(kind, key), "body": {"S": text}, "version": _n(version)}
    if expiry is not None:
        item["expires_at"] = _n(expiry)
    return item


def _n(value: float) -> dict[str, str]:
    return {"N": str(int(value)) if float(value).is_integer() else repr(float(value))}


def _expired(item: dict[str, Any], now: float) -> bool:
    """Past its expiry; an expiry that is not a number counts as none (``record_of`` says)."""
    try:
        return "expires_at" in item and float(item["expires_at"]["N"]) <= now
    except (KeyError, TypeError, ValueError):
        return False
