"""Browser tests: Debian's Chromium driven by Playwright (never ``playwright install``), against a real
``lawreq serve --demo`` in a subprocess — the same command a new user runs, with its own SQLite instance folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    env = {**os.environ, "LAWREQ_INSTANCE_PATH": str(instance), "LAWREQ_PASSWORD_HASH_PROFILE": "default"}
    env.pop("LAWREQ_DATABASE_URL", None)
    log = open(instance / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "lawreq.cli", "serve", "--demo", "--port", str(port),
                             "--no-scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[2])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("lawreq serve --demo did not start:\n" + (instance / "server.log").read_text())
        time.sleep(0.3)
    yield {"url": url, "instance": instance, "env": env}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server["url"]
