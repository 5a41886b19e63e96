"""Identifiers as providers need them: validated against the provider's published formats and normalised, so the
same account typed two ways is one identifier (deconfliction matches on the normalised value) and an IP address is
always paired with a UTC timestamp (Reg. 2023/1543 Art. 3(10): IP address, source port and time stamp).

Pure: no Flask, no SQLAlchemy. Wrong or incomplete identifiers are a leading refusal reason (anchors.md §1 A5).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Types the wizard knows, with the words shown in the type list.
TYPES: dict[str, str] = {
    "numeric_id": "Numeric account id",
    "username": "Username / handle",
    "email": "E-mail address",
    "phone": "Phone number (E.164)",
    "url": "Profile or content URL",
    "ip": "IP address (+ source port and time)",
}
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().\u00a0/]")
#: Addresses no provider can trace to a subscriber (private, loopback, link-local, carrier-grade NAT).
_UNTRACEABLE = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
    "::1/128", "fc00::/7", "fe80::/10"))


class IdentifierError(ValueError):
    """The identifier cannot be used; ``field`` says which input is wrong (value, port, timestamp, zone)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Identifier:
    """One normalised identifier, as stored in ``LegalRequest.identifiers``."""

    type: str
    value: str
    port: int | None = None
    timestamp_utc: str | None = None
    entered: str = ""
    #: the time zone the investigator gave with the time (shown back with it); None for UTC or an explicit offset
    zone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @property
    def key(self) -> str:
        """What two requests must share to be about the same identifier."""
        return f"{self.type}:{self.value}"


def normalise(kind: str, raw: str, *, provider: Any = None, port: int | str | None = None,
              timestamp: str | None = None, zone: str | None = None) -> Identifier:
    """Validate ``raw`` as an identifier of ``kind`` for ``provider`` (a rules ``Provider`` or None).

    :raises IdentifierError: naming the input that is wrong and what a correct one looks like.
    """
    text = (raw or "").strip()
    if not text:
        raise IdentifierError("value", "Enter the identifier's value.")
    if kind not in TYPES:
        raise IdentifierError("type", f"Unknown identifier type {kind!r} (known: {', '.join(TYPES)}).")
    if kind == "ip":
        return _ip(text, port, timestamp, zone)
    value = _clean(kind, text)
    fmt = _provider_format(provider, kind)
    if fmt is not None and not re.fullmatch(fmt.pattern, _for_pattern(kind, text, value)):
        raise IdentifierError("value", f"{text!r} is not a valid {fmt.label} for {provider.name}; "
                                       f"expected something like {fmt.example}.")
    return Identifier(type=kind, value=value, entered=text if text != value else "")


def accepted_types(provider: Any) -> list[str]:
    """The identifier types the provider documents (every type when it documents none); IP addresses always."""
    documented = [f.type for f in getattr(provider, "identifier_formats", ()) or ()]
    if not documented:
        return list(TYPES)
    return [t for t in TYPES if t in documented or t == "ip"]


def _provider_format(provider: Any, kind: str) -> Any:
    formats = getattr(provider, "identifier_formats", ()) or ()
    if not formats or kind == "ip":
        return None
    fmt = next((f for f in formats if f.type == kind), None)
    if fmt is None:
        names = ", ".join(TYPES[f.type] for f in formats if f.type in TYPES)
        raise IdentifierError("type", f"{provider.name} does not document identifiers of type "
                                      f"'{TYPES[kind]}'; it accepts: {names}.")
    return fmt


def _clean(kind: str, text: str) -> str:
    if kind == "numeric_id":
        value = re.sub(r"\s", "", text)
        if not value.isdigit():
            raise IdentifierError("value", f"{text!r} is not a numeric id: use digits only.")
        return value
    if kind == "username":
        if re.search(r"\s", text):
            raise IdentifierError("value", f"{text!r} looks like a display name: providers need the username "
                                           "(no spaces), not the name shown on the profile.")
        return text.lstrip("@").lower()
    if kind == "email":
        value = text.lower()
        if not _EMAIL.fullmatch(value):
            raise IdentifierError("value", f"{text!r} is not an e-mail address (name@example.org).")
        return value
    if kind == "phone":
        value = _PHONE_PUNCTUATION.sub("", text)
        if value.startswith("00"):
            value = "+" + value[2:]
        if not _E164.fullmatch(value):
            raise IdentifierError("value", f"{text!r} is not in international E.164 format: start with + and "
                                           "the country code, e.g. +358401234567.")
        return value
    if not _URL.fullmatch(text):  # url
        raise IdentifierError("value", f"{text!r} is not a web address starting with http:// or https://.")
    return text


def _for_pattern(kind: str, text: str, value: str) -> str:
    """Providers' patterns describe what users type (a username may start with @), so match on that."""
    return text if kind == "username" else value


def _ip(text: str, port: int | str | None, timestamp: str | None, zone: str | None) -> Identifier:
    host, inline_port = _split_port(text)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise IdentifierError("value", f"{text!r} is not an IPv4 or IPv6 address.") from None
    if any(address in net for net in _UNTRACEABLE if net.version == address.version):
        raise IdentifierError("value", f"{address} is a private or reserved address: only a public address "
                                       "can be traced to a subscriber.")
    number = _port(port if port not in (None, "") else inline_port)
    return Identifier(type="ip", value=address.compressed, port=number, timestamp_utc=utc_timestamp(timestamp, zone),
                      entered=text if text != address.compressed else "",
                      zone=zone if zone and zone != "UTC" and not _has_offset(timestamp) else None)


def _split_port(text: str) -> tuple[str, str | None]:
    bracketed = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(\d+))?", text)
    if bracketed:
        return bracketed.group(1), bracketed.group(2)
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, port
    return text, None


def _port(value: int | str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if not 1 <= number <= 65535:
        raise IdentifierError("port", f"Source port {value!r} must be a whole number between 1 and 65535.")
    return number


def utc_timestamp(timestamp: str | None, zone: str | None) -> str:
    """An ISO timestamp in UTC (``2026-11-20T12:03:22Z``) from local wall time + zone, or an explicit offset."""
    text = (timestamp or "").strip()
    if not text:
        raise IdentifierError("timestamp", "An IP address needs the date and time it was used "
                                           "(with seconds if you have them).")
    moment = _parse_moment(text)
    if moment is None:
        raise IdentifierError("timestamp", f"{text!r} is not a date and time: use 2026-11-20 14:03:22 "
                                           "or 20.11.2026 14:03:22.") from None
    if moment.tzinfo is None:
        if not zone:
            raise IdentifierError("zone", f"Give the time zone of {text!r} (e.g. Europe/Helsinki or UTC): "
                                          "the same IP address belongs to different users at different times.")
        try:
            moment = moment.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            raise IdentifierError("zone", f"Unknown time zone {zone!r}.") from None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


#: Day-first local styles (20.11.2026 21:14, 20/11/2026 21:14, 20-11-2026 21:14:05), besides ISO 8601.
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _parse_moment(text: str) -> datetime | None:
    """ISO 8601 (with or without offset) or a day-first local style; None when it is neither."""
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        pass
    match = _DAY_FIRST.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _has_offset(timestamp: str | None) -> bool:
    moment = _parse_moment((timestamp or "").strip())
    return moment is not None and moment.tzinfo is not None


def keys(identifiers: list[dict[str, Any]]) -> set[str]:
    """The deconfliction keys of stored identifiers (type:value)."""
    return {f"{i.get('type')}:{i.get('value')}" for i in identifiers or [] if i.get("value")}
