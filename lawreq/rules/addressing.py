"""Which of a provider's entities each route addresses: the service asked about and where its user lives.

A provider file lists its legal entities and its services; each service says which entity controls its data
for which users (``EU``, ``EEA``, ``any`` or country codes, first match wins). The parties the instrument files
name (``hq``, ``eu_addressee``, ``eu_establishment``, ``domestic``) are resolved here from that entity, so that an
Instagram request about an EU user goes to Meta Platforms Ireland and a WhatsApp one to WhatsApp Ireland, while
the same request about a US user goes to the US entity. The engine itself knows nothing about providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lawreq.rules.model import Country, Entity, Provider, Service
from lawreq.rules.ruleset import RuleSet
from lawreq.rules.schema import NON_ADDRESSEE_ROLES

EU_ADDRESSEE_ROLES = ("eu_designated_establishment", "eu_legal_representative")
#: the EEA States outside the Union (the ``EEA`` user region is the Union plus these)
EEA_NON_EU = frozenset({"IS", "LI", "NO"})


def in_region(token: str, country_code: str, rules: RuleSet, day: date) -> bool:
    """Whether a user living in ``country_code`` falls under the region ``token`` on ``day``."""
    if token == "any":
        return True
    if token in ("EU", "EEA"):
        country = rules.countries.get(country_code)
        in_eu = country is not None and country.member("eu", day)
        return in_eu or (token == "EEA" and country_code in EEA_NON_EU)
    return token == country_code


@dataclass(frozen=True)
class Parties:
    """The resolved parties of one request, and how the service's entity was chosen."""

    service: Service | None
    #: the entity controlling the service's data for this user (else the headquarters)
    controller: Entity
    hq: Entity
    eu_addressee: Entity
    eu_establishment: Entity
    domestic: Entity | None
    #: the user's country the choice was made for, and whether it was presumed (no target residence given)
    user_country: str
    presumed: bool

    def as_modes(self) -> dict[str, Entity]:
        """Addressee mode -> entity, as the instrument files name them ("domestic" only when there is one)."""
        modes = {"hq": self.hq, "eu_addressee": self.eu_addressee, "eu_establishment": self.eu_establishment}
        if self.domestic is not None:
            modes["domestic"] = self.domestic
        return modes


def named_service(provider: Provider, text: str | None) -> Service | None:
    """The service a provider search text names ("Instagram" names Meta's Instagram), or None when it names the
    provider itself (or nothing): callers then leave the service to the user or to the provider's main service."""
    if not text:
        return None
    return provider.service(text)


def headquarters(provider: Provider, day: date) -> Entity:
    """The provider's headquarters entity in force on ``day`` (a stand-in built from ``hq_country`` if none)."""
    for entity in provider.entities:
        if entity.role == "headquarters" and entity.in_force(day):
            return entity
    return Entity(provider.name, provider.hq_country, "headquarters", None, None, provider.confidence)


def _addressable(provider: Provider, day: date) -> list[Entity]:
    return [e for e in provider.entities if e.in_force(day) and e.role not in NON_ADDRESSEE_ROLES]


def service_entities(provider: Provider, service: Service | None, day: date) -> list[Entity]:
    """The entities the service names (in its order, in force on ``day``), without repeats."""
    if service is None:
        return []
    out: list[Entity] = []
    for ref in service.entities:
        entity = provider.entity(ref.entity)
        if entity is not None and ref.in_force(day) and entity.in_force(day) and entity not in out:
            out.append(entity)
    return out


def controller(provider: Provider, service: Service | None, user_country: str, rules: RuleSet,
               day: date) -> Entity | None:
    """The entity that controls ``service``'s data for a user in ``user_country`` (first matching entry)."""
    if service is None:
        return None
    for ref in service.entities:
        entity = provider.entity(ref.entity)
        if entity is None or not entity.in_force(day) or not ref.in_force(day):
            continue
        if any(in_region(token, user_country, rules, day) for token in ref.users):
            return entity
    return None


