"""The statistics CSV for a small world whose every figure was worked out by hand, on every backend.

The world has one of each awkward case: an acknowledgement recorded before sending, a refusal by our own approver,
a refusal with no ``refused_by`` and one with an empty reason, a partial answer with and without its date, a
fulfilment without a closing date and one closed before it was sent, requests with no provider / an empty provider,
a request sent before the period, a draft never sent, and another unit's request. The expected rows are what the
page showed before its queries were rewritten, so they pin what the officers read.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from lawreq.core.clock import utcnow

SENT_DAYS_AGO = 30
HEADER = ["dimension", "key", "sent", "answered", "fulfilled", "refused_by_addressee", "fulfilment_rate",
          "refusal_rate", "median_days_to_ack", "p90_days_to_ack", "median_days_to_data", "p90_days_to_data",
          "refusals_by_reason"]
NO_DATA = "No data held (retention expired or never collected)"
OTHER = "Other (see note)"
WRONG_ENTITY = "Addressed to the wrong legal entity"

#: (dimension, key) -> the rest of the row, for the officer of unit A over the last 12 months.
OFFICER_365 = {
    # ack 1 2 3 4 10 (the -1 is left out): median 3, p90 rank 3.6 → 4 + 0.6 × 6; data 4 6 8 (the partial answer):
    # median 6, p90 rank 1.8 → 6 + 0.8 × 2; answered 4 (2 fulfilled, 1 partially, 1 refused by the provider)
    ("provider", "meta"): ["8", "4", "3", "1", "0.750", "0.250", "3.0", "7.6", "6.0", "7.6", f"{WRONG_ENTITY}: 1"],
    # lapsed + three refusals (one with no refused_by, one with an empty reason: both "other")
    ("provider", "google"): ["4", "4", "0", "3", "0.000", "0.750", "0.5", "0.5", "", "",
                             f"{OTHER}: 2; {NO_DATA}: 1"],
    # a partial answer without date, a fulfilment without closing date, one closed before it was sent: no data days
    ("provider", "microsoft"): ["3", "3", "3", "0", "1.000", "0.000", "6.0", "6.8", "", "", ""],
    # no provider and an empty provider are one group; ack 0.25 1.5: p90 rank 0.9 → 0.25 + 0.9 × 1.25 = 1.375
    ("provider", "(none)"): ["2", "1", "1", "0", "1.000", "0.000", "0.9", "1.4", "2.0", "2.0", ""],
    # meta without its eu-epoc-pr request: ack 1 2 4 10 → median 3, p90 rank 2.7 → 4 + 0.7 × 6; data 4 6
    ("route", "eu-epoc"): ["7", "3", "2", "1", "0.667", "0.333", "3.0", "8.2", "5.0", "5.8", f"{WRONG_ENTITY}: 1"],
    ("route", "us-voluntary-disclosure"): ["4", "4", "0", "3", "0.000", "0.750", "0.5", "0.5", "", "",
                                           f"{OTHER}: 2; {NO_DATA}: 1"],
    ("route", "us-mlat"): ["3", "3", "3", "0", "1.000", "0.000", "6.0", "6.8", "", "", ""],
    ("route", "(none)"): ["2", "1", "1", "0", "1.000", "0.000", "0.9", "1.4", "2.0", "2.0", ""],
    ("route", "eu-epoc-pr"): ["1", "1", "1", "0", "1.000", "0.000", "3.0", "3.0", "8.0", "8.0", ""],
    ("country", "IE"): ["8", "4", "3", "1", "0.750", "0.250", "3.0", "7.6", "6.0", "7.6", f"{WRONG_ENTITY}: 1"],
    # google and microsoft: ack 0.5 5 7 → median 5, p90 rank 1.8 → 5 + 0.8 × 2
    ("country", "US"): ["7", "7", "3", "3", "0.429", "0.429", "5.0", "6.6", "", "", f"{OTHER}: 2; {NO_DATA}: 1"],
    ("country", "(none)"): ["2", "1", "1", "0", "1.000", "0.000", "0.9", "1.4", "2.0", "2.0", ""],
}


@pytest.fixture
def world(factory):
    """Unit A's requests (all sent 30 days ago unless said otherwise) and one of unit B's."""
    unit, other = factory.unit(), factory.unit()
    inv = factory.user("investigator", units=[unit])
    case = factory.case(unit, created_by=inv)
    sent = utcnow() - timedelta(days=SENT_DAYS_AGO)

    def days(n, since=sent):
        return None if n is None else since + timedelta(days=n)

    def make(provider, route, country, state, *, ack=None, closed=None, outcome=None, case_=case, by=inv,
             sent_at=sent):
        return factory.request(case_, by, state=state, provider_id=provider, route_id=route,
                               addressee_country=country, sent_at=sent_at, acknowledged_at=days(ack, sent_at),
                               closed_at=days(closed, sent_at), outcome=outcome or {})

    epoc = ("meta", "eu-epoc", "IE")
    make(*epoc, "fulfilled", ack=1, closed=4)
    make(*epoc, "fulfilled", ack=2, closed=6)
    make("meta", "eu-epoc-pr", "IE", "partially_fulfilled", ack=3, outcome={"at": days(8).isoformat()})
    make(*epoc, "refused", ack=4, outcome={"refused_by": "addressee", "reason": "wrong_entity"})
    make(*epoc, "acknowledged", ack=10)
    make(*epoc, "acknowledged", ack=-1)  # receipt typed in before sending: a data-entry error, not a figure
    make(*epoc, "refused", outcome={"refused_by": "approver", "reason": "not proportionate"})
    make(*epoc, "withdrawn")
    us = ("google", "us-voluntary-disclosure", "US")
    make(*us, "lapsed")
    make(*us, "refused", ack=0.5, outcome={"refused_by": "addressee", "reason": "no_data"})
    make(*us, "refused")
    make(*us, "refused", outcome={"refused_by": "addressee", "reason": ""})
    mlat = ("microsoft", "us-mlat", "US")
    make(*mlat, "partially_fulfilled")
    make(*mlat, "fulfilled", ack=5)
    make(*mlat, "fulfilled", ack=7, closed=-1)
    make(None, None, None, "sent", ack=0.25)
    make("", "", "", "fulfilled", ack=1.5, closed=2)
    make(*epoc, "fulfilled", ack=20, closed=25, sent_at=utcnow() - timedelta(days=400))
    make(*epoc, "draft", sent_at=None)
    stranger = factory.user("investigator", units=[other])
    make(*epoc, "fulfilled", ack=90, closed=99, case_=factory.case(other, created_by=stranger), by=stranger)
    return {"unit": unit, "other": other}


def _rows(client, days: int | None = None) -> dict[tuple[str, str], list[str]]:
    resp = client.get("/board/statistics.csv" + (f"?days={days}" if days else ""))
    assert resp.status_code == 200
    header, *rows = csv.reader(io.StringIO(resp.get_data(as_text=True)))
    assert header == HEADER
    return {(row[0], row[1]): row[2:] for row in rows}


def test_the_officer_reads_the_hand_checked_figures_in_this_order(client, login, factory, world):
    login(factory.user("liaison_officer", units=[world["unit"]]))
    rows = _rows(client)
    assert rows == OFFICER_365
    assert list(rows) == list(OFFICER_365)  # busiest first, ties by name


def test_a_longer_period_takes_in_the_older_request(client, login, factory, world):
    login(factory.user("liaison_officer", units=[world["unit"]]))
    meta = _rows(client, 1825)[("provider", "meta")]
    # ack 1 2 3 4 10 20: median rank 2.5 → 3.5, p90 rank 4.5 → 15; data 4 6 8 25: median 7, p90 rank 2.7 → 19.9
    assert meta == ["9", "5", "4", "1", "0.800", "0.200", "3.5", "15.0", "7.0", "19.9", f"{WRONG_ENTITY}: 1"]
    assert _rows(client, 90) == OFFICER_365  # everything else was sent 30 days ago


def test_an_admin_sees_every_unit(client, login, factory, world):
    login(factory.user("admin", units=[]))
    meta = _rows(client)[("provider", "meta")]
    # unit B's request adds ack 90 and data 99: ack 1 2 3 4 10 90 → median 3.5, p90 rank 4.5 → 50;
    # data 4 6 8 99 → median 7, p90 rank 2.7 → 8 + 0.7 × 91 = 71.7
    assert meta == ["9", "5", "4", "1", "0.800", "0.200", "3.5", "50.0", "7.0", "71.7", f"{WRONG_ENTITY}: 1"]


def test_the_page_shows_the_same_figures(client, login, factory, world):
    login(factory.user("liaison_officer", units=[world["unit"]]))
    html = client.get("/board/statistics").get_data(as_text=True)
    row = html.split('<th scope="row">Google</th>')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells == ["4", "4", "0.5", "0.5", "—", "—", "0%", "75%", f"{OTHER}: 2<br>{NO_DATA}: 1"]


def test_the_schedulers_snapshot_shows_the_same_hand_checked_figures(client, login, factory, world, db_session):
    from lawreq.board.snapshots import refresh

    officer = factory.user("liaison_officer", units=[world["unit"]])
    factory.user("admin", units=[])
    assert refresh(db_session, utcnow(), timedelta(0)).computed == 6  # the officer's unit and every unit, 3 periods
    login(officer)
    assert "Figures as of" in client.get("/board/statistics").get_data(as_text=True)
    rows = _rows(client)
    assert rows == OFFICER_365 and list(rows) == list(OFFICER_365)
