"""Demo data for ``lawreq serve --demo``: two units, one account per role, cases and requests in every state.

Idempotent: a second start finds the accounts and adds nothing. All names are fictitious.
"""

from __future__ import annotations

import pyotp
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.auth.admin import create_user
from lawreq.auth.models import Unit, User

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
            user = create_user(db, app.config, email=email, name=name, role=role, authority_type=authority,
                               unit_codes=units, password=DEMO_PASSWORD, totp_secret=DEMO_TOTP.get(email))
        extra = f"  TOTP key {DEMO_TOTP[email]} (or: lawreq demo totp {email})" if email in DEMO_TOTP else ""
        lines.append(f"{email:28} {role}{' (' + authority + ')' if authority else ''}{extra}")
    return lines


def current_code(email: str) -> str:
    """The demo account's current TOTP code (``lawreq demo totp EMAIL``)."""
    return pyotp.TOTP(DEMO_TOTP[email]).now()
