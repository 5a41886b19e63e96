"""An iCalendar (RFC 5545) feed of deadlines, written by hand.

The feed needs only VEVENTs with UTC times, so a few dozen lines replace a dependency. The
parts that calendar clients are strict about are done to the letter: CRLF line ends, TEXT
escaping of backslash, semicolon, comma and newlines, and folding of lines longer than 75
octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from lawreq.core.clock import utcnow

PRODID = "-//lawreq//deadlines//EN"
_LINE_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    """One deadline in the feed; ``start`` and ``end`` are aware instants."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.uid.strip():
            raise ValueError("calendar event uid is empty; it must identify the deadline across feeds")
        for name in ("start", "end"):
            moment = getattr(self, name)
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError(f"calendar event {self.uid!r}: {name} {moment.isoformat()} has no time zone")
        if self.end < self.start:
            raise ValueError(f"calendar event {self.uid!r}: end {self.end.isoformat()} is before start")
        if self.url is not None and (not self.url or re.search(r"[\s\x00-\x1f\x7f]", self.url)):
            raise ValueError(f"calendar event {self.uid!r}: url {self.url!r} is empty or contains whitespace")


def build_calendar(events: Iterable[CalendarEvent], name: str, *, now: datetime | None = None) -> bytes:
    """Return a VCALENDAR with one VEVENT per event, UTF-8 encoded with CRLF line ends.

    ``now`` becomes every DTSTAMP (the time the feed was produced); pass it for byte-stable output.
    """
    stamp = _utc(now or utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return b"".join(fold_line(line) + b"\r\n" for line in lines)


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11); control characters other than tab are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def fold_line(line: str) -> bytes:
    """Fold ``line`` into chunks of at most 75 octets (RFC 5545 §3.1), never inside a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= _LINE_OCTETS:
        return encoded
    chunks: list[bytes] = []
    current = b""
    limit = _LINE_OCTETS
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            chunks.append(current)
            current = b""
            limit = _LINE_OCTETS - 1  # continuation lines start with a space
        current += piece
    chunks.append(current)
    return b"\r\n ".join(chunks)


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"DTSTAMP {moment.isoformat()} has no time zone")
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
