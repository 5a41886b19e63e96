"""An officer subscribes to their deadlines in a calendar client: the feed must be valid RFC 5545."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawreq.deadlines.ical import CalendarEvent, build_calendar, escape_text, fold_line

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)
DUE = datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc)


def unfold(feed: bytes) -> list[str]:
    """Undo folding the way a client does (RFC 5545 §3.1), checking line ends and lengths first."""
    assert feed.endswith(b"\r\n")
    physical = feed[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical)
    logical: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def event(**changes) -> CalendarEvent:
    fields = dict(
        uid="deadline-42@lawreq", start=DUE, end=DUE, summary="EPOC response due: Meta (IE)",
        description="Request FI-2026-0042", url="https://lawreq.example/requests/42",
    )
    fields.update(changes)
    return CalendarEvent(**fields)


def test_a_feed_holds_one_vevent_per_deadline_in_utc():
    helsinki = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    feed = build_calendar([event(), event(uid="deadline-43@lawreq", start=helsinki, end=helsinki)],
                          "My deadlines", now=NOW)
    lines = unfold(feed)

    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lawreq//deadlines//EN"]
    assert "X-WR-CALNAME:My deadlines" in lines
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert "UID:deadline-42@lawreq" in lines
    assert "DTSTAMP:20261123T093000Z" in lines
    assert "DTSTART:20261130T230000Z" in lines and "DTEND:20261130T230000Z" in lines
    second = lines[lines.index("UID:deadline-43@lawreq"):]
    assert "DTSTART:20261201T070000Z" in second and "DTEND:20261201T070000Z" in second
    assert "URL:https://lawreq.example/requests/42" in lines


def test_text_with_commas_semicolons_backslashes_and_newlines_is_escaped():
    description = "Meta Platforms Ireland Ltd., Dublin; ref C:\\cases\\42\nsecond line\r\nthird"
    lines = unfold(build_calendar([event(description=description)], "x", now=NOW))

    line = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert line == (
        "DESCRIPTION:Meta Platforms Ireland Ltd.\\, Dublin\\; ref C:\\\\cases\\\\42\\nsecond line\\nthird"
    )
    assert unescape(line.removeprefix("DESCRIPTION:")) == description.replace("\r\n", "\n")


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    summary = "Määräaika: " + "ä€😀," * 60
    feed = build_calendar([event(summary=summary)], "x", now=NOW)

    for physical in feed.split(b"\r\n"):
        physical.decode("utf-8")  # every physical line is valid UTF-8 on its own
    line = next(line for line in unfold(feed) if line.startswith("SUMMARY:"))
    assert unescape(line.removeprefix("SUMMARY:")) == summary


def test_a_line_of_exactly_75_octets_is_not_folded():
    line = "SUMMARY:" + "x" * 67

    assert fold_line(line) == line.encode()
    assert fold_line(line + "y") == (line.encode() + b"\r\n y")


def test_control_characters_are_dropped_from_text():
    assert escape_text("a\x07b\tc") == "ab\tc"


def test_output_is_deterministic_for_a_given_now():
    assert build_calendar([event()], "x", now=NOW) == build_calendar([event()], "x", now=NOW)


def test_an_event_without_url_or_description_omits_them():
    lines = unfold(build_calendar([event(url=None, description="")], "x", now=NOW))

    assert not any(line.startswith(("URL:", "DESCRIPTION:")) for line in lines)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(start=datetime(2026, 11, 30, 23, 0)), "start 2026-11-30T23:00:00 has no time zone"),
        (dict(end=DUE - timedelta(hours=1)), "is before start"),
        (dict(uid="  "), "uid is empty"),
        (dict(url="https://x.example/a b"), "contains whitespace"),
    ],
)
def test_bad_events_are_refused_naming_the_field(changes, message):
    with pytest.raises(ValueError, match=message):
        event(**changes)


@settings(max_examples=150, deadline=None, database=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=300))
def test_any_summary_survives_escaping_and_folding(text):
    feed = build_calendar([event(summary=text)], "x", now=NOW)

    line = next(line for line in unfold(feed) if line.startswith("SUMMARY:"))
    expected = "".join(c for c in text if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
    assert unescape(line.removeprefix("SUMMARY:")) == expected
