"""`sync --yes` on a quiet night: replay the stamped conversation; the same answers, nothing
to do. Any doubt at all (a digest, a date, a status, an error) returns None and the full
sync runs as if this did not exist; it never moves a cursor or writes anything but its run
record, so a change it missed is still there for the next full sync to find.

The requests go out through the transports the client libraries send with (requests under
jira and PyGithub, httpx for GraphQL), with credentials read from the variable or secrets
file the stamp names, exactly as the recorded ones went.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tracker_bridge.locations import secret_value
from tracker_bridge.quiet import store
from tracker_bridge.quiet.command import Ask, NotQuiet, ask_of
from tracker_bridge.quiet.conversation import Exchange, answer_digest
from tracker_bridge.quiet.stamp import Stamp, TrackerTalk, code_digest, env_digest, file_digest

TIMEOUT = (10.0, 60.0)
"""Connect and read seconds per request: a slow tracker only costs the fallback."""
Send = Callable[[Exchange, dict[str, str]], tuple[int, str]]
"""Sends one exchange again: the answer's status and `answer_digest`."""


def quiet_night(argv: list[str], *, debug: bool = False) -> int | None:
    """The exit code of a quiet night answered here, or None: run the full sync."""
    try:
        ask = ask_of(argv)
        with closing(store.connect(ask.store)) as conn:
            return _answer(ask, conn)
    except NotQuiet as why:
        if debug:
            print(f"quiet night: full sync ({why})", file=sys.stderr)
    except Exception as exc:  # never a reason to fail a sync: the full path runs
        if debug:
            print(f"quiet night: full sync ({type(exc).__name__}: {exc})", file=sys.stderr)
    return None


def _answer(ask: Ask, conn: sqlite3.Connection) -> int:
    row = store.read_stamp(conn, ask.project)
    stamp = Stamp.loads(row[4])
    if stamp is None:
        raise NotQuiet("a stamp of another version")
    _check_inputs(ask, stamp)
    started = datetime.now(UTC)
    with store.project_lock(conn, ask.project) as token:
        sent = _replay(stamp)
        summary = {
            **stamp.summary,
            "requests": sent,
            "quiet": {"replayed": sum(sent.values()), "stamped_at": row[1]},
        }
        store.record_run(conn, row, started, summary, token)
    _report(ask, stamp, summary)
    return 0


def _check_inputs(ask: Ask, stamp: Stamp) -> None:
    if stamp.store != str(ask.store):
        raise NotQuiet("the stamp was made for another store file")
    if stamp.code != code_digest():
        raise NotQuiet("tracker-bridge itself changed")
    if str(Path(ask.config).resolve()) not in stamp.files:
        raise NotQuiet("another config file")
    for path, digest in stamp.files.items():
        if file_digest(path) != digest:
            raise NotQuiet(f"{path} changed")
    if env_digest() != stamp.env:
        raise NotQuiet("a TB_* environment variable changed")
    today = datetime.now(ZoneInfo(stamp.timezone)).date()
    if not stamp.valid_from <= today <= stamp.valid_through:
        raise NotQuiet(f"the team date {today} is outside the stamp's "
                       f"{stamp.valid_from}..{stamp.valid_through}")


def _replay(stamp: Stamp) -> dict[str, int]:
    """Every stamped exchange, in order; NotQuiet at the first answer that differs."""
    sent: dict[str, int] = {}
    with ExitStack() as stack:
        senders: dict[str, Send] = {}
        for talk in stamp.talks:
            credentials = _credentials(talk)
            sent[talk.tracker] = 0
            for exchange in talk.exchanges:
                if exchange.via not in senders:
                    senders[exchange.via] = _sender(exchange.via, stack)
                headers = dict(exchange.headers)
                if exchange.auth:
                    headers["Authorization"] = credentials(exchange.auth)
                status, digest = senders[exchange.via](exchange, headers)
                sent[talk.tracker] += 1
                if status != exchange.status or digest != exchange.digest:
                    raise NotQuiet(f"{talk.tracker}: {exchange.method} answered differently")
    return sent


def _credentials(talk: TrackerTalk) -> Callable[[str], str]:
    def header(scheme: str) -> str:
        if talk.token_env is None:
            raise NotQuiet(f"{talk.tracker}: no token variable named")
        token = _secret(talk.token_env)
        if scheme == "Basic":
            pair = f"{talk.username or ''}:{token}".encode()
            return "Basic " + base64.b64encode(pair).decode()
        return f"{scheme} {token}"

    return header


def _secret(name: str) -> str:
    value = secret_value(name)
    if value is None:
        raise NotQuiet(f"{name} is not set")
    return value


def _sender(via: str, stack: ExitStack) -> Send:
    if via == "requests":
        import requests  # what jira and PyGithub send with

        session = stack.enter_context(requests.Session())

        def by_requests(exchange: Exchange, headers: dict[str, str]) -> tuple[int, str]:
            body = exchange.body.encode() if exchange.body is not None else None
            response = session.request(exchange.method, exchange.url, data=body,
                                       headers=headers, timeout=TIMEOUT, allow_redirects=False)
            return response.status_code, answer_digest(response.content, response.headers)

        return by_requests
    if via == "httpx":
        import httpx  # the GraphQL client's transport

        client = stack.enter_context(httpx.Client(timeout=httpx.Timeout(TIMEOUT[1],
                                                                         connect=TIMEOUT[0])))

        def by_httpx(exchange: Exchange, headers: dict[str, str]) -> tuple[int, str]:
            response = client.request(exchange.method, exchange.url, content=exchange.body,
                                      headers=headers)
            return response.status_code, answer_digest(response.content, response.headers)

        return by_httpx
    raise NotQuiet(f"an exchange sent by {via!r}")


def _report(ask: Ask, stamp: Stamp, summary: Mapping[str, Any]) -> None:
    replayed = summary["quiet"]["replayed"]
    if ask.as_json:
        print(json.dumps({"plan": stamp.plan, "summary": summary}, indent=2, default=str))
        return
    for line in _lines(stamp, summary):
        print(line)
    print(f"quiet night: replayed {replayed} request(s), nothing changed since the last "
          f"full sync ({summary['quiet']['stamped_at'][:16]} UTC); "
          "`sync --no-quiet` runs the full sync anyway")


def _lines(stamp: Stamp, summary: Mapping[str, Any]) -> Iterator[str]:
    yield f"Sync summary — {stamp.project}"
    yield "  created 0, updated 0, moved 0, conflicts 0, failures 0"
    for tracker, used in sorted(summary["requests"].items()):
        yield f"  {tracker}: {used} request(s), 0 changed issue(s) pulled"
