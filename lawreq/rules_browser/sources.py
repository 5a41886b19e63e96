"""Where each aspect of ``lawreq rules diff`` comes from, so the comparison page can cite and badge every cell.

The diff itself (``lawreq.rules.diff``) returns display strings; this maps an aspect name back to the facts
behind it without re-deciding anything the diff decides.
"""

from __future__ import annotations

from datetime import date

from lawreq.rules.model import Citation, Country, Fact

#: Weakest first: a cell built from several facts is only as sure as its least sure one.
CONFIDENCE_ORDER = ("unverified", "secondary", "verified")


def _weakest(levels: list[str]) -> str | None:
    known = [lvl for lvl in levels if lvl in CONFIDENCE_ORDER]
    return min(known, key=CONFIDENCE_ORDER.index) if known else None


def _unique(cites: list[Citation]) -> tuple[Citation, ...]:
    return tuple(dict.fromkeys(cites))


def _of(fact: Fact | None) -> tuple[str | None, tuple[Citation, ...]]:
    return (fact.confidence, fact.cite) if fact is not None else (None, ())


def aspect_sources(country: Country, aspect: str, day: date) -> tuple[str | None, tuple[Citation, ...]]:
    """(confidence, citations) behind one compared aspect; (None, ()) where nothing is encoded or cited."""
    group, _, key = aspect.partition(".")
    if aspect == "request_languages":
        return _of(country.request_languages)
    if aspect == "eevidence_languages":
        return _of(country.eevidence_languages) if country.member("eu", day) else (None, ())
    if group == "membership":
        intervals = country.memberships.get(key, ())
        current = [i for i in intervals if i.covers(day)] or list(intervals)
        return _weakest([i.confidence for i in current]), _unique([c for i in current for c in i.cite])
    if group == "contact":
        return _of(country.contacts.get(key))
    if group == "domestic":
        found = [p for p in country.domestic_procedures if key in p.data_categories]
        return _weakest([p.confidence for p in found]), _unique([c for p in found for c in p.cite])
    if group == "retention":
        return _of(country.retention.get(key))
    return None, ()
