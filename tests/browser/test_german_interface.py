"""The German demo investigator switches the interface to German and builds an EPOC to Meta: the route page, the
review and the request page speak German and show no ISO duration, no raw timestamp and no internal id."""

import re

import pytest

from tests.browser.steps import switch_user

pytestmark = pytest.mark.browser

ISO_DURATION = re.compile(r"\bP(?:T\d+[HM]|\d+[DWMY])\b")
RAW_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
#: ids the pages used to print: route, provider, data-category, role and channel ids
IDS = re.compile(r"\b(eu-epoc|eu-epoc-pr|subscriber_data|traffic_data|identification_data|eevidence_system|"
                 r"provider_portal|production_order|preservation_order|investigating_judge|designated_establishment)\b"
                 r"|\bmeta\b")


def _clean(text: str, where: str) -> None:
    assert not ISO_DURATION.search(text), (where, ISO_DURATION.search(text).group(0))
    assert not RAW_TIMESTAMP.search(text), (where, RAW_TIMESTAMP.search(text).group(0))
    assert not IDS.search(text), (where, IDS.search(text).group(0))


def _main(page) -> str:
    return page.locator("main").inner_text()


def _choose_language(page, base_url, code):
    page.goto(base_url + "/account")
    page.locator("select[name=locale]").select_option(code)
    page.locator("#language button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account$"))


def test_the_german_investigator_works_in_german(page, base_url):
    switch_user(page, base_url, "ermittler@demo.lawreq")

    _choose_language(page, base_url, "en")
    assert page.locator("html").get_attribute("lang") == "en" and "Log out" in page.content()
    _choose_language(page, base_url, "de")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Sprache der Oberfläche gespeichert." in page.content() and "Abmelden" in page.content()

    page.goto(base_url + "/cases/new")
    assert "Neues Verfahren" in _main(page)
    page.locator("input[name=reference]").fill("DE-2026-0815")
    page.locator("select[name=offence]").select_option("solicitation_of_children")
    page.locator("input[name=max_penalty_years]").fill("5")
    page.locator("textarea[name=summary]").fill("Ein Erwachsener kontaktierte eine Zwölfjährige über Instagram.")
    page.locator("main button[type=submit]").click()
    page.locator("form[action$='/requests'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/wizard/target$"))
    assert "Ziel und Kennungen" in _main(page)
    page.locator("input[name=provider]").fill("Instagram")
    page.locator("select[name='identifiers-0-kind']").select_option("ip")
    page.locator("input[name='identifiers-0-value']").fill("198.51.100.23")
    page.locator("input[name='identifiers-0-port']").fill("51234")
    page.locator("input[name='identifiers-0-timestamp']").fill("2026-11-20 21:14")
    page.locator("select[name='identifiers-0-zone']").select_option("Europe/Berlin")
    page.locator("input[name=period_start]").fill("2026-10-01")
    page.locator("input[name=period_end]").fill("2026-11-01")
    page.locator("[name=save]").click()
    page.wait_for_url(re.compile(r"/wizard/data$"))
    page.locator("input[name=data_categories][value=subscriber_data]").check()
    page.locator("[name=save]").click()
    page.wait_for_url(re.compile(r"/wizard/urgency$"))
    page.locator("[name=save]").click()
    page.wait_for_url(re.compile(r"/wizard/route$"))

    route_page = _main(page)
    assert "Offene Verfahrenswege" in route_page and "Tage" in route_page
    _clean(route_page, "route page")
    page.locator("input[name=route][value='eu-epoc']").check()
    page.locator("[name=save]").click()
    page.wait_for_url(re.compile(r"/wizard/details$"))
    page.locator("[name=facts_summary]").fill("Ein Erwachsener kontaktierte eine Zwölfjährige über Instagram.")
    page.locator("[name=legal_provisions]").fill("§ 176b StGB (Vorbereitung des sexuellen Missbrauchs von Kindern)")
    page.locator("[name=necessity_proportionality]").fill("Nur die Bestandsdaten können den Täter identifizieren.")
    page.locator("[name=time_range_start]").fill("2026-10-01T00:00")
    page.locator("[name=time_range_end]").fill("2026-11-01T00:00")
    if page.locator("select[name=language]").count():
        page.locator("select[name=language]").select_option("en")
    page.locator("[name=save]").click()
    page.wait_for_url(re.compile(r"/wizard/review$"))

    review = _main(page)
    assert "Das Ersuchen" in review and "Teilnehmerdaten" in review
    assert "198.51.100.23:51234" in review and "Meta Platforms" in review and "Englisch" in review
    _clean(review, "review")
    page.locator("[name=save]").click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))

    request_page = _main(page)
    assert "Wartet auf Genehmigung" in request_page and "Ersuchen" in request_page
    assert "198.51.100.23:51234" in request_page
    _clean(request_page, "request page")
