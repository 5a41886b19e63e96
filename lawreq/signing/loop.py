"""pyHanko's synchronous calls each start an event loop (``asyncio.run``), which Python refuses inside a thread
whose loop is already running (an async host, or a test's browser driver). There the call runs in a short-lived
thread of its own; everywhere else it runs as it is."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_running_loop(call: Callable[[], T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(call).result()
