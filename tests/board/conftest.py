"""A small board: unit A's requests in every interesting situation, and one request of unit B that must never
show up for A's officer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawreq.core.clock import utcnow

PRODUCTION = {"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
              "offence": "fraud", "date": "2026-11-23", "issuer": "prosecutor"}


@pytest.fixture
def board(factory):
    now = utcnow()
    unit, other = factory.unit(country="FI"), factory.unit(country="DE", timezone="Europe/Berlin")
    inv = factory.user("investigator", units=[unit])
    people = {"unit": unit, "investigator": inv, "officer": factory.user("liaison_officer", units=[unit]),
              "stranger": factory.user("liaison_officer", units=[other]), "now": now}

    def make(ref: str, case_ref: str, *, unit_=unit, by=inv, identifiers=(), **kw):
        case = factory.case(unit_, reference=case_ref, created_by=by)
        ids = [{"type": "email", "value": v} for v in identifiers]
        text = " ".join([case_ref.lower(), *(v.lower() for v in identifiers)])
        return factory.request(case, by, reference=ref, identifiers=ids, search_text=text, **kw)

    people["requests"] = {
        "overdue": make("LR-OVERDUE", "2026/CSA/0001", state="sent", provider_id="meta", route_id="eu-epoc",
                        addressee_country="IE", next_deadline_at=now - timedelta(days=2),
                        sent_at=now - timedelta(days=12), identifiers=["Jane.Roe@Example.org"]),
        "soon": make("LR-SOON", "2026/FRA/0002", state="acknowledged", provider_id="google",
                     route_id="us-voluntary-disclosure", addressee_country="US",
                     next_deadline_at=now + timedelta(days=3), sent_at=now - timedelta(days=5)),
        "later": make("LR-LATER", "2026/FRA/0003", state="sent", provider_id="meta", route_id="eu-epoc",
                      addressee_country="IE", next_deadline_at=now + timedelta(days=20), emergency=True,
                      sent_at=now - timedelta(days=1)),
        "draft": make("LR-DRAFT", "100%_SURE", state="draft", provider_id="microsoft"),
        "closed": make("LR-CLOSED", "2026/CSA/0004", state="fulfilled", provider_id="google",
                       route_id="us-voluntary-disclosure", addressee_country="US",
                       next_deadline_at=now - timedelta(days=30), sent_at=now - timedelta(days=40)),
        "stranger": make("LR-OTHER-UNIT", "2026/CSA/0001-B", unit_=other,
                         by=factory.user("investigator", units=[other]), state="sent", provider_id="meta",
                         route_id="eu-epoc", addressee_country="IE", next_deadline_at=now - timedelta(days=2),
                         identifiers=["jane.roe@example.org"]),
    }
    return people
