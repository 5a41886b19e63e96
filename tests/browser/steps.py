"""Steps several browser stories share."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pyotp

from lawreq.demo import DEMO_TOTP


_LAST_STEP: dict[str, int] = {}


def next_code(email: str) -> str:
    """A code of ``email``'s demo second factor that the server has not seen yet.

    The server refuses a code whose time step is not newer than the last one it accepted (replay protection),
    and the stories share one server: take the step after the last one this run typed, waiting for the clock
    when that step is more than the one step ahead the check tolerates.
    """
    totp = pyotp.TOTP(DEMO_TOTP[email])
    while True:
        now_step = totp.timecode(datetime.now(timezone.utc))
        step = max(now_step, _LAST_STEP.get(email, -1) + 1)
        if step <= now_step + 1:
            _LAST_STEP[email] = step
            return totp.generate_otp(step)
        time.sleep(1)


def approve_with_step_up(page, base_url: str, request_id: str, email: str = "prosecutor@demo.lawreq",
                         comment: str = "Necessary and proportionate.") -> bytes:
    """Review → "Approve and sign…" → read the document → a fresh code + the confirmation → signed.

    Returns the bytes of the document the approver was shown. The login used the current code; replay
    protection refuses it again, so the step-up types the next one (``next_code``).
    """
    page.goto(f"{base_url}/approvals/{request_id}")
    page.locator("textarea").first.fill(comment)
    page.get_by_role("button", name="Approve and sign").click()
    page.wait_for_selector("#prepared-preview")
    preview = page.request.get(base_url + page.locator("#prepared-preview").get_attribute("href"))
    assert preview.status == 200 and preview.headers["content-type"] == "application/pdf"
    page.locator("input[name=code]").fill(next_code(email))
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="Sign and issue").click()
    page.wait_for_url(re.compile(r"/approvals$"))
    return preview.body()
