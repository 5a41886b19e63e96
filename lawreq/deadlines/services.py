"""Deadline rows and their reminders, driven by workflow transitions.

The arithmetic lives in :mod:`lawreq.deadlines.calc`; this module decides *which* clocks a transition
starts or stops, who is reminded, and when. Services flush; the caller (the transition service, a CLI
command) commits, so a deadline never exists without the state change that started it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lawreq.auth.models import User, memberships
from lawreq.core.clock import utcnow
from lawreq.deadlines import calc
from lawreq.deadlines.models import Deadline, Reminder
from lawreq.deadlines.notifications import notify
from lawreq.deadlines.offsets import ReminderOffset, default_offsets, format_offset, parse_offset
from lawreq.deadlines.periods import parse_period
from lawreq.legal_requests.models import LegalRequest
from lawreq.rules import DeadlineRule, FactsError, Route, RuleSet, find_route

CHANNELS = ("email", "in_app")
#: Deadlines that only run when the transition's data says the situation arose (the rules cannot know).
_ONLY_WHEN = {"ex_post_validation": "without_prior_validation", "provisional_measures": "provisional_measures"}
#: Kinds that describe an extension, not a clock of their own.
_NOT_A_CLOCK = frozenset({"preservation_extension"})
#: Extensions allowed per route kind; EU EPOC-PR: one extension of 30 days (Reg. 2023/1543 Art. 11(1)).
MAX_EXTENSIONS = {"preservation_order": 1}
_CLOSING = frozenset({"fulfil", "refuse", "withdraw", "lapse"})
_RECEIPT = frozenset({"received", "acknowledged"})
#: Clocks the issuing side owes, not the addressee: only the issuing side's own act ends them.
_ISSUER_DUTIES = frozenset({"ex_post_validation"})


class DeadlineSetupError(ValueError):
    """A transition cannot set up its deadlines (unknown route, invalid facts, no extension allowed)."""


@dataclass(frozen=True)
class ReminderPreferences:
    """One user's reminder settings, stored as ``User.preferences["reminders"]``."""

    channels: tuple[str, ...]
    day_offsets: tuple[timedelta, ...]
    hour_offsets: tuple[timedelta, ...]

    def offsets_for(self, period: str) -> tuple[ReminderOffset, ...]:
        """The user's own offsets plus the escalation default, which nobody can switch off."""
        defaults = default_offsets(period)
        chosen = self.hour_offsets if parse_period(period).is_hours else self.day_offsets
        own = tuple(ReminderOffset(d, escalate=False, label=format_offset(d)) for d in chosen)
        return own + tuple(o for o in defaults if o.escalate)

    def to_json(self) -> dict[str, list[str]]:
        return {"channels": list(self.channels), "day_offsets": [format_offset(d) for d in self.day_offsets],
                "hour_offsets": [format_offset(d) for d in self.hour_offsets]}


def _defaults(period: str) -> tuple[timedelta, ...]:
    return tuple(o.delta for o in default_offsets(period) if not o.escalate)


DEFAULT_PREFERENCES = ReminderPreferences(CHANNELS, _defaults("P10D"), _defaults("PT8H"))


def preferences_of(user: User) -> ReminderPreferences:
    """Read a user's settings, falling back to the defaults for anything missing."""
    raw = (user.preferences or {}).get("reminders") or {}
    return parse_preferences(raw) if raw else DEFAULT_PREFERENCES


