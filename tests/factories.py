"""Factories that read like the story: ``factory.user(role="approver", authority="prosecutor")``."""

from __future__ import annotations

import itertools
from typing import Any

from lawreq.auth.admin import create_user
from lawreq.auth.models import Unit
from lawreq.legal_requests.models import Case, LegalRequest

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


class Factory:
    def __init__(self, db_session, app) -> None:
        self.db = db_session
        self.app = app

    def unit(self, code: str | None = None, country: str = "FI", timezone: str = "Europe/Helsinki", **kw: Any) -> Unit:
        n = next(_seq)
        unit = Unit(code=code or f"U{n}", name=kw.pop("name", f"Unit {n}"), country=country, timezone=timezone, **kw)
        self.db.add(unit)
        self.db.commit()
        return unit

    def user(self, role: str = "investigator", *, units: list[Unit] | None = None, authority: str | None = None,
             email: str | None = None, password: str = PASSWORD, totp_secret: str | None = None, **kw: Any):
        n = next(_seq)
        if units is None:
            units = [self.unit()]
        if role == "approver" and authority is None:
            authority = "prosecutor"
        user = create_user(self.db, self.app.config, email=email or f"user{n}@test.lawreq", name=kw.pop("name", f"User {n}"),
                           role=role, authority_type=authority, unit_codes=[u.code for u in units],
                           password=password, totp_secret=totp_secret)
        for k, v in kw.items():
            setattr(user, k, v)
        self.db.commit()
        return user

    def case(self, unit: Unit, *, reference: str | None = None, offence: str = "solicitation_of_children",
             max_penalty_years: float | None = 4, created_by=None, **kw: Any) -> Case:
        case = Case(unit_id=unit.id, reference=reference or f"CASE-{next(_seq)}", offence=offence,
                    max_penalty_years=max_penalty_years, summary=kw.pop("summary", "Test case"),
                    created_by_id=getattr(created_by, "id", None), **kw)
        self.db.add(case)
        self.db.commit()
        return case

    def request(self, case: Case, created_by, *, state: str = "draft", **kw: Any) -> LegalRequest:
        n = next(_seq)
        kw.setdefault("issuing_country", case.unit.country if case.unit else "FI")
        req = LegalRequest(case_id=case.id, unit_id=case.unit_id, created_by_id=created_by.id,
                           reference=kw.pop("reference", f"LR-TEST-{n:05d}"), state=state,
                           facts=kw.pop("facts", {}), details=kw.pop("details", {}),
                           identifiers=kw.pop("identifiers", []), **kw)
        self.db.add(req)
        self.db.commit()
        return req
