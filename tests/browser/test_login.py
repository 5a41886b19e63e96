"""A demo user logs in through a real browser and reaches the home page."""

import pytest

from lawreq.demo import DEMO_PASSWORD
from tests.browser.steps import enter_credentials

pytestmark = pytest.mark.browser


def test_investigator_logs_in_and_sees_home(page, base_url):
    page.goto(base_url + "/")
    page.get_by_label("E-mail").fill("investigator@demo.lawreq")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/home")
    assert "Good to see you, Ilona" in page.inner_text("h1")


def test_wrong_password_shows_an_alert(page, base_url):
    enter_credentials(page, base_url, "investigator@demo.lawreq", password="definitely wrong")
    assert "E-mail or password is wrong" in page.get_by_role("alert").inner_text()


def test_post_without_csrf_token_is_refused(page, base_url):
    resp = page.request.post(base_url + "/login", form={"email": "x@y", "password": "z"})
    assert resp.status == 400
