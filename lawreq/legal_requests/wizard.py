"""The wizard's step order and what each step needs before it can be shown. Pure: it reads a draft's JSON only.

The draft (``LegalRequest`` in state draft/returned) is the wizard's only state, so a step can be reached from a
link, after a logout, or by a colleague, and Back never loses later answers (they stay in the row).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from lawreq.core.text import N_


@dataclass(frozen=True)
class Step:
    id: str
    label: str


STEPS: tuple[Step, ...] = (
    Step("target", N_("Target and identifiers")),
    Step("data", N_("What data")),
    Step("urgency", N_("Urgency")),
    Step("route", N_("Route")),
    Step("details", N_("Details")),
    Step("review", N_("Review and submit")),
)
STEP_IDS = tuple(s.id for s in STEPS)

#: The data categories of Reg. (EU) 2023/1543 Art. 3(9)-(12), paraphrased from legal_brief.md §2.3.
CATEGORY_CITE_URL = "https://gesetze.legal/eu/vo_eu_2023_1543/3"
DATA_CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("subscriber_data", N_("Subscriber data"), "Art. 3(9)",
     N_("What the provider holds about the subscription: the subscriber's identity (name, date of birth, address, "
     "billing and payment data, phone number, e-mail) and the type and duration of the service, including data "
     "from first registration. Passwords and other authentication means are excluded.")),
    ("identification_data", N_("Data requested only to identify the user"), "Art. 3(10)",
     N_("IP addresses and, where necessary, the source ports and time stamp, requested solely to identify the user in "
     "a specific investigation. Treated like subscriber data for who may issue and for the offence threshold.")),
    ("traffic_data", N_("Traffic data"), "Art. 3(11)",
     N_("Data about providing the service: source and destination of a message, device location, date, time, "
     "duration, size, route, protocol and other metadata, log-in and log-off data. Excludes subscriber data.")),
    ("content_data", N_("Content data"), "Art. 3(12)",
     N_("Any other data in digital format: text, voice, video, images, sound.")),
)


def index(step: str) -> int:
    return STEP_IDS.index(step)


def next_step(step: str) -> str:
    return STEP_IDS[min(index(step) + 1, len(STEP_IDS) - 1)]


def previous_step(step: str) -> str:
    return STEP_IDS[max(index(step) - 1, 0)]


def first_blocked(step: str, facts: Mapping[str, Any], route_id: str | None) -> str | None:
    """The earlier step that must be completed before ``step`` can be shown, or None when it can be."""
    if index(step) > index("target") and not facts.get("provider"):
        return "target"
    if index(step) > index("route") and not route_id:
        return "route"
    return None


def reachable(facts: Mapping[str, Any], route_id: str | None) -> set[str]:
    """Steps the user may jump to from the step list (everything not blocked)."""
    return {s for s in STEP_IDS if first_blocked(s, facts, route_id) is None}
