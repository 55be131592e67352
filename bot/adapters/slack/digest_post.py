"""Posting a digest to a channel, its chart in the message's thread."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from alarms.digest import Digest
from bot.adapters.slack.channel import translate
from bot.adapters.slack.digest_chart import digest_png
from bot.adapters.slack.digest_view import digest_message

log = logging.getLogger(__name__)


def post_digest(client: WebClient, channel: str, digest: Digest) -> str:
    """Posts ``digest`` to ``channel``; returns the message ts. Raises ``SendFailed``."""
    text, blocks = digest_message(digest)
    try:
        answer = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except (SlackClientError, OSError) as exc:
        raise translate(exc) from exc
    ts = str(answer["ts"])
    png = digest_png(digest)
    if png is not None:
        try:
            client.files_upload_v2(
                channel=str(answer.get("channel") or channel),
                thread_ts=ts,
                content=png,
                filename="digest.png",
                title=f"Latency per model, {digest.route}",
            )
        except (SlackClientError, OSError) as exc:
            log.warning("digest chart not uploaded", extra={"reason": str(exc)[:200]})
    return ts
