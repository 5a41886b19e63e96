"""Browser tests: Debian's Chromium driven by Playwright (never ``playwright install``), against a real
``lawreq serve --demo`` in a subprocess — the same command a new user runs, with its own SQLite instance folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[2]
#: what every demo server gets unless a story asks otherwise: the real password hashing, as a new user has it
DEMO_DEFAULTS = {"PASSWORD_HASH_PROFILE": "default"}

if CHROMIUM is None:
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve_demo(instance: Path, settings: dict[str, str]) -> Iterator[dict]:
    """``lawreq serve --demo`` with ``LAWREQ_<key>`` set from ``settings``, up once ``/healthz`` answers."""
    port = free_port()
    env = {**os.environ, "LAWREQ_INSTANCE_PATH": str(instance),
           **{f"LAWREQ_{key}": value for key, value in settings.items()}}
    env.pop("LAWREQ_DATABASE_URL", None)  # the demo's own SQLite file, whatever the developer's shell says
    with open(instance / "server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "lawreq.cli", "serve", "--demo", "--port", str(port),
                                 "--no-scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_healthy(url, proc, instance)
            yield {"url": url, "instance": instance, "env": env}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_until_healthy(url: str, proc: subprocess.Popen, instance: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("lawreq serve --demo did not start:\n" + (instance / "server.log").read_text())
        time.sleep(0.3)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[Callable[..., dict]]:
    """``demo_server(**settings)`` → a running demo server with those ``LAWREQ_*`` settings over ``DEMO_DEFAULTS``.

    One server per distinct settings, started when first asked for and shared by every story that asks for the
    same ones (starting one costs seconds), all stopped at the end of the session. A story that needs something
    the shared server lacks (the hand-off story's SMTP server) asks for it here rather than copying the start-up.
    """
    servers: dict[frozenset, dict] = {}
    with contextlib.ExitStack() as stack:
        def serve(**settings: str) -> dict:
            settings = {**DEMO_DEFAULTS, **settings}
            key = frozenset(settings.items())
            if key not in servers:
                instance = tmp_path_factory.mktemp("live-instance")
                servers[key] = stack.enter_context(_serve_demo(instance, settings))
            return servers[key]
        yield serve


@pytest.fixture(scope="session")
def live_server(demo_server):
    """The demo server most stories share."""
    return demo_server()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server["url"]
