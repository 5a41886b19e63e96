"""Everyone logged in can read the rules: countries, providers, and two countries side by side, each fact with
its source, confidence and review date."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from markupsafe import escape

from lawreq.rules import load_rules
from lawreq.rules.diff import diff_countries
from lawreq.web.formatting import aspect_label
from tests.conftest import ROOT

RULES = load_rules(ROOT / "jurisdictions")


@pytest.fixture
def reader(client, login, factory):
    login(factory.user("approver"))  # the least privileged unit role still reads the rules
    return client


def _urls(facts) -> set[str]:
    return {c.url for f in facts if f is not None for c in f.cite}


def test_index_lists_every_country_and_provider_with_the_rules_version(reader):
    html = reader.get("/rules").get_data(as_text=True)
    assert RULES.version in html
    for code in RULES.countries:
        assert f'href="/rules/countries/{code}"' in html
    for pid in RULES.providers:
        assert f'href="/rules/providers/{pid}"' in html


def test_index_shows_the_same_fact_counts_as_rules_stats(reader):
    from lawreq.rules.provenance import stats

    html = reader.get("/rules").get_data(as_text=True)
    numbers = stats(RULES.facts)
    row = re.search(r'<tr data-row="all">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == [str(numbers.by_confidence[level]) for level in
                                                   ("verified", "secondary", "unverified")] + [str(numbers.total)]
    fi = re.search(r'<tr data-row="FI">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", fi) == [str(n) for n in numbers.by_country["FI"].values()]
    assert f"{numbers.total} facts in the rules" in html


@pytest.mark.parametrize("code", sorted(RULES.countries))
def test_every_country_page_shows_its_facts_with_sources(reader, code):
    country = RULES.countries[code]
    resp = reader.get(f"/rules/countries/{code.lower()}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and str(escape(country.name)) in html
    assert f"Last reviewed {format_date(country.last_reviewed, 'medium', locale='en')}" in html
    facts = [country.request_languages, country.eevidence_languages if country.member("eu", date.today()) else None,
             *country.contacts.values(), *country.retention.values(),
             *(p.legal_basis for p in country.domestic_procedures)]
    urls = _urls(facts) | {c.url for p in country.domestic_procedures for c in p.cite}
    urls |= {c.url for intervals in country.memberships.values() for i in intervals for c in i.cite}
    for url in urls:
        assert f'href="{escape(url)}"' in html, url
    for p in country.domestic_procedures:
        assert str(escape(p.title)) in html
    assert html.count('class="badge badge-') >= len([f for f in facts if f is not None])


@pytest.mark.parametrize("provider_id", sorted(RULES.providers))
def test_every_provider_page_shows_its_profile_with_sources(reader, provider_id):
    provider = RULES.providers[provider_id]
    html = reader.get(f"/rules/providers/{provider_id}").get_data(as_text=True)
    assert str(escape(provider.name)) in html and f"Last reviewed {format_date(provider.last_reviewed, 'medium', locale='en')}" in html
    for entity in provider.entities:
        assert str(escape(entity.name)) in html
    facts = [provider.le_portal, provider.request_languages, provider.preservation, provider.emergency,
             provider.user_notification, provider.voluntary_disclosure_non_content, *provider.retention.values()]
    for url in _urls(facts) | {c.url for c in provider.sources}:
        assert f'href="{escape(url)}"' in html, url
    for fmt in provider.identifier_formats:
        assert str(escape(fmt.example)) in html
    assert "Addressee for EU production and preservation orders" in html


def test_a_provider_page_shows_which_entity_serves_each_service_and_its_policies(reader):
    html = reader.get("/rules/providers/meta").get_data(as_text=True)
    services = html[html.index('id="h-services"'):html.index('id="h-practice"')]
    assert "WhatsApp" in services and "WhatsApp Ireland Limited" in services and "EEA, CH" in services
    assert "Meta Platforms, Inc." in services
    proton = reader.get("/rules/providers/proton").get_data(as_text=True)
    assert "closes" in proton and "Art. 271 of the Swiss Criminal Code" in proton


def test_unknown_country_or_provider_is_a_404(reader):
    assert reader.get("/rules/countries/XX").status_code == 404
    assert reader.get("/rules/providers/myspace").status_code == 404


def _compare_rows(html: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(r'<th scope="row">([^<]+?)(?: <span class="sr-only">\([^<]*\)</span>)?</th>\s*'
                      r'<td>(.*?)</td><td>(.*?)</td>', html, re.S)
    return {aspect: (a, b) for aspect, a, b in rows}


def test_compare_shows_the_cli_diff_and_keeps_not_applicable_apart_from_not_encoded(reader):
    eu = next(c for c in sorted(RULES.countries) if RULES.countries[c].member("eu", date.today()))
    outside = next(c for c in sorted(RULES.countries) if not RULES.countries[c].member("eu", date.today()))
    resp = reader.get(f"/rules/compare?a={eu}&b={outside.lower()}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    rows = _compare_rows(html)
    expected = diff_countries(RULES.countries[eu], RULES.countries[outside], date.today())["rows"]
    assert len(rows) == len(expected)
    languages = rows["Languages accepted for EPOC / EPOC-PR"]
    assert languages[1] == '<span class="not-applicable">not applicable</span>'
    assert "not-applicable" not in languages[0]
    encoded_gaps = [r for r in expected if "not encoded" in (r["a"], r["b"])]
    assert encoded_gaps, "pick countries with a gap in the data"
    gap = encoded_gaps[0]
    with reader.application.test_request_context():
        shown = rows[str(escape(aspect_label(gap["aspect"])))]
    assert '<span class="not-encoded">not encoded</span>' in shown
    assert 'class="not-encoded"' in html and 'class="not-applicable"' in html


@pytest.mark.parametrize("query,message", [
    ("?a=FI&b=ZZ", "Second country: unknown country code &#39;ZZ&#39;."),
    ("?a=QQ&b=FI", "First country: unknown country code &#39;QQ&#39;."),
    ("?a=FI&b=DE&date=yesterday", "Date &#39;yesterday&#39; is not a date (use YYYY-MM-DD)."),
])
def test_compare_names_what_is_wrong(reader, query, message):
    resp = reader.get(f"/rules/compare{query}")
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


def test_compare_without_countries_offers_the_choice(reader):
    html = reader.get("/rules/compare").get_data(as_text=True)
    assert 'name="a"' in html and 'name="b"' in html and "<caption>" not in html


def test_compare_cites_and_badges_each_value(reader):
    today = date.today()
    code = next(c for c in sorted(RULES.countries)
                if any(i.cite and i.covers(today) for i in RULES.countries[c].memberships.get("budapest", ())))
    interval = next(i for i in RULES.countries[code].memberships["budapest"] if i.covers(today))
    rows = _compare_rows(reader.get(f"/rules/compare?a={code}&b=US").get_data(as_text=True))
    mine, _ = rows["Membership: Budapest Convention (ETS 185)"]
    assert f'href="{escape(interval.cite[0].url)}"' in mine
    assert f'class="badge badge-{interval.confidence}"' in mine


def test_sources_of_a_cell_built_from_several_facts_take_the_weakest_confidence():
    from dataclasses import replace

    from lawreq.rules.model import Citation, DomesticProcedure
    from lawreq.rules_browser.sources import aspect_sources

    def procedure(pid: str, level: str, url: str) -> DomesticProcedure:
        return DomesticProcedure(id=pid, country="FI", title=pid, data_categories=frozenset({"subscriber_data"}),
                                 issuing_authorities=("police",), court_required=False, legal_basis=None,
                                 description="", confidence=level, cite=(Citation("Act", "1", url),))

    country = replace(RULES.countries["FI"], domestic_procedures=(
        procedure("a", "verified", "https://a.example"), procedure("b", "secondary", "https://b.example")))
    level, cites = aspect_sources(country, "domestic.subscriber_data", date.today())
    assert level == "secondary" and [c.url for c in cites] == ["https://a.example", "https://b.example"]
    assert aspect_sources(country, "domestic.content_data", date.today()) == (None, ())
    assert aspect_sources(country, "no_such.aspect", date.today()) == (None, ())



def test_the_compare_page_speaks_plain_words_in_the_viewers_language(client, login, factory, db_session):
    reader = factory.user("approver")
    reader.locale = "de"
    db_session.commit()
    login(reader)
    html = client.get("/rules/compare?a=DE&b=FI").get_data(as_text=True)
    rows = _compare_rows(html)
    assert rows["Amtssprachen"][1].startswith("Finnisch, Schwedisch"), sorted(rows)
    assert rows["Mitgliedschaft: Europäische Union"][0].startswith("ja, seit 01.01.1958")
    assert not re.search(r"\bP\d+[DWMY]\b", html) and "(secondary)" not in html
