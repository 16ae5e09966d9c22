"""Posting a Slack message to an incoming webhook. The URL is a secret: never shown."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tracker_bridge.errors import UserError
from tracker_bridge.reports.fmt import shorten
from tracker_bridge.reports.render_slack import SlackMessage

# slack_sdk logs the webhook URL at DEBUG and errors that may quote it; keep it quiet.
_quiet = logging.getLogger("tracker_bridge.reports.slack_webhook")
_quiet.setLevel(logging.CRITICAL)
_quiet.propagate = False


class SlackPostError(UserError):
    exit_code = 1


def post_to_slack(
    webhook_url: SecretStr,
    payload: SlackMessage | Mapping[str, Any],
    *,
    timeout: int = 15,
    retries: int = 2,
) -> None:
    """Send once; on 429 wait Retry-After and resend (up to `retries`). Raises SlackPostError."""
    body = payload.to_dict() if isinstance(payload, SlackMessage) else dict(payload)
    url = webhook_url.get_secret_value()
    client = WebhookClient(
        url,
        timeout=timeout,
        logger=_quiet,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=retries)],
    )
    try:
        response = client.send(text=body.get("text"), blocks=body.get("blocks"))
    except Exception as exc:
        reason = str(getattr(exc, "reason", "") or type(exc).__name__).replace(url, "<webhook>")
        raise SlackPostError(f"posting to Slack failed: {shorten(reason, 200)}") from None
    if response.status_code != 200:
        detail = shorten(str(response.body or "").replace(url, "<webhook>").strip(), 200)
        raise SlackPostError(
            f"Slack webhook answered HTTP {response.status_code}"
            + (f": {detail}" if detail else "")
        )
