"""Shared story pieces for the deadline rows, reminders and their delivery."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

SENT = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)  # a Monday
PRODUCTION = {"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
              "offence": "fraud", "date": "2026-11-23", "issuer": "prosecutor"}


@pytest.fixture
def team(factory):
    """A Finnish unit with an investigator and a liaison officer, and a stranger unit with its own officer."""
    unit = factory.unit(country="FI", timezone="Europe/Helsinki")
    other = factory.unit(country="DE", timezone="Europe/Berlin")
    return {
        "unit": unit,
        "investigator": factory.user("investigator", units=[unit]),
        "officer": factory.user("liaison_officer", units=[unit]),
        "approver": factory.user("approver", units=[unit]),
        "stranger": factory.user("liaison_officer", units=[other]),
        "admin": factory.user("admin", units=[]),
    }


@pytest.fixture
def make_request(factory, team):
    def make(route_id: str = "eu-epoc", *, facts: dict | None = None, emergency: bool = False,
             addressee: str = "IE", state: str = "sent", **kw):
        case = factory.case(team["unit"], created_by=team["investigator"], summary="Secret suspect: Jane Roe")
        data = {**PRODUCTION, **(facts or {}), "emergency": emergency}
        return factory.request(case, team["investigator"], state=state, route_id=route_id, facts=data,
                               emergency=emergency, addressee_country=addressee, issuing_country="FI",
                               provider_id=data["provider"], **kw)
    return make
