"""Translatable messages for pure modules (rules, workflow, review, pdf), which must not import Flask.

``N_("…")`` marks a fixed English message for extraction and returns it unchanged; ``T("… %(x)s", x=…)`` returns
the English text as a ``str`` that also remembers its message id and values. The API and the CLI use them as
plain strings; the web layer's ``tr`` filter looks the id up in the viewer's catalogue and fills the values in.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> Msg:  # noqa: N802  (the gettext convention)
    return Msg(message)


class Msg(str):
    """English text that can be translated later: ``msgid % params`` in the viewer's language."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Msg:
        text = super().__new__(cls, msgid % {k: plain(k, v) for k, v in params.items()} if params else msgid)
        text.msgid = msgid
        text.params = params
        return text


def T(msgid: str, **params: Any) -> Msg:  # noqa: N802
    return Msg(msgid, **params)


def plain(name: str, value: Any) -> Any:
    """A parameter in plain English: ``*_period`` is an ISO 8601 period ("P10D" → "10 days"), ``*_days`` a number
    of days ("6 days", "about 8 hours" under a day). The web layer formats the same names in the viewer's language."""
    if name.endswith("_period") and isinstance(value, str):
        from lawreq.deadlines.periods import PeriodError, parse_period

        try:
            return parse_period(value).describe()
        except PeriodError:
            return value
    if name.endswith("_days") and isinstance(value, (int, float)):
        if value < 1:
            hours = max(1, round(value * 24))
            return f"{hours} hour" if hours == 1 else f"{hours} hours"
        shown = round(value) if abs(value - round(value)) < 0.05 else round(value, 1)
        return "1 day" if shown == 1 else f"{shown:g} days"
    return value
