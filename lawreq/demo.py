"""Demo data for ``lawreq serve --demo``: two units, one account per role, cases and requests in every state.

Idempotent: a second start finds the accounts and adds nothing. All names are fictitious.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawreq.answers.services import OutcomeInput, record_outcomes
from lawreq.auth.admin import create_user
from lawreq.auth.models import Unit, User
from lawreq.core.clock import utcnow
from lawreq.handoffs.models import WorkflowMessage
from lawreq.legal_requests import details as details_schema
from lawreq.legal_requests import services
from lawreq.legal_requests.models import Case
from lawreq.rules import find_route

DEMO_PASSWORD = "lawreq-demo-2026"
#: The demo units' PKCS#12 password (the keys come from a throw-away CA in the instance folder).
DEMO_SIGNING_PASSWORD = "lawreq-demo-signing"

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


def ensure_signing_keys(instance: Path) -> list[str]:
    """A throw-away demo CA and one signing key per demo unit in ``<instance>/signing``, their passwords in
    ``lawreq.cfg``: the demo shows signed documents and a working /verify. Existing files are kept."""
    from lawreq.signing.keys import password_key
    from lawreq.signing.throwaway import write_demo_keys

    cfg = instance / "lawreq.cfg"
    text = cfg.read_text(encoding="utf-8") if cfg.exists() else ""
    written = write_demo_keys(instance / "signing", [(u["code"], u["authority_name"]) for u in UNITS],
                              DEMO_SIGNING_PASSWORD)
    missing = [password_key(u["code"]) for u in UNITS if password_key(u["code"]) not in text]
    if missing:
        with cfg.open("a", encoding="utf-8") as out:
            out.write("# demo signing keys (throw-away CA in signing/): never use them for real documents\n")
            out.writelines(f'{key} = "{DEMO_SIGNING_PASSWORD}"\n' for key in missing)
    return written


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


#: (case ref, provider, route, data, final action chain, days ago sent, emergency, identifier). Routes are ones the
#: rules open for these facts: an EPOC goes to the provider's EU establishment, never to a US headquarters (Snap has
#: no known EU entity in the rules, so its request is a voluntary-disclosure request to Snap Inc.).
_DEMO_REQUESTS = [
    ("FI-2026-0412", "meta", None, ["subscriber_data"], [], None, False, ("username", "demo.account.412")),
    ("FI-2026-0412", "meta", "eu-epoc", ["subscriber_data"], ["submit"], None, False, ("numeric_id", "100004567890123")),
    ("FI-2026-0412", "google", "eu-epoc", ["subscriber_data", "identification_data"], ["submit", "approve"], None,
     False, ("email", "demo.suspect@gmail.com")),
    ("FI-2026-0412", "meta", "eu-epoc", ["subscriber_data"], ["submit", "approve", "mark_sent"], 8, False,
     ("numeric_id", "100009876543210")),
    ("FI-2026-0377", "snap", "us-voluntary-disclosure", ["subscriber_data"], ["submit", "approve", "mark_sent"], 12,
     False, ("username", "demo_snap_user")),
    ("FI-2026-0377", "meta", "eu-epoc-pr", ["subscriber_data", "traffic_data"], ["submit", "approve", "mark_sent"],
     50, False, ("numeric_id", "100001112223334")),
    ("FI-2026-0377", "microsoft", "eu-epoc", ["subscriber_data"],
     ["submit", "approve", "mark_sent", "acknowledge", "fulfil"], 20, False, ("email", "demo.user@outlook.com")),
]

#: The unit's answered past requests, so the statistics and the route ranking have a history to show:
#: (provider, route, days ago sent, days to acknowledgement, days to the answer, outcome per identifier, reason).
_HISTORY = [
    ("meta", "eu-epoc", 300, 1, 6, "data_produced", None),
    ("meta", "eu-epoc", 240, 2, 9, "data_produced", None),
    ("meta", "eu-epoc", 170, 1, 8, "data_produced", None),
    ("meta", "eu-epoc", 95, 3, 12, "partly", None),
    ("meta", "us-voluntary-disclosure", 280, 4, 31, "data_produced", None),
    ("meta", "us-voluntary-disclosure", 200, 6, 24, "data_produced", None),
    ("meta", "us-voluntary-disclosure", 130, 5, 40, "refused", "THIRD_COUNTRY_CONFLICT"),
    ("meta", "us-voluntary-disclosure", 110, 3, 28, "data_produced", None),
    ("google", "eu-epoc", 260, 1, 5, "data_produced", None),
    ("google", "eu-epoc", 150, 2, 7, "data_produced", None),
    ("google", "eu-epoc", 60, 1, 4, "no_data", None),
    ("microsoft", "eu-epoc", 210, 2, 10, "data_produced", None),
    ("microsoft", "eu-epoc", 75, 2, 14, "refused", "INSUFFICIENT_INFO"),
]


def seed_requests(db: Session, app: Flask) -> None:
    """Cases and requests in most states, with real deadlines, made through the same services the UI uses, with
    their times in order (opened, then submitted, approved, sent, acknowledged, answered)."""
    unit = db.scalar(select(Unit).where(Unit.code == "FI-CSA"))
    if db.scalar(select(Case).where(Case.unit_id == unit.id)) is not None:
        return
    rules = app.extensions["lawreq.rules"]
    key = app.config["AUDIT_KEY"].encode()
    signing = app.extensions.get("lawreq.signing")
    users = {u.email: u for u in db.scalars(select(User))}
    investigator = users["investigator@demo.lawreq"]
    now = utcnow()
    cases: dict[str, Case] = {}
    for ref, summary, opened in (
            ("FI-2026-0412", "Grooming of a 13-year-old through Instagram direct messages.", 60),
            ("FI-2026-0377", "Sextortion of several minors; accounts on several platforms.", 80),
            ("FI-2026-0031", "Distribution of abuse material through several platforms (closed case).", 330)):
        cases[ref] = services.create_case(db, services.Ctx(investigator, key, rules, now=now - timedelta(days=opened)),
                                          unit, reference=ref,
                                          offence="solicitation_of_children" if ref.endswith("0412") else "sextortion",
                                          max_penalty_years=4 if ref.endswith("0412") else 6, summary=summary,
                                          offence_country="FI")
        cases[ref].created_at = now - timedelta(days=opened)
    for ref, provider, route_id, data, chain, days_ago, emergency, (id_type, id_value) in _DEMO_REQUESTS:
        _demo_request(db, rules, key, signing, users, cases[ref], now, provider=provider, route_id=route_id, data=data,
                      chain=chain, days_ago=days_ago, emergency=emergency, identifier=(id_type, id_value))
    for n, (provider, route_id, sent, ack, answer, outcome, reason) in enumerate(_HISTORY, start=1):
        chain = ["submit", "approve", "mark_sent", "acknowledge"]
        req = _demo_request(db, rules, key, signing, users, cases["FI-2026-0031"], now, provider=provider,
                            route_id=route_id,
                            data=["subscriber_data"], chain=chain, days_ago=sent, emergency=False,
                            identifier=("email", f"history.{n}@demo.invalid"), ack_after=ack,
                            # a US route's account holder lives in the US: Meta Platforms, Inc. holds the data
                            resides="US" if route_id.startswith("us-") else None)
        officer = users["liaison@demo.lawreq"]
        answered = services.Ctx(officer, key, rules, now=now - timedelta(days=sent - answer))
        record_outcomes(db, answered, req, [OutcomeInput(0, outcome, reason=reason)])
    # The seeded hand-off e-mails describe the demo's past: they are never sent (in-app notices stay).
    db.execute(update(WorkflowMessage).where(WorkflowMessage.status == "pending")
               .values(status="cancelled", last_error="demo seed: not sent"))


def _demo_request(db: Session, rules, key: bytes, signing, users: dict[str, User], case: Case, now, *, provider: str,
                  route_id: str | None, data: list[str], chain: list[str], days_ago: int | None, emergency: bool,
                  identifier: tuple[str, str], ack_after: int = 1, resides: str | None = None):
    """One request through the services, each step dated: opened a day before sending (or now for drafts)."""
    investigator = users["investigator@demo.lawreq"]
    sent_at = now - timedelta(days=days_ago) if days_ago is not None else None
    start = (sent_at or now) - timedelta(days=1, hours=2)
    ctx = services.Ctx(investigator, key, rules, now=start)
    req = services.start_request(db, ctx, case, facts={"provider": provider, "data_categories": data,
                                                       "emergency": emergency, "target_resides_in": resides},
                                 identifiers=[{"type": identifier[0], "value": identifier[1]}])
    req.created_at = start
    req.provider_id = provider
    if route_id is None:
        req.wizard_step = "data"
        return req
    route = find_route(req.facts, rules, route_id, today=now.date())
    if route is None or not route.available:
        raise RuntimeError(f"demo request in {case.reference}: route {route_id!r} is not open for these facts under "
                           f"rules {rules.version}")
    answers = {
        "facts_summary": case.summary,
        "necessity_proportionality": "The account is the only lead to the person who contacted the child; "
                                     "only subscriber data for the stated period is requested.",
        "legal_provisions": "Criminal Code (39/1889) ch. 20 s. 8b (solicitation of a child for sexual purposes)",
        "time_range_start": (start - timedelta(days=40)).strftime("%Y-%m-%dT00:00:00Z"),
        "time_range_end": (start - timedelta(days=30)).strftime("%Y-%m-%dT23:59:00Z"), "language": "en"}
    form_keys = {spec.name for spec in route.fields} | set(details_schema.COMMON)  # each route's form has its own
    services.save_draft(db, ctx, req, expected_version=req.version, step="review", route=route,
                        details={k: v for k, v in answers.items() if k in form_keys})
    times = {"submit": start + timedelta(hours=1), "approve": start + timedelta(hours=5),
             "mark_sent": sent_at or now, "acknowledge": (sent_at or now) + timedelta(days=ack_after),
             "fulfil": (sent_at or now) + timedelta(days=5)}
    for action in chain:
        if action == "approve" and req.state == "approved":
            continue  # the route needs no approval: the investigator's own authority issued it
        actor = users["prosecutor@demo.lawreq"] if action == "approve" else (
            users["liaison@demo.lawreq"] if action in ("mark_sent", "acknowledge", "fulfil") else investigator)
        data_ = {"channel": "provider portal", "provider_reference": f"DEMO-{req.id:04d}"} \
            if action == "mark_sent" else {}
        if action == "acknowledge":
            data_ = {"received_at": times["acknowledge"]}
        services.transition(db, services.Ctx(actor, key, rules, now=times[action], signing=signing), req, action,
                            data=data_, note="Demo data" if action == "approve" else None)
    return req
