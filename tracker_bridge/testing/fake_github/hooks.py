"""Repository webhooks the fake delivers, as GitHub does: a JSON POST with `X-GitHub-Event`,
`X-GitHub-Delivery` (a GUID) and, when the hook has a secret, `X-Hub-Signature-256`
(`sha256=` HMAC of the raw body). Deliveries are sent after the change is made and the lock
released; like GitHub, a failed delivery is not retried (it is kept in `failed`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Hook:
    url: str
    secret: str | None
    events: tuple[str, ...] = ("*",)
    active: bool = True

    def wants(self, event: str) -> bool:
        return self.active and ("*" in self.events or event in self.events)


@dataclass
class Delivery:
    guid: str
    event: str
    payload: dict[str, Any]
    status: int | None = None


@dataclass
class Hooks:
    hooks: list[Hook] = field(default_factory=list)
    sent: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)

    def deliver(self, event: str, payload: dict[str, Any]) -> None:
        for hook in self.hooks:
            if hook.wants(event):
                self._send(hook, Delivery(str(uuid.uuid4()), event, payload))

    def _send(self, hook: Hook, delivery: Delivery) -> None:
        body = json.dumps(delivery.payload).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/fake",
            "X-GitHub-Event": delivery.event,
            "X-GitHub-Delivery": delivery.guid,
            "X-GitHub-Hook-ID": "1",
        }
        if hook.secret:
            digest = hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={digest}"
        try:
            answer = httpx.post(hook.url, content=body, headers=headers, timeout=10)
            delivery.status = answer.status_code
        except httpx.HTTPError:
            delivery.status = None
        self.sent.append(delivery)
        if delivery.status is None or not 200 <= delivery.status < 300:
            self.failed.append(delivery)


def envelope(
    action: str, repository: dict[str, Any], sender: dict[str, Any], **parts: Any
) -> dict[str, Any]:
    """The keys every repository event carries around its own object(s)."""
    organization = repository.get("organization") or repository.get("owner")
    return {
        "action": action,
        **parts,
        "repository": repository,
        "organization": {"login": organization["login"]} if organization else None,
        "sender": sender,
    }


__all__ = ["Delivery", "Hook", "Hooks", "envelope"]
