"""Provider policies that limit whom a provider answers, applied to the routes they select.

A policy is data (``policies:`` in a provider file): selectors (route kinds, channels, route ids, services) and a
condition over the request's facts. When it applies, it either adds a warning to an open route or closes the
route (closed kind ``policy``), always quoting its source. No provider has code of its own here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lawreq.rules.model import Citation, Provider, ProviderPolicy, RouteRule


def selects(policy: ProviderPolicy, rule: RouteRule, route_id: str, service_id: str | None) -> bool:
    """Whether ``policy`` is about this route (every given selector must match)."""
    return ((not policy.kinds or rule.kind in policy.kinds)
            and (not policy.channels or rule.channel in policy.channels)
            and (not policy.routes or route_id in policy.routes or rule.id in policy.routes)
            and (not policy.services or service_id in policy.services))


def words(provider: Provider, policy: ProviderPolicy) -> str:
    """The policy as shown on a route: whose policy, what it says, and where it says so."""
    source = policy.cite[0].instrument if policy.cite else "no source"
    note = "" if policy.confidence == "verified" else f"; {policy.confidence}"
    return f"{provider.name} policy: {policy.text} (source: {source}{note})"


def applicable(provider: Provider, rule: RouteRule, route_id: str, service_id: str | None,
               ctx: Mapping[str, Any]) -> tuple[list[str], list[str], tuple[Citation, ...]]:
    """The reasons closing the route, the warnings on it, and the policies' citations."""
    if not provider.policies:
        return [], [], ()
    closing: list[str] = []
    warning: list[str] = []
    cites: list[Citation] = []
    for policy in provider.policies:
        if selects(policy, rule, route_id, service_id) and policy.when(ctx):
            (closing if policy.effect == "close" else warning).append(words(provider, policy))
            cites.extend(policy.cite)
    return closing, warning, tuple(cites)
