"""Cross-reference checks inside a provider file: entity ids, services, the entities they name, policies.

Kept apart from the loader's other semantic checks so the provider model can grow without touching them.
"""

from __future__ import annotations

from typing import Any

from lawreq.rules.schema import USER_REGIONS
from lawreq.rules.validate import Issues, join
from lawreq.rules.yamlio import MarkedDict, MarkedList


def _items(tree: Any, key: str) -> list[tuple[int, Any]]:
    value = tree.get(key) if isinstance(tree, dict) else None
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _mark(container: Any, key: Any) -> tuple[int, int]:
    if isinstance(container, MarkedDict):
        return container.value_mark(key)
    if isinstance(container, MarkedList) and isinstance(key, int):
        return container.item_mark(key)
    return getattr(container, "__mark__", (1, 1))


def provider_services(issues: Issues, tree: Any, countries: set[Any]) -> None:
    """Entity ids are unique; every service id, name and alias is unique; every service entity resolves."""
    entity_ids: set[str] = set()
    for i, entity in _items(tree, "entities"):
        eid = entity.get("id")
        if eid is None:
            continue
        if eid in entity_ids:
            issues.add(_mark(entity, "id"), join(join("entities", i), "id"), f"duplicate entity id {eid!r}")
        entity_ids.add(eid)
    names: dict[str, str] = {}
    for i, service in _items(tree, "services"):
        path = join("services", i)
        for key, value in (("id", service.get("id")), ("name", service.get("name")),
                           *(("aliases", a) for a in service.get("aliases") or ())):
            if not isinstance(value, str):
                continue
            folded = value.casefold()
            if folded in names and names[folded] != service.get("id"):
                issues.add(_mark(service, key), join(path, key),
                           f"{value!r} already names service {names[folded]!r} of this provider")
            elif key == "id" and folded in names:
                issues.add(_mark(service, key), join(path, key), f"duplicate service id {value!r}")
            names.setdefault(folded, service.get("id"))
        for j, ref in _items(service, "entities"):
            ref_path = join(join(path, "entities"), j)
            if ref.get("entity") and ref["entity"] not in entity_ids:
                issues.add(_mark(ref, "entity"), join(ref_path, "entity"),
                           f"unknown entity {ref['entity']!r} (this file's entities: {', '.join(sorted(entity_ids))})")
            for k, token in enumerate(ref.get("users") or ()):
                if token not in USER_REGIONS and token not in countries:
                    issues.add(_mark(ref["users"], k), join(join(ref_path, "users"), k),
                               f"unknown country {token!r} (no {token.lower()}.yaml)")
    service_ids = {s.get("id") for _, s in _items(tree, "services")}
    policy_ids: set[str] = set()
    for i, policy in _items(tree, "policies"):
        path = join("policies", i)
        if policy.get("id") in policy_ids:
            issues.add(_mark(policy, "id"), join(path, "id"), f"duplicate policy id {policy.get('id')!r}")
        policy_ids.add(policy.get("id"))
        for j, sid in enumerate(policy.get("services") or ()):
            if sid not in service_ids:
                issues.add(_mark(policy["services"], j), join(join(path, "services"), j),
                           f"unknown service {sid!r} (this file's services: {', '.join(sorted(service_ids))})")


def policy_routes(issues: Issues, tree: Any, route_ids: set[Any]) -> None:
    """Every route id a policy selects exists (run after the instrument files are read)."""
    if not route_ids:
        return
    for i, policy in _items(tree, "policies"):
        for j, rid in enumerate(policy.get("routes") or ()):
            if rid not in route_ids:
                issues.add(_mark(policy["routes"], j), join(join(join("policies", i), "routes"), j),
                           f"unknown route {rid!r}")
