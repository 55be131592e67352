"""Structured logs to stderr, with secrets scrubbed and chatty libraries kept quiet."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

SECRET = re.compile(r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
QUIET = ("botocore", "boto3", "urllib3", "slack_sdk", "slack_bolt", "apscheduler", "werkzeug")


def scrub(text: str) -> str:
    return SECRET.sub("[redacted]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, default=str))


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in QUIET:
        logging.getLogger(name).setLevel(
            max(floor, logging.WARNING if name == "urllib3" else floor)
        )
