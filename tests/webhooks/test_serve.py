"""`tracker-bridge serve --webhooks` as a real process: it listens, answers a signed delivery
with 202 at once, and logs neither the secret nor the signature."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.processes import line_reader
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.webhooks import sign

pytestmark = pytest.mark.slow
SCRIPT = Path(sys.executable).parent / "tracker-bridge"
EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"
SECRET_ENV, SECRET = "TB_TEST_GITHUB_WEBHOOK_SECRET", "serve-test-github-hook-secret"


def test_serve_webhooks_queues_a_sync_for_a_signed_delivery(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        tracker_line = f"tracker = {json.dumps(sandbox.github_tracker)}\n"
        text = sandbox.config_text().replace(
            tracker_line, tracker_line + f'webhook_secret_env = "{SECRET_ENV}"\n'
        )
        # A long debounce: this test is about the receiver, not the sync.
        sandbox.config_path.write_text(text + "\n[webhooks]\ndebounce_seconds = 600\n")
        process = subprocess.Popen(
            [SCRIPT, "serve", "-c", sandbox.config_path, "--webhooks", "--webhook-port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **sandbox.environ, SECRET_ENV: SECRET},
        )
        out, log = line_reader(process.stdout), line_reader(process.stderr)
        signature = ""
        try:
            assert out.get(timeout=30).strip() == f"scheduled sync:{sandbox.project}"
            line = out.get(timeout=30).strip()
            assert line.startswith("receiving webhooks at http://127.0.0.1:"), line
            base = line.split(" at ", 1)[1].split("/webhooks", 1)[0]
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
            body = json.dumps({"repository": {"full_name": sandbox.github_repo}}).encode()
            signature = sign(SECRET, body)
            headers = {
                "X-Hub-Signature-256": signature,
                "X-GitHub-Delivery": "serve-1",
                "X-GitHub-Event": "issues",
            }
            answer = httpx.post(f"{base}/webhooks/github", content=body, headers=headers)
            assert answer.status_code == 202, answer.text
            assert answer.json()["project"] == sandbox.project
        finally:
            process.terminate()
            process.wait(timeout=10)
    err = "".join(iter(log.get, ""))
    assert process.returncode == 0, err
    assert "sync of trending-now queued" in err and "Traceback" not in err
    for secret in (SECRET, signature, signature[7:], *sandbox.environ.values()):
        assert secret not in err
