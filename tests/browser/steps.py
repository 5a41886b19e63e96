"""Steps several browser stories share, named for what the user does, so that a story reads as the user's day
and a change to a page is made in one place. Assertions stay in the stories."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pyotp

from lawreq.demo import DEMO_PASSWORD, DEMO_TOTP

#: the grooming case most stories build a request for
GROOMING = "An adult contacted a 12-year-old through Instagram."

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


def enter_credentials(page, base_url: str, who: str, password: str = DEMO_PASSWORD) -> None:
    """The login form: e-mail, password, "Log in". Where that leads is the caller's to check."""
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(who)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page, base_url: str, who: str) -> None:
    """A demo user logs in: password, then a fresh code where the user has a second factor, to the home page."""
    enter_credentials(page, base_url, who)
    if who in DEMO_TOTP:
        page.wait_for_url(re.compile(r"/login/totp$"))
        page.locator("input[name=code]").fill(next_code(who))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/home$"))


def switch_user(page, base_url: str, who: str) -> None:
    """The next person takes the browser: the last one's session is gone, ``who`` logs in.

    Wait for the network to settle before clearing cookies: a subresource response still in flight set the old
    session cookie again after the clear (the story then went on as the wrong user; flaky in CI).
    """
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    log_in(page, base_url, who)


def open_case(page, base_url: str, reference: str, summary: str = GROOMING) -> None:
    """The investigator opens a case for solicitation of a child (at most 4 years) and lands on its page."""
    page.goto(base_url + "/cases/new")
    page.locator("input[name=reference]").fill(reference)
    page.locator("select[name=offence]").select_option("solicitation_of_children")
    page.locator("input[name=max_penalty_years]").fill("4")
    page.locator("textarea[name=summary]").fill(summary)
    page.get_by_role("button", name="Create case").click()


def _save(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def walk_wizard_to_review(page, username: str, facts: str = GROOMING,
                          necessity: str = "Only the subscriber data can identify the suspect.",
                          emergency: str | None = None) -> None:
    """From the case page, a new request through every wizard step to the review: subscriber data of the
    Instagram user ``username`` for October 2026, by EPOC; an emergency when ``emergency`` gives the reason."""
    page.get_by_role("button", name="New request in this case").click()
    page.wait_for_url(re.compile(r"/wizard/target$"))
    page.locator("input[name=provider]").fill("Instagram")
    page.locator("select[name='identifiers-0-kind']").select_option("username")
    page.locator("input[name='identifiers-0-value']").fill(username)
    page.locator("input[name=period_start]").fill("2026-10-01")
    page.locator("input[name=period_end]").fill("2026-11-01")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/data$"))
    page.locator("input[name=data_categories][value=subscriber_data]").check()
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/urgency$"))
    if emergency is not None:
        page.locator("input[name=emergency]").check()
        page.locator("textarea[name=emergency_justification]").fill(emergency)
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/route$"))
    page.locator("input[name=route][value='eu-epoc']").check()
    page.get_by_role("button", name="Use this route").click()
    page.wait_for_url(re.compile(r"/wizard/details$"))
    page.locator("[name=facts_summary]").fill(facts)
    page.locator("[name=legal_provisions]").fill("Criminal Code (39/1889) chapter 20 section 8b")
    page.locator("[name=necessity_proportionality]").fill(necessity)
    page.locator("[name=time_range_start]").fill("2026-10-01T00:00")
    page.locator("[name=time_range_end]").fill("2026-11-01T00:00")
    if page.locator("select[name=language]").count():  # only where the route declares a language field
        page.locator("select[name=language]").select_option("en")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/review$"))


def submit_for_approval(page) -> str:
    """Review → "Submit for approval" → the request's page; returns its address."""
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    return page.url


def mark_sent(page, request_url: str, channel: str, provider_reference: str | None = None) -> None:
    """The liaison officer records on the request's page that it went out through ``channel``."""
    page.goto(request_url)
    form = page.locator("form.action-form", has=page.get_by_role("button", name="Mark sent"))
    form.locator("input[name=channel]").fill(channel)
    if provider_reference is not None:
        form.locator("input[name=provider_reference]").fill(provider_reference)
    form.get_by_role("button", name="Mark sent").click()
    page.wait_for_url(request_url)
