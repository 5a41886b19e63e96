"""The whole story in a real browser: an investigator builds an EPOC for subscriber data to Meta from Finland and
submits it; a prosecutor approves it; the PDF downloads; the liaison officer marks it sent and sees it on the board
with a 10-day deadline; an investigator of another unit cannot open it."""

import re
from pathlib import Path

import pytest

from tests.browser.steps import (approve_with_step_up, mark_sent, open_case, submit_for_approval, switch_user,
                                 walk_wizard_to_review)

pytestmark = pytest.mark.browser


def test_epoc_from_draft_to_sent(page, base_url):
    # investigator: case → request wizard → submit
    switch_user(page, base_url, "investigator@demo.lawreq")
    open_case(page, base_url, "E2E-2026-0001")
    walk_wizard_to_review(page, username="@Jane.Doe")
    request_url = submit_for_approval(page)
    assert "Awaiting approval" in page.inner_text("h1")

    # prosecutor: approval queue → approve and sign
    switch_user(page, base_url, "prosecutor@demo.lawreq")
    request_id = request_url.rsplit("/", 1)[1]
    approve_with_step_up(page, base_url, request_id)
    page.goto(request_url)
    assert "Approved" in page.inner_text("h1")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"

    # liaison officer: mark sent → the board shows it with a 10-day response deadline
    switch_user(page, base_url, "liaison@demo.lawreq")
    mark_sent(page, request_url, channel="Meta LEORS", provider_reference="LE-E2E-1")
    assert "Sent" in page.inner_text("h1"), page.locator(".flash").all_inner_texts()
    deadlines = page.locator("section", has=page.get_by_role("heading", name="Deadlines")).inner_text()
    assert "Response" in deadlines and re.search(r"in (9|10) d", deadlines), deadlines
    page.goto(base_url + "/board?q=jane.doe")
    assert "E2E-2026-0001" in page.content()

    # an investigator of another unit cannot open it
    switch_user(page, base_url, "ermittler@demo.lawreq")
    response = page.goto(request_url)
    assert response.status == 404