def parse_preferences(raw: dict[str, Any]) -> ReminderPreferences:
    """Validate settings from JSON or a form; an unknown channel or a bad offset is named in the error."""
    channels = tuple(raw.get("channels", DEFAULT_PREFERENCES.channels))
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown reminder channel {unknown[0]!r} (known: {', '.join(CHANNELS)})")

    def offsets(key: str, fallback: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        if key not in raw:
            return fallback
        values = sorted({parse_offset(text) for text in raw[key]})
        return tuple(values)

    return ReminderPreferences(channels, offsets("day_offsets", DEFAULT_PREFERENCES.day_offsets),
                               offsets("hour_offsets", DEFAULT_PREFERENCES.hour_offsets))


# --- transitions --------------------------------------------------------------------------------------------


def on_transition(db: Session, req: LegalRequest, action: str, at: datetime, rules: RuleSet, *,
                  data: dict | None = None) -> list[Deadline]:
    """Start, recompute or stop the request's deadlines after its state changed; return the rows touched."""
    data = data or {}
    if action == "submit" and data.get("without_prior_validation"):
        touched = _start_issuer_clocks(db, req, at, rules, data)
    elif action == "mark_sent":
        touched = _start_clocks(db, req, at, rules, data)
    elif action == "acknowledge":
        touched = _recompute_from_receipt(db, req, data.get("received_at", at), rules)
    elif action == "extend_preservation":
        touched = [_extend_preservation(db, req, at, rules)]
    elif action == "record_recognition":
        touched = _record_recognition(db, req, data.get("received_at", at), rules)
    elif action == "validate":
        touched = _validated(db, req, at)
    elif action == "reopened":  # the order as issued no longer stands: a new issue starts its own clocks
        touched = _close_all(db, req, at)
    elif action in ("withdraw", "refuse_validation"):
        touched = _close_all(db, req, at)
    elif action in _CLOSING:
        # The provider's answer ends the provider's clocks, not the issuing side's duty to validate (Art. 4(5)).
        touched = _close_all(db, req, at, keep=_ISSUER_DUTIES)
    else:
        return []
    db.flush()
    refresh_next_deadline(db, req)
    return touched


def route_for(req: LegalRequest, rules: RuleSet) -> Route:
    """The request's route as the rules describe it today (:func:`lawreq.rules.find_route`).

    :raises DeadlineSetupError: when the request has no route, its facts are invalid or the rules lack the route.
    """
    if not req.route_id:
        raise DeadlineSetupError(f"request {req.reference} has no route, so no deadline can be computed")
    try:
        route = find_route(req.facts or {}, rules, req.route_id, today=utcnow().date())
    except FactsError as exc:
        raise DeadlineSetupError(f"request {req.reference}: facts are not valid for deadlines: {exc}") from exc
    if route is None:
        raise DeadlineSetupError(f"request {req.reference}: route {req.route_id!r} is not in rules {rules.version}")
    return route


def _applicable(route: Route, emergency: bool, data: dict) -> list[DeadlineRule]:
    wanted = ("always", "emergency") if emergency else ("always", "normal")
    out = []
    for rule in route.deadline_rules:
        if rule.applies not in wanted or rule.kind in _NOT_A_CLOCK:
            continue
        if rule.kind in _ONLY_WHEN and not data.get(_ONLY_WHEN[rule.kind]):
            continue
        if rule.kind == "review_window" and not route.notification_required:
            continue
        out.append(rule)
    return out


def _event_for(rule: DeadlineRule, req: LegalRequest, at: datetime, data: dict) -> datetime | None:
    """When the rule's clock started; None when its trigger has not happened yet."""
    if rule.trigger in ("sent", "received"):
        return at  # receipt is assumed at sending until the acknowledgement says otherwise
    if rule.trigger == "issued":
        return data.get("issued_at") or req.decided_at or at
    return None  # acknowledged / recognised: started by a later transition


def _start_issuer_clocks(db: Session, req: LegalRequest, at: datetime, rules: RuleSet, data: dict) -> list[Deadline]:
    """Issued without prior validation: the 48-hour validation clock runs from the issue (Reg. (EU) 2023/1543
    Art. 4(5)), whether or not the order has been sent yet. A route the rules no longer know starts it when sent."""
    try:
        route = route_for(req, rules)
    except DeadlineSetupError:
        return []
    rows = [_create(db, req, rule, _event_for(rule, req, at, data) or at, rules)
            for rule in _applicable(route, req.emergency, data) if rule.kind in _ISSUER_DUTIES]
    for row in rows:
        schedule_reminders(db, req, row, at)
    return rows


def _start_clocks(db: Session, req: LegalRequest, at: datetime, rules: RuleSet, data: dict) -> list[Deadline]:
    route = route_for(req, rules)
    rows = []
    started = set(db.scalars(select(Deadline.kind).where(Deadline.request_id == req.id,
                                                         Deadline.kind.in_(_ISSUER_DUTIES))))
    for rule in _applicable(route, req.emergency, data):
        if rule.kind in started:
            continue  # started when the order was issued
        event = _event_for(rule, req, at, data)
        if event is not None:
            rows.append(_create(db, req, rule, event, rules))
    for row in rows:
        schedule_reminders(db, req, row, at)
    return rows


def _recompute_from_receipt(db: Session, req: LegalRequest, received_at: datetime, rules: RuleSet) -> list[Deadline]:
    route = route_for(req, rules)
    open_rows = {row.kind: row for row in open_deadlines(db, req)}
    touched = []
    for rule in _applicable(route, req.emergency, {}):
        if rule.trigger not in _RECEIPT:
            continue
        row = open_rows.get(rule.kind)
        if row is None and rule.trigger == "acknowledged":
            row = _create(db, req, rule, received_at, rules)
        elif row is None or _extensions(db, req, rule.kind):
            continue
        else:
            _apply(row, _compute(rule, req, received_at, rules), rules)
            row.event_at = received_at
        db.execute(delete(Reminder).where(Reminder.deadline_id == row.id, Reminder.status == "pending"))
        db.flush()
        schedule_reminders(db, req, row, received_at)
        touched.append(row)
    return touched


def _waiting_for_recognition(db: Session, req: LegalRequest, route: Route) -> list[DeadlineRule]:
    """The route's clocks that start when the executing authority recognises the request and have not started."""
    waiting = [rule for rule in _applicable(route, req.emergency, {}) if rule.trigger == "recognised"]
    if not waiting:
        return []
    started = set(db.scalars(select(Deadline.kind).where(Deadline.request_id == req.id,
                                                         Deadline.kind.in_({rule.kind for rule in waiting}))))
    return [rule for rule in waiting if rule.kind not in started]


def awaits_recognition(db: Session, req: LegalRequest, rules: RuleSet) -> bool:
    """Whether the request's route has clocks that start only when the executing authority recognises the request
    (the EIO's 90 days to execute) and they have not started yet: then a liaison officer can record it."""
    try:
        return bool(_waiting_for_recognition(db, req, route_for(req, rules)))
    except DeadlineSetupError:
        return False


def _record_recognition(db: Session, req: LegalRequest, at: datetime, rules: RuleSet) -> list[Deadline]:
    """The decision on recognition was taken: its own deadline is met and the clocks it triggers start."""
    waiting = _waiting_for_recognition(db, req, route_for(req, rules))
    if not waiting:
        raise DeadlineSetupError(f"request {req.reference}: its route has no recognition step, or it was recorded")
    met = [row for row in open_deadlines(db, req) if row.kind == "recognition"]
    for row in met:
        row.satisfied_at = at
    _cancel_pending(db, [row.id for row in met])
    started = [_create(db, req, rule, at, rules) for rule in waiting]
    for row in started:
        schedule_reminders(db, req, row, at)
    return [*met, *started]


def _extend_preservation(db: Session, req: LegalRequest, at: datetime, rules: RuleSet) -> Deadline:
    route = route_for(req, rules)
    extension = route.deadline("preservation_extension", req.emergency)
    if extension is None:
        raise DeadlineSetupError(f"route {route.id} allows no extension of the preservation")
    chain = _chain(db, req, "preservation_expiry")
    current = next((row for row in reversed(chain) if row.satisfied_at is None), None)
    if current is None:
        raise DeadlineSetupError(f"request {req.reference} has no running preservation to extend")
    limit = MAX_EXTENSIONS.get(route.kind)
    if limit is not None and len(chain) - 1 >= limit:
        raise DeadlineSetupError(f"route {route.id} allows {limit} extension(s); it was already extended")
    extended = calc.extend_deadline(replay(chain), extension.period, counting=extension.counting)
    current.satisfied_at = at
    row = Deadline(request_id=req.id, kind="preservation_expiry", event_at=current.event_at,
                   period=extension.period, counting=extension.counting)
    _apply(row, extended, rules, cite=extension.cite)
    db.add(row)
    db.flush()
    _cancel_pending(db, [current.id])
    schedule_reminders(db, req, row, at)
    return row


def _validated(db: Session, req: LegalRequest, at: datetime) -> list[Deadline]:
    """The order was validated after the fact: the 48-hour clock of Reg. (EU) 2023/1543 Art. 4(5) is met."""
    rows = [row for row in open_deadlines(db, req) if row.kind == "ex_post_validation"]
    for row in rows:
        row.satisfied_at = at
    _cancel_pending(db, [row.id for row in rows])
    return rows


def _close_all(db: Session, req: LegalRequest, at: datetime, keep: frozenset[str] = frozenset()) -> list[Deadline]:
    rows = [row for row in open_deadlines(db, req) if row.kind not in keep]
    for row in rows:
        row.satisfied_at = at
    _cancel_pending(db, [row.id for row in rows])
    return rows


# --- rows ---------------------------------------------------------------------------------------------------


def open_deadlines(db: Session, req: LegalRequest) -> list[Deadline]:
    return list(db.scalars(select(Deadline).where(Deadline.request_id == req.id, Deadline.satisfied_at.is_(None))
                           .order_by(Deadline.due_at)))


def _chain(db: Session, req: LegalRequest, kind: str) -> list[Deadline]:
    return list(db.scalars(select(Deadline).where(Deadline.request_id == req.id, Deadline.kind == kind)
                           .order_by(Deadline.id)))


def _extensions(db: Session, req: LegalRequest, kind: str) -> bool:
    return len(_chain(db, req, kind)) > 1


def replay(chain: Sequence[Deadline]) -> calc.Deadline:
    """Recompute a deadline and its extensions in order (an extension counts from the previous nominal end)."""
    first = chain[0]
    result = calc.compute_deadline(first.event_at, first.period, counting=first.counting,
                                   holidays=first.calendar, tz=first.timezone)
    for row in chain[1:]:
        result = calc.extend_deadline(result, row.period, counting=row.counting)
    return result


def _place(req: LegalRequest, rule: DeadlineRule, rules: RuleSet) -> tuple[str | None, str]:
    """The holiday calendar and time zone that govern ``rule`` for this request."""
    addressee = rules.countries.get(req.addressee_country or "")
    source = {"addressee": addressee, "issuing": rules.countries.get(req.issuing_country)}.get(rule.holidays_of)
    tz_country = source or addressee
    return (source.holidays if source else None), (tz_country.timezone if tz_country else "UTC")


def _compute(rule: DeadlineRule, req: LegalRequest, event: datetime, rules: RuleSet) -> calc.Deadline:
    holidays, tz = _place(req, rule, rules)
    label = "issued" if rule.trigger == "issued" else "received"
    return calc.compute_deadline(event, rule.period, counting=rule.counting, holidays=holidays, tz=tz,
                                 event_label=label)


def _create(db: Session, req: LegalRequest, rule: DeadlineRule, event: datetime, rules: RuleSet) -> Deadline:
    row = Deadline(request_id=req.id, kind=rule.kind, event_at=event, period=rule.period, counting=rule.counting)
    _apply(row, _compute(rule, req, event, rules), rules, cite=rule.cite)
    db.add(row)
    db.flush()
    return row


def _apply(row: Deadline, result: calc.Deadline, rules: RuleSet, *, cite: Iterable[Any] = ()) -> None:
    """Copy a computation onto a row; ``calendar`` keeps the holiday code so the row can be recomputed."""
    row.due_at = result.due_at
    row.conservative_at = result.conservative_at
    row.timezone = result.tz
    row.calendar = result.holidays
    row.explanation = list(result.explanation)
    row.rules_version = rules.version
    if cite:
        row.cite = [c.to_dict() for c in cite]


def alert_at(row: Deadline) -> datetime:
    """The earliest instant anyone could read the period as over: warn at this one."""
    return min(row.due_at, row.conservative_at or row.due_at)


def refresh_next_deadline(db: Session, req: LegalRequest) -> None:
    rows = open_deadlines(db, req)
    req.next_deadline_at = min((alert_at(r) for r in rows), default=None)


# --- reminders ----------------------------------------------------------------------------------------------


def watchers(db: Session, req: LegalRequest, kind: str | None = None) -> list[User]:
    """Who is reminded: the request's author and its unit's active liaison officers; of an ex-post validation also
    the approvers of the group that must validate (Reg. (EU) 2023/1543 Art. 4(5))."""
    from lawreq.legal_requests.permissions import approval_group

    officers = db.scalars(select(User).join(memberships).where(
        memberships.c.unit_id == req.unit_id, User.role == "liaison_officer", User.active.is_(True)))
    people = {u.id: u for u in officers}
    if kind == "ex_post_validation" and req.validation_authority:
        approvers = db.scalars(select(User).join(memberships).where(
            memberships.c.unit_id == req.unit_id, User.role == "approver", User.active.is_(True)))
        people.update({u.id: u for u in approvers if approval_group(u.authority_type) == req.validation_authority})
    author = db.get(User, req.created_by_id)
    if author is not None and author.active:
        people.setdefault(author.id, author)
    return list(people.values())


def schedule_reminders(db: Session, req: LegalRequest, row: Deadline, now: datetime) -> list[Reminder]:
    """Create the reminder rows of one deadline; those already past at ``now`` are left out."""
    created = []
    done = {tuple(key) for key in db.execute(select(Reminder.user_id, Reminder.offset_seconds, Reminder.channel)
                          .where(Reminder.deadline_id == row.id))}
    for user in watchers(db, req, row.kind):
        prefs = preferences_of(user)
        for offset in prefs.offsets_for(row.period):
            due = offset.fires_at(alert_at(row))
            if due < now:
                continue
            for channel in prefs.channels:
                if (user.id, int(offset.delta.total_seconds()), channel) in done:
                    continue  # already sent for this offset (the unique key allows one per offset)
                reminder = Reminder(deadline_id=row.id, user_id=user.id, channel=channel, due_at=due,
                                    offset_seconds=int(offset.delta.total_seconds()), escalation=offset.escalate,
                                    status="pending", attempts=0)
                db.add(reminder)
                created.append(reminder)
    db.flush()
    return created


def _cancel_pending(db: Session, deadline_ids: list[int]) -> None:
    if deadline_ids:
        db.execute(update(Reminder).where(Reminder.deadline_id.in_(deadline_ids), Reminder.status == "pending")
                   .values(status="cancelled"))


# --- recomputation ------------------------------------------------------------------------------------------


def recompute_open_deadlines(db: Session, rules: RuleSet, now: datetime) -> list[Deadline]:
    """Recompute every open deadline under today's rules and holiday data; flag and announce differences.

    The stored ``due_at`` is not moved: a request pins the rules it was sent under, and whether a changed
    rule or holiday applies to it is a legal call, so a person decides after reading ``stale_reason``.
    """
    rows = list(db.scalars(select(Deadline).where(Deadline.satisfied_at.is_(None)).order_by(Deadline.request_id)))
    flagged = []
    routes: dict[int, Route | None] = {}
    for row in rows:
        req = row.request
        if req.id not in routes:
            try:
                routes[req.id] = route_for(req, rules)
            except DeadlineSetupError:
                routes[req.id] = None
        reason = _difference(db, row, req, routes[req.id], rules)
        if reason is None or reason == row.stale_reason:
            continue
        row.stale_reason = reason
        flagged.append(row)
        notify(db, [u.id for u in watchers(db, req)], kind="deadline_stale", request_id=req.id,
               message=f"{req.reference}: the {_words(row.kind)} deadline needs checking: {reason}")
    db.flush()
    return flagged


def _difference(db: Session, row: Deadline, req: LegalRequest, route: Route | None, rules: RuleSet) -> str | None:
    chain = _chain(db, req, row.kind)
    if route is not None and len(chain) == 1:
        rule = route.deadline(row.kind, req.emergency)
        if rule is None:
            return f"rules {rules.version} no longer have a {_words(row.kind)} deadline for route {route.id}"
        fresh = _compute(rule, req, row.event_at, rules)
    else:
        fresh = replay(chain)
    if fresh.due_at == row.due_at:
        return None
    return (f"rules {rules.version} and current holiday data give {fresh.due_at:%Y-%m-%d %H:%M} UTC "
            f"instead of {row.due_at:%Y-%m-%d %H:%M} UTC")


def _words(kind: str) -> str:
    return kind.replace("_", " ")

