"""The liaison officer's board: filter, search, sort, page through the unit's requests and act on them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.board import queries
from lawreq.board.queries import BoardFilters
from lawreq.legal_requests.models import LegalRequest
from tests.board.conftest import PRODUCTION
from tests.conftest import csrf_from

ROW_REF = re.compile(r'<a href="/requests/\d+">(LR-[A-Z-]+)</a>')


def refs_on_board(client, query: str = "") -> list[str]:
    resp = client.get(f"/board{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return ROW_REF.findall(resp.get_data(as_text=True))


def test_the_board_shows_every_request_of_the_unit_and_nothing_of_another(client, login, board):
    login(board["officer"])
    assert sorted(refs_on_board(client)) == ["LR-CLOSED", "LR-DRAFT", "LR-LATER", "LR-OVERDUE", "LR-SOON"]
    login(board["stranger"])
    assert refs_on_board(client) == ["LR-OTHER-UNIT"]


@pytest.mark.parametrize("query,expected", [
    ("?state=sent", ["LR-OVERDUE", "LR-LATER"]),
    ("?state=open", ["LR-OVERDUE", "LR-SOON", "LR-LATER", "LR-DRAFT"]),
    ("?state=closed", ["LR-CLOSED"]),
    ("?provider=google", ["LR-CLOSED", "LR-SOON"]),
    ("?country=US", ["LR-CLOSED", "LR-SOON"]),
    ("?route=eu-epoc", ["LR-OVERDUE", "LR-LATER"]),
    ("?overdue=y", ["LR-OVERDUE"]),  # the closed request's past deadline no longer counts
    ("?due_within=7", ["LR-SOON"]),
    ("?due_within=30", ["LR-SOON", "LR-LATER"]),
    ("?emergency=y", ["LR-LATER"]),
    ("?provider=meta&emergency=y", ["LR-LATER"]),
])
def test_each_filter_narrows_the_board(client, login, board, query, expected):
    login(board["officer"])
    assert refs_on_board(client, query) == expected


@pytest.mark.parametrize("q,expected", [
    ("2026/fra", ["LR-SOON", "LR-LATER"]),          # case reference, any case
    ("JANE.ROE@example.org", ["LR-OVERDUE"]),       # identifier; the other unit's identical one stays hidden
    ("100%", ["LR-DRAFT"]),                         # % is a character, not a wildcard
    ("0_", []),                                     # so is _
])
def test_search_finds_by_case_reference_and_identifier(client, login, board, q, expected):
    login(board["officer"])
    assert refs_on_board(client, f"?q={q.replace('%', '%25')}") == expected


def test_sorting_by_deadline_puts_undated_requests_last_either_way(client, login, board):
    login(board["officer"])
    assert refs_on_board(client) == ["LR-CLOSED", "LR-OVERDUE", "LR-SOON", "LR-LATER", "LR-DRAFT"]
    assert refs_on_board(client, "?sort=deadline&dir=desc") == ["LR-LATER", "LR-SOON", "LR-OVERDUE", "LR-CLOSED",
                                                               "LR-DRAFT"]
    assert refs_on_board(client, "?sort=reference&dir=desc") == ["LR-SOON", "LR-OVERDUE", "LR-LATER", "LR-DRAFT",
                                                               "LR-CLOSED"]


def test_sort_links_keep_the_filters_and_toggle_the_direction(client, login, board):
    login(board["officer"])
    html = client.get("/board?provider=meta&sort=reference").get_data(as_text=True)
    assert 'href="/board?sort=reference&amp;dir=desc&amp;provider=meta"' in html
    assert 'href="/board?sort=state&amp;dir=asc&amp;provider=meta"' in html


def test_pages_hold_a_fixed_number_of_rows_and_link_onwards(app, client, login, board, db_session):
    user = db_session.get(type(board["officer"]), board["officer"].id)
    filters = BoardFilters(sort="reference")
    first = queries.board_page(db_session, user, filters, board["now"], per_page=2)
    second = queries.board_page(db_session, user, BoardFilters(sort="reference", page=2), board["now"], per_page=2)
    last = queries.board_page(db_session, user, BoardFilters(sort="reference", page=3), board["now"], per_page=2)
    assert [r.reference for r in first.rows] == ["LR-CLOSED", "LR-DRAFT"] and first.has_next
    assert [r.reference for r in second.rows] == ["LR-LATER", "LR-OVERDUE"] and second.has_next
    assert [r.reference for r in last.rows] == ["LR-SOON"] and not last.has_next
    assert first.total == 5 and not first.total_capped


def test_the_page_number_travels_with_the_filters(client, login, board, factory):
    case = factory.case(board["unit"], reference="BULK")
    for n in range(queries.PER_PAGE + 1):
        factory.request(case, board["investigator"], reference=f"LR-BULK-{n:03d}", provider_id="snap",
                        search_text="bulk")
    login(board["officer"])
    html = client.get("/board?provider=snap").get_data(as_text=True)
    assert html.count('<a href="/requests/') == queries.PER_PAGE
    assert 'href="/board?page=2&amp;provider=snap" rel="next"' in html
    second = client.get("/board?provider=snap&page=2").get_data(as_text=True)
    assert second.count('<a href="/requests/') == 1 and 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("query,message", [
    ("?due_within=0", "Due within: a number of days between 1 and 365."),
    ("?due_within=soon", "Not a valid integer value."),
    ("?provider=myspace", "Unknown provider &#39;myspace&#39;: pick one from the list."),
    ("?state=pending", "Unknown state &#39;pending&#39;: pick one from the list."),
    ("?country=XX", "Unknown country &#39;XX&#39;: pick one from the list."),
    ("?route=pigeon", "Unknown route &#39;pigeon&#39;: pick one from the list."),
    ("?sort=colour", "Unknown sort order &#39;colour&#39;: pick one from the list."),
    ("?page=201", "Page: between 1 and 200; narrow the filters to see older requests."),
    ("?q=" + "x" * 101, "Search: at most 100 characters."),
])
def test_bad_filters_are_named_and_what_was_typed_stays(client, login, board, query, message):
    login(board["officer"])
    resp = client.get(f"/board{query}&q=kept-text" if "q=" not in query else f"/board{query}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and message in html
    assert ROW_REF.findall(html) == []
    if "q=" not in query:
        assert 'value="kept-text"' in html


def test_reset_clears_every_filter(client, login, board):
    login(board["officer"])
    html = client.get("/board?provider=meta&overdue=y").get_data(as_text=True)
    assert '<a href="/board">Reset filters</a>' in html


def test_approvers_and_rules_maintainers_are_sent_to_their_own_pages(client, login, board, factory):
    login(factory.user("approver", units=[board["unit"]]))
    assert client.get("/board").status_code == 403
    login(factory.user("rules_maintainer", units=[]))
    assert client.get("/board").status_code == 403


def test_quick_mark_sent_from_the_board_goes_through_the_workflow(client, login, board, factory, db_session):
    case = factory.case(board["unit"], reference="QUICK")
    req = factory.request(case, board["investigator"], reference="LR-APPROVED", state="approved",
                          route_id="eu-epoc", facts=PRODUCTION, addressee_country="IE", provider_id="meta",
                          search_text="quick")
    login(board["officer"])
    html = client.get("/board?q=quick").get_data(as_text=True)
    assert f'action="/requests/{req.id}/actions/mark_sent"' in html
    assert "/actions/acknowledge" not in html  # only the step that fits the state
    resp = client.post(f"/requests/{req.id}/actions/mark_sent", data={
        "csrf_token": csrf_from(html), "version": str(req.version), "channel": "Meta LEORS",
        "provider_reference": "LE-77"})
    assert resp.status_code == 302
    sent = db_session.get(LegalRequest, req.id)
    assert sent.state == "sent" and sent.provider_reference == "LE-77" and sent.next_deadline_at is not None
    html = client.get("/board?q=quick").get_data(as_text=True)
    assert f'action="/requests/{sent.id}/actions/acknowledge"' in html and f'name="version" value="{sent.version}"' in html


def test_investigators_get_no_quick_action_they_may_not_take(client, login, board):
    login(board["investigator"])
    html = client.get("/board?state=sent").get_data(as_text=True)
    assert "/actions/acknowledge" in html  # investigators may acknowledge (their unit's roles)
    assert ROW_REF.findall(html) == ["LR-OVERDUE", "LR-LATER"]


def test_export_has_the_filtered_rows_is_injection_safe_and_audited(client, login, board, factory, db_session):
    case = factory.case(board["unit"], reference="=HYPERLINK(\"http://evil\")")
    factory.request(case, board["investigator"], reference="LR-EVIL", provider_id="meta", state="sent",
                    provider_reference="+358401234567", sent_channel="@portal", search_text="evil")
    login(board["officer"])
    resp = client.get("/board/export.csv?provider=meta")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    lines = resp.get_data(as_text=True).splitlines()
    refs = [line.split(",")[0] for line in lines[1:]]
    assert refs == refs_on_board(client, "?provider=meta") == ["LR-OVERDUE", "LR-LATER", "LR-EVIL"]
    evil = next(line for line in lines if line.startswith("LR-EVIL"))
    assert '"\'=HYPERLINK(""http://evil"")"' in evil and ",'+358401234567,'@portal" in evil
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "board.exported")).one()
    assert entry.actor_id == board["officer"].id and entry.detail == {"filters": {"provider": "meta"}}


def test_export_never_contains_another_units_requests(client, login, board):
    login(board["officer"])
    body = client.get("/board/export.csv").get_data(as_text=True)
    assert "LR-OTHER-UNIT" not in body and body.count("\r\n") == 6  # header + 5 rows


def test_export_refuses_bad_filters_by_name(client, login, board):
    login(board["officer"])
    resp = client.get("/board/export.csv?due_within=999")
    assert resp.status_code == 400 and "Due within: a number of days between 1 and 365." in resp.get_data(as_text=True)
