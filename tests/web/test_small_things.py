"""What a new user notices first: the icon, the short statistics address."""

from __future__ import annotations

import re


def test_every_page_links_an_icon_that_exists(client, login, factory):
    login(factory.user("investigator"))
    page = client.get("/home").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    with client.get("/favicon.ico") as old_style:
        assert old_style.status_code == 301 and old_style.headers["Location"].endswith("/static/favicon.svg")


def test_statistics_answer_at_the_short_address_too(client, login, factory):
    officer = factory.user("liaison_officer")
    login(officer)
    short = client.get("/statistics?days=90")
    assert short.status_code == 200 and 'option value="90" selected' in short.get_data(as_text=True)
    # the same page, but for the line saying when its figures were computed (live first, then the stored snapshot)
    as_of = re.compile(r'<p class="help" id="stats-as-of">.*?</p>', re.S)
    assert (as_of.sub("", short.get_data(as_text=True))
            == as_of.sub("", client.get("/board/statistics?days=90").get_data(as_text=True)))


def test_the_short_statistics_address_keeps_the_gate(client, login, factory):
    login(factory.user("investigator"))
    assert client.get("/statistics").status_code == 403
