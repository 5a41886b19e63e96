"""The loaded, validated rule set with the indexes the engine needs, built once at load time."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lawreq.rules.model import Country, MembershipTitle, Offence, Provider, RouteRule, RuleCase
from lawreq.rules.provenance import FactEntry


@dataclass(frozen=True)
class RuleSet:
    """Everything under one ``jurisdictions/`` tree; ``version`` is its content hash."""

    version: str
    root: Path
    countries: dict[str, Country]
    providers: dict[str, Provider]
    offences: dict[str, Offence]
    offence_lists: dict[str, str]
    routes: tuple[RouteRule, ...]
    cases: tuple[RuleCase, ...]
    #: membership key -> its words (declared in instrument files' ``memberships:``)
    membership_titles: dict[str, MembershipTitle] = field(default_factory=dict)
    #: computes every fact of every file with its confidence and effective review, on first use of ``facts``
    #: (stale/stats/the rules browser): app start and the route engine never pay for it
    fact_source: Callable[[], tuple[FactEntry, ...]] | None = field(default=None, repr=False, compare=False)
    _fact_cache: list[tuple[FactEntry, ...]] = field(default_factory=list, repr=False, compare=False)
    _provider_index: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = {}
        for provider in self.providers.values():
            service_names = [n for s in provider.services for n in (s.name, *s.aliases)]
            for name in (provider.id, provider.name, *provider.aliases, *service_names):
                ids = index.setdefault(name.casefold(), [])
                if provider.id not in ids:
                    ids.append(provider.id)
        object.__setattr__(self, "_provider_index", {k: tuple(v) for k, v in index.items()})

    @property
    def facts(self) -> tuple[FactEntry, ...]:
        """Every fact of the rules data (see :mod:`lawreq.rules.provenance`)."""
        if not self._fact_cache:
            self._fact_cache.append(self.fact_source() if self.fact_source is not None else ())
        return self._fact_cache[0]

    def find_providers(self, query: str) -> list[Provider]:
        """Providers whose id, name, alias or service matches ``query`` (case-insensitive).

        Exact matches come first; otherwise every provider with a name containing the query.
        """
        key = query.strip().casefold()
        if not key:
            return []
        if key in self._provider_index:
            return [self.providers[i] for i in self._provider_index[key]]
        found: list[str] = []
        for name, ids in self._provider_index.items():
            if key in name:
                found.extend(i for i in ids if i not in found)
        return [self.providers[i] for i in sorted(found)]

    def route_ids(self) -> list[str]:
        """Every route id (instrument routes plus each country's domestic procedures)."""
        ids = [r.id for r in self.routes if r.template is None]
        ids.extend(p.id for c in self.countries.values() for p in c.domestic_procedures)
        return ids


def nearest(word: str, known: list[str] | dict[str, object]) -> list[str]:
    """The closest known ids to a mistyped one (for 'unknown id' messages)."""
    candidates = list(known)
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.5)
    if not close:
        close = difflib.get_close_matches(word.lower(), [c.lower() for c in candidates], n=3, cutoff=0.5)
        close = [c for c in candidates if c.lower() in close]
    return close