def _eu_addressee(provider: Provider, service: Service | None, issuing: Country, rules: RuleSet, day: date,
                  home: Entity) -> Entity:
    """The addressee of an order under Reg. 2023/1543, or the home entity when the issuing State is not bound.

    Preference, each in another bound State: a designated establishment / legal representative the service
    names, then any the provider names; the service's own entities (its EU entity first: providers rarely
    publish their designation, so it is a *presumed* addressee and the route says so); any other entity of the
    provider. Failing those: a designated one anywhere, or an entity in the issuing State itself (so the route
    can say "same State"), else the home entity.
    """
    if not issuing.member("eu_eevidence", day):
        return home

    def elsewhere_bound(entity: Entity) -> bool:
        country = rules.countries.get(entity.country)
        return entity.country != issuing.code and country is not None and country.member("eu_eevidence", day)

    own = service_entities(provider, service, day)
    everyone = _addressable(provider, day)
    designated_own = [e for e in own if e.role in EU_ADDRESSEE_ROLES]
    designated = [e for e in everyone if e.role in EU_ADDRESSEE_ROLES]
    for pool in (designated_own, designated, own, everyone):
        found = next((e for e in pool if elsewhere_bound(e)), None)
        if found is not None:
            return found
    if designated:
        return designated[0]
    return next((e for e in (*own, *everyone) if e.country == issuing.code), home)


def _eu_establishment(provider: Provider, service: Service | None, issuing: Country, rules: RuleSet, day: date,
                      home: Entity) -> Entity:
    """The entity in another State bound by the EIO Directive (the executing State): the one controlling the
    data first, then the service's other entities, then any; else an entity in another Member State; else home."""
    own = service_entities(provider, service, day)
    pool = [home, *own, *_addressable(provider, day)]
    for entity in pool:
        country = rules.countries.get(entity.country)
        if entity.country != issuing.code and country is not None and country.member("eio", day):
            return entity
    return next((e for e in pool if e.role != "headquarters" and e.country != issuing.code
                 and e.country in rules.countries and rules.countries[e.country].member("eu", day)), home)


def _domestic(provider: Provider, service: Service | None, issuing: Country, day: date,
              home: Entity) -> Entity | None:
    pool = [home, *service_entities(provider, service, day), *_addressable(provider, day)]
    return next((e for e in pool if e.country == issuing.code and e.role not in NON_ADDRESSEE_ROLES), None)


def resolve(provider: Provider, service: Service | None, issuing: Country, user_country: str | None,
            rules: RuleSet, day: date) -> Parties:
    """Every party of a request to ``provider`` about ``service`` (None: the provider has no services).

    :param user_country: where the person whose data are sought lives; ``None`` presumes the issuing State.
    """
    presumed = user_country is None
    country = user_country or issuing.code
    found = controller(provider, service, country, rules, day)
    home = found if found is not None else headquarters(provider, day)
    return Parties(
        service=service, controller=home, hq=home,
        eu_addressee=_eu_addressee(provider, service, issuing, rules, day, home),
        eu_establishment=_eu_establishment(provider, service, issuing, rules, day, home),
        domestic=_domestic(provider, service, issuing, day, home),
        user_country=country, presumed=presumed,
    )


def _users_words(tokens: tuple[str, ...]) -> str:
    if "any" in tokens:
        return "all other users"
    words = {"EU": "the EU", "EEA": "the EEA"}
    return "users in " + ", ".join(words.get(t, t) for t in tokens)


def depends_on_residence(provider: Provider, service: Service | None, rules: RuleSet, day: date) -> bool:
    """Whether the service's controlling entity differs between users (so an unknown residence matters)."""
    if service is None:
        return False
    entities = {ref.entity for ref in service.entities
                if (e := provider.entity(ref.entity)) is not None and e.in_force(day) and ref.in_force(day)}
    return len(entities) > 1


def residence_note(provider: Provider, parties: Parties, rules: RuleSet, day: date) -> str | None:
    """The warning to show when the entity was chosen for a presumed residence and another user would differ."""
    service = parties.service
    if not parties.presumed or not depends_on_residence(provider, service, rules, day):
        return None
    assert service is not None
    others = []
    for ref in service.entities:
        entity = provider.entity(ref.entity)
        if entity is None or not entity.in_force(day) or not ref.in_force(day) or entity == parties.controller:
            continue
        others.append(f"{entity.name} ({entity.country}) for {_users_words(ref.users)}")
    country = rules.countries.get(parties.user_country)
    where = country.name if country else parties.user_country
    return (f"{service.name}: the user is presumed to live in {where} (no residence given), so its data are "
            f"controlled by {parties.controller.name} ({parties.controller.country}); "
            f"otherwise: {'; '.join(others)}.")
