"""The facts of one request, validated before any route is evaluated."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any, Mapping

from lawreq.rules.ruleset import RuleSet, nearest
from lawreq.rules.schema import AUTHORITIES, DATA_CATEGORIES


class FactsError(ValueError):
    """A fact is missing, malformed, unknown or contradicts another; ``fact`` names it."""

    def __init__(self, fact: str, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.fact = fact
        self.message = message
        self.suggestions = suggestions
        super().__init__(f"{fact}: {message}")


#: Every fact the engine reads; :meth:`Facts.from_mapping` refuses any other key.
FACT_KEYS = ("issuing_country", "provider", "data_categories", "offence", "issuer", "max_penalty_years",
             "committed_online", "emergency", "target_resides_in", "offence_committed_in", "date", "service")


def _country(name: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise FactsError(name, f"expected a two-letter country code, got {value!r}")
    return value.upper()


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FactsError(name, f"expected true or false, got {value!r}")
    return value


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FactsError("date", f"expected a date YYYY-MM-DD, got {value!r}")


def _categories(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise FactsError("data_categories", "at least one data category is required")
    for item in value:
        if item not in DATA_CATEGORIES:
            raise FactsError("data_categories", f"unknown data category {item!r} (known: {', '.join(DATA_CATEGORIES)})")
    return tuple(sorted(set(value), key=DATA_CATEGORIES.index))


def _penalty(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FactsError("max_penalty_years", f"expected a number of years, got {value!r}")
    if value < 0:
        raise FactsError("max_penalty_years", f"must not be negative (got {value})")
    return float(value)


@dataclass(frozen=True)
class Facts:
    """Who asks whom for what, why, how urgently and when."""

    issuing_country: str
    provider: str
    data_categories: tuple[str, ...]
    offence: str
    date: date
    issuer: str = "police"
    max_penalty_years: float | None = None
    committed_online: bool = True
    emergency: bool = False
    target_resides_in: str | None = None
    offence_committed_in: str | None = None
    #: the provider's service asked about (id, name or alias as given; None: its main service)
    service: str | None = None

    @property
    def committed_in(self) -> str:
        """Where the offence was committed (default: the issuing State)."""
        return self.offence_committed_in or self.issuing_country

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, today: date | None = None,
                     rules: RuleSet | None = None) -> Facts:
        """Validate and normalise ``data``; with ``rules``, also check that every id is known.

        :param today: the default for ``date`` (defaults to the system date).
        :raises FactsError: naming the first fact that is wrong.
        """
        for key in data:
            if key not in FACT_KEYS:
                raise FactsError(str(key), f"unknown fact (known: {', '.join(FACT_KEYS)})")
        for key in ("issuing_country", "provider", "data_categories", "offence"):
            if data.get(key) in (None, "", [], ()):
                raise FactsError(key, "this fact is required")
        provider = data["provider"]
        offence = data["offence"]
        issuer = data.get("issuer") or "police"
        if not isinstance(provider, str):
            raise FactsError("provider", f"expected a provider id, got {provider!r}")
        if not isinstance(offence, str):
            raise FactsError("offence", f"expected an offence id, got {offence!r}")
        if issuer not in AUTHORITIES:
            raise FactsError("issuer", f"unknown authority {issuer!r} (known: {', '.join(AUTHORITIES)})")
        service = data.get("service")
        if service is not None and (not isinstance(service, str) or not service.strip()):
            raise FactsError("service", f"expected a service id of the provider, got {service!r}")
        resides = data.get("target_resides_in")
        committed = data.get("offence_committed_in")
        facts = cls(
            issuing_country=_country("issuing_country", data["issuing_country"]),
            provider=provider.strip().lower(),
            data_categories=_categories(data["data_categories"]),
            offence=offence,
            date=_date(data["date"]) if data.get("date") is not None else (today or date.today()),
            issuer=issuer,
            max_penalty_years=_penalty(data.get("max_penalty_years")),
            committed_online=_bool("committed_online", data.get("committed_online", True)),
            emergency=_bool("emergency", data.get("emergency", False)),
            target_resides_in=_country("target_resides_in", resides) if resides else None,
            offence_committed_in=_country("offence_committed_in", committed) if committed else None,
            service=service.strip() if service else None,
        )
        if rules is not None:
            facts.check_ids(rules)
            if facts.service is not None:
                found = rules.providers[facts.provider].service(facts.service)
                facts = replace(facts, service=found.id if found else facts.service)
        return facts

    @classmethod
    def from_request(cls, data: Mapping[str, Any], *, today: date, rules: RuleSet | None = None) -> Facts:
        """The facts of a stored request: like :meth:`from_mapping`, but keys the engine does not read and
        unanswered (``None``) facts are left out, so a draft that stores more than the engine reads still evaluates.

        :param today: the date the facts describe when they store none (callers pass the app's clock).
        :raises FactsError: naming the first fact that is wrong.
        """
        return cls.from_mapping({k: v for k, v in data.items() if k in FACT_KEYS and v is not None},
                                today=today, rules=rules)

    def check_ids(self, rules: RuleSet) -> None:
        """Raise :class:`FactsError` (with the nearest known ids) for an unknown provider, country or offence."""
        checks = (
            ("provider", self.provider, rules.providers),
            ("issuing_country", self.issuing_country, rules.countries),
            ("target_resides_in", self.target_resides_in, rules.countries),
            ("offence_committed_in", self.offence_committed_in, rules.countries),
            ("offence", self.offence, rules.offences),
        )
        for name, value, known in checks:
            if value is not None and value not in known:
                close = tuple(nearest(value, list(known)))
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise FactsError(name, f"unknown {name.replace('_', ' ')} {value!r}{hint}", close)
        if self.service is not None:
            provider = rules.providers[self.provider]
            if provider.service(self.service) is None:
                ids = [s.id for s in provider.services]
                close = tuple(nearest(self.service, ids))
                listed = f" (its services: {', '.join(ids)})" if ids else " (it lists no services)"
                raise FactsError("service", f"{provider.name} has no service {self.service!r}{listed}", close)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the ``facts`` object of ``lawreq routes --format json``)."""
        data = asdict(self)
        data["data_categories"] = list(self.data_categories)
        data["date"] = self.date.isoformat()
        data["offence_committed_in"] = self.committed_in
        return data
