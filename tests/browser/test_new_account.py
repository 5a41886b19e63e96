"""A newcomer's first day in a real browser: the demo admin opens an investigator account with a temporary
password and logs out; the newcomer logs in with it, is made to choose their own password, and reaches the board."""

import re

import pytest

from tests.browser.steps import enter_credentials, switch_user

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.lawreq"
NEWCOMER = "nina.newcomer@demo.lawreq"
TEMPORARY = "temporary from Aino 2026"
OWN = "Nina's own passphrase 2026"


def test_admin_opens_an_account_and_the_newcomer_chooses_a_password_before_the_board(page, base_url):
    # the admin: password, second factor, then a new investigator account in unit FI-CSA
    switch_user(page, base_url, ADMIN)
    page.goto(base_url + "/admin/users/new")
    page.locator("input[name=email]").fill(NEWCOMER)
    page.locator("input[name=name]").fill("Nina Newcomer")
    page.locator("select[name=role]").select_option("investigator")
    page.get_by_label(re.compile(r"\(FI-CSA\)")).check()
    page.locator("input[name=password]").fill(TEMPORARY)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    assert "they choose their own at their first login" in page.locator(".flash").inner_text()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login$"))

    # the newcomer: the temporary password leads to one page only
    enter_credentials(page, base_url, NEWCOMER, TEMPORARY)
    page.wait_for_url(re.compile(r"/login/new-password$"))
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    page.goto(base_url + "/board")
    page.wait_for_url(re.compile(r"/login/new-password$"))
    page.get_by_label("New password", exact=True).fill(OWN)
    page.get_by_label("Repeat the new password").fill(OWN)
    page.get_by_role("button", name="Save my new password").click()
    page.wait_for_url(re.compile(r"/home$"))
    assert "Your new password is set" in page.locator(".flash").inner_text()
    assert "Good to see you, Nina" in page.inner_text("h1")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Board", exact=True).click()
    page.wait_for_url(re.compile(r"/board$"))
    assert page.inner_text("h1") == "Board"
