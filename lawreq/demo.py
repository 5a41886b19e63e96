"""Demo data for ``lawreq serve --demo``: two units, one account per role, cases and requests in every state.

Idempotent: a second start finds the accounts and adds nothing. All names are fictitious.
"""

from __future__ import annotations

from datetime import timedelta

import pyotp
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.auth.admin import create_user
from lawreq.auth.models import Unit, User
from lawreq.core.clock import utcnow
from lawreq.legal_requests import services
from lawreq.legal_requests.models import Case
from lawreq.rules import find_route

DEMO_PASSWORD = "lawreq-demo-2026"

#: Fixed TOTP secrets so a demo approver can add them to an app once (or use `lawreq demo totp EMAIL`).
DEMO_TOTP = {
    "prosecutor@demo.lawreq": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "judge@demo.lawreq": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    "admin@demo.lawreq": "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
}

UNITS = [
    dict(code="FI-CSA", name="Helsinki child-abuse investigations (demo)", country="FI", timezone="Europe/Helsinki",
         authority_name="Demo Police Department, Finland", address="Demo street 1, 00100 Helsinki, Finland",
         email="csa-unit@demo.lawreq", phone="+358 0000 0000"),
    dict(code="DE-CYB", name="Cybercrime unit Wiesbaden (demo)", country="DE", timezone="Europe/Berlin",
         authority_name="Demo Criminal Police Office, Germany", address="Demostraße 1, 65189 Wiesbaden, Germany",
         email="cyber-unit@demo.lawreq", phone="+49 000 0000"),
]

USERS = [
    ("investigator@demo.lawreq", "Ilona Investigator", "investigator", None, ["FI-CSA"]),
    ("prosecutor@demo.lawreq", "Paavo Prosecutor", "approver", "prosecutor", ["FI-CSA"]),
    ("judge@demo.lawreq", "Johanna Judge", "approver", "judge", ["FI-CSA"]),
    ("liaison@demo.lawreq", "Liisa Liaison", "liaison_officer", None, ["FI-CSA"]),
    ("maintainer@demo.lawreq", "Mikko Maintainer", "rules_maintainer", None, []),
    ("admin@demo.lawreq", "Aino Admin", "admin", None, ["FI-CSA", "DE-CYB"]),
    ("ermittler@demo.lawreq", "Erik Ermittler", "investigator", None, ["DE-CYB"]),
    ("verbindung@demo.lawreq", "Vera Verbindung", "liaison_officer", None, ["DE-CYB"]),
]

#: The Wiesbaden unit's demo users read the interface in German.
DEMO_LOCALES = {"ermittler@demo.lawreq": "de", "verbindung@demo.lawreq": "de"}


def seed(db: Session, app: Flask) -> list[str]:
    """Create what is missing; return one printable line per demo login."""
    for spec in UNITS:
        if db.scalar(select(Unit).where(Unit.code == spec["code"])) is None:
            db.add(Unit(**spec))
    db.flush()
    lines = []
    for email, name, role, authority, units in USERS:
        user = db.scalar(select(User).where(User.email == email))
        if user is None:
            # The documented demo password keeps working: no forced change (unlike an admin-typed password).
            user = create_user(db, app.config, email=email, name=name, role=role, authority_type=authority,
                               unit_codes=units, password=DEMO_PASSWORD, totp_secret=DEMO_TOTP.get(email),
                               must_change_password=False)
            user.locale = DEMO_LOCALES.get(email)
        extra = f"  TOTP key {DEMO_TOTP[email]} (or: lawreq demo totp {email})" if email in DEMO_TOTP else ""
        lines.append(f"{email:28} {role}{' (' + authority + ')' if authority else ''}{extra}")
    seed_requests(db, app)
    return lines


def current_code(email: str) -> str:
    """The demo account's current TOTP code (``lawreq demo totp EMAIL``)."""
    return pyotp.TOTP(DEMO_TOTP[email]).now()


