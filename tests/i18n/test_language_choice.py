"""The interface speaks the user's language: the account page choice, else the browser's, else the instance's."""

from __future__ import annotations

import re

from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.auth.models import User
from tests.conftest import csrf_from


def test_a_user_chooses_german_on_the_account_page_and_every_page_follows(client, login, factory, db_session):
    user = factory.user("investigator")
    login(user)
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en">' in page and "Interface language" in page
    resp = client.post("/account/language", data={"csrf_token": csrf_from(page), "locale": "de"})
    assert resp.status_code == 302
    assert _locale(db_session, user) == "de"
    home = client.get("/home", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="de">' in home and "Abmelden" in home and "Log out" not in home
    account = client.get("/account").get_data(as_text=True)
    assert "Sprache der Oberfläche" in account and re.search(r'<option[^>]*selected[^>]*value="de"|<option[^>]*value="de"[^>]*selected', account)
    events = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "account.locale_changed")).all()
    assert [e.detail["after"] for e in events] == ["de"]


def test_without_a_choice_the_browser_decides_and_then_the_instance_default(client, login, factory):
    login(factory.user("investigator"))
    german = client.get("/account", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="de">' in german
    unknown = client.get("/account", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en">' in unknown


def test_a_language_the_instance_does_not_offer_is_refused_and_nothing_changes(client, login, factory, db_session):
    user = factory.user("investigator")
    login(user)
    page = client.get("/account").get_data(as_text=True)
    resp = client.post("/account/language", data={"csrf_token": csrf_from(page), "locale": "xx"})
    assert resp.status_code == 400 and "Not a valid choice" in resp.get_data(as_text=True)
    assert _locale(db_session, user) is None


def test_german_pages_format_dates_and_durations_the_german_way(client, login, factory, db_session):
    user = factory.user("investigator")
    user.locale = "de"
    db_session.commit()
    login(user)
    page = client.get("/rules/countries/de").get_data(as_text=True)
    assert "Zuletzt geprüft am" in page and "Deutschland" in page
    assert "P90D" not in page and "P30D" not in page


def _locale(db_session, user):
    db_session.expire_all()
    return db_session.scalar(select(User.locale).where(User.id == user.id))
