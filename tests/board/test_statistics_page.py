"""The statistics page and its CSV, from requests stored the way the workflow stores them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from lawreq.core.clock import utcnow


SENT_DAYS_AGO = 30


def _sent(factory, case, by, ref, *, ack_days=None, data_days=None, state="acknowledged", **kw):
    sent = utcnow() - timedelta(days=SENT_DAYS_AGO)
    return factory.request(case, by, reference=ref, state=state, provider_id="meta", route_id="eu-epoc",
                           addressee_country="IE", sent_at=sent,
                           acknowledged_at=sent + timedelta(days=ack_days) if ack_days is not None else None,
                           closed_at=sent + timedelta(days=data_days) if data_days is not None else None, **kw)


def test_statistics_show_hand_checked_figures_as_chart_and_table(client, login, factory):
    unit, other = factory.unit(), factory.unit()
    inv, officer = factory.user("investigator", units=[unit]), factory.user("liaison_officer", units=[unit])
    case = factory.case(unit, created_by=inv)
    _sent(factory, case, inv, "S1", ack_days=1, data_days=4, state="fulfilled")
    _sent(factory, case, inv, "S2", ack_days=2, data_days=6, state="fulfilled")
    _sent(factory, case, inv, "S3", ack_days=6, state="refused",
          outcome={"refused_by": "addressee", "reason": "identifier_mismatch"})
    _sent(factory, case, inv, "S4", state="refused", outcome={"refused_by": "approver", "reason": "no"})
    partial_at = utcnow() - timedelta(days=SENT_DAYS_AGO - 8)
    _sent(factory, case, inv, "S6", state="partially_fulfilled", outcome={"at": partial_at.isoformat()})
    stranger = factory.user("investigator", units=[other])
    _sent(factory, factory.case(other, created_by=stranger), stranger, "S5", ack_days=90, state="fulfilled",
          data_days=99)
    login(officer)
    html = client.get("/board/statistics").get_data(as_text=True)
    # meta: ack 1, 2, 6 → median 2, p90 5.2; data 4, 6, 8 (the partial answer) → median 6, p90 7.6;
    # answered 4: 2 fulfilled + 1 partially, 1 refused by the provider (the approver's refusal does not count)
    row = html.split('<th scope="row">Meta Platforms</th>')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells[:8] == ["5", "4", "2.0", "5.2", "6.0", "7.6", "75%", "25%"]
    assert "Identifiers do not match" in cells[8] and "no:" not in cells[8]
    svgs = [html[i:html.index("</svg>", i) + 6] for i in range(len(html)) if html.startswith("<svg", i)]
    assert len(svgs) == 9
    for svg in svgs:
        assert ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title") is not None
    assert "99.0" not in html  # the other unit's request is not in our figures

    csv = client.get("/board/statistics.csv").get_data(as_text=True).splitlines()
    meta = dict(zip(csv[0].split(","), next(line for line in csv if line.startswith("provider,meta")).split(",")))
    assert (meta["median_days_to_ack"], meta["p90_days_to_ack"], meta["fulfilment_rate"]) == ("2.0", "5.2", "0.750")


def test_statistics_without_data_say_so(client, login, factory):
    login(factory.user("liaison_officer"))
    html = client.get("/board/statistics?days=90").get_data(as_text=True)
    assert html.count("No request was sent in this period.") == 3
    assert '<option value="90" selected>' in html


def test_an_unknown_period_falls_back_to_twelve_months(client, login, factory):
    login(factory.user("liaison_officer"))
    html = client.get("/board/statistics?days=forever").get_data(as_text=True)
    assert '<option value="365" selected>' in html and 'href="/board/statistics.csv?days=365"' in html