#: (case ref, provider, route, data, final action chain, days ago sent, emergency, identifier)
_DEMO_REQUESTS = [
    ("FI-2026-0412", "meta", None, ["subscriber_data"], [], None, False, ("username", "demo.account.412")),
    ("FI-2026-0412", "meta", "eu-epoc", ["subscriber_data"], ["submit"], None, False, ("numeric_id", "100004567890123")),
    ("FI-2026-0412", "google", "eu-epoc", ["subscriber_data", "identification_data"], ["submit", "approve"], None,
     False, ("email", "demo.suspect@gmail.com")),
    ("FI-2026-0412", "meta", "eu-epoc", ["subscriber_data"], ["submit", "approve", "mark_sent"], 8, False,
     ("numeric_id", "100009876543210")),
    ("FI-2026-0377", "snap", "eu-epoc", ["subscriber_data"], ["submit", "approve", "mark_sent"], 12, False,
     ("username", "demo_snap_user")),
    ("FI-2026-0377", "meta", "eu-epoc-pr", ["subscriber_data", "traffic_data"], ["submit", "approve", "mark_sent"],
     50, False, ("numeric_id", "100001112223334")),
    ("FI-2026-0377", "microsoft", "eu-epoc", ["subscriber_data"],
     ["submit", "approve", "mark_sent", "acknowledge", "fulfil"], 20, False, ("email", "demo.user@outlook.com")),
]


def seed_requests(db: Session, app: Flask) -> None:
    """Cases and requests in most states, with real deadlines, made through the same services the UI uses."""
    unit = db.scalar(select(Unit).where(Unit.code == "FI-CSA"))
    if db.scalar(select(Case).where(Case.unit_id == unit.id)) is not None:
        return
    rules = app.extensions["lawreq.rules"]
    key = app.config["AUDIT_KEY"].encode()
    users = {u.email: u for u in db.scalars(select(User))}
    investigator = users["investigator@demo.lawreq"]
    cases: dict[str, Case] = {}
    for ref, summary in (("FI-2026-0412", "Grooming of a 13-year-old through Instagram direct messages."),
                         ("FI-2026-0377", "Sextortion of several minors; accounts on several platforms.")):
        cases[ref] = services.create_case(db, services.Ctx(investigator, key, rules), unit, reference=ref,
                                          offence="solicitation_of_children" if ref.endswith("0412") else "sextortion",
                                          max_penalty_years=4 if ref.endswith("0412") else 6, summary=summary,
                                          offence_country="FI")
    now = utcnow()
    for ref, provider, route_id, data, chain, days_ago, emergency, (id_type, id_value) in _DEMO_REQUESTS:
        start = now - timedelta(days=(days_ago or 0) + 1)
        ctx = services.Ctx(investigator, key, rules, now=start)
        req = services.start_request(db, ctx, cases[ref], facts={"provider": provider, "data_categories": data,
                                                                 "emergency": emergency},
                                     identifiers=[{"type": id_type, "value": id_value}])
        req.provider_id = provider
        if route_id is None:
            req.wizard_step = "data"
            continue
        route = find_route(req.facts, rules, route_id, today=now.date())
        if route is None:
            raise RuntimeError(f"demo request {ref}: route {route_id!r} is not in rules {rules.version}")
        services.save_draft(db, ctx, req, expected_version=req.version, step="review", route=route, details={
            "facts_summary": cases[ref].summary,
            "necessity_proportionality": "The account is the only lead to the person who contacted the child; "
                                         "only subscriber data for the stated period is requested.",
            "legal_provisions": "Criminal Code (39/1889) ch. 20 s. 8b (solicitation of a child for sexual purposes)",
            "time_range_start": (now - timedelta(days=40)).date().isoformat(),
            "time_range_end": (now - timedelta(days=30)).date().isoformat(), "language": "en"})
        for action in chain:
            actor = users["prosecutor@demo.lawreq"] if action == "approve" else (
                users["liaison@demo.lawreq"] if action in ("mark_sent", "acknowledge", "fulfil") else investigator)
            at = now - timedelta(days=days_ago or 0) if action in ("mark_sent",) else (
                now - timedelta(days=max((days_ago or 0) - 1, 0)) if action == "acknowledge" else
                now - timedelta(days=max((days_ago or 0) - 5, 0)) if action == "fulfil" else start)
            data_ = {"channel": "provider portal", "provider_reference": f"DEMO-{req.id:04d}"} \
                if action == "mark_sent" else {}
            services.transition(db, services.Ctx(actor, key, rules, now=at), req, action, data=data_,
                                note="Demo data" if action == "approve" else None)
