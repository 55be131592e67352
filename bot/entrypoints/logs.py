"""Logs to stderr: one readable line on a terminal, JSON lines otherwise (or by setting).

Secrets are scrubbed in both forms, chatty libraries kept quiet, and one Bolt warning that
the bot causes on purpose (it hands Bolt a ready client) is dropped."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

SECRET = re.compile(r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
QUIET = (
    "botocore",
    "boto3",
    "urllib3",
    "slack_sdk",
    "slack_bolt",
    "apscheduler",
    "werkzeug",
    "matplotlib",  # at DEBUG its font search fills the log at start-up (charts are warmed)
)
# Loggers whose INFO lines are one per request or job run (the embedded moto server's access
# log among them): warnings only, whatever the bot's level.
CHATTY = ("urllib3", "apscheduler", "werkzeug")


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


class TextFormatter(logging.Formatter):
    """``12:00:01 WARNING poll: message (key=value ...)`` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(
            f"{k}={v}" for k, v in record.__dict__.items() if k not in STANDARD and k != "color"
        )
        line = (
            f"{self.formatTime(record, '%H:%M:%S')} {record.levelname} "
            f"{record.name.rsplit('.', 1)[-1]}: {record.getMessage()}"
            + (f" ({extra})" if extra else "")
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return scrub(line)


class DropBoltTokenNotice(logging.Filter):
    """Bolt warns that ``token`` is unused when given a client too; the bot does that on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def use_text(log_format: str, stream: Any = None) -> bool:
    """Text always for ``text``, never for ``json``, and on a terminal for ``auto``."""
    if log_format != "auto":
        return log_format == "text"
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def configure(level: str = "INFO", log_format: str = "auto", stream: Any = None) -> None:
    """Send logs at ``level`` and above to ``stream`` (stderr), as text or JSON lines."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter() if use_text(log_format, stream) else JsonFormatter())
    handler.addFilter(DropBoltTokenNotice())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(floor, logging.WARNING if name in CHATTY else floor))
    # A refused AssumeRole is reported by the bot itself, one line naming the target; botocore
    # would also log it with a traceback each time it retries the refresh.
    logging.getLogger("botocore.credentials").setLevel(logging.ERROR)
