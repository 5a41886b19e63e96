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
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid = msgid
        text.params = params
        return text


def T(msgid: str, **params: Any) -> Msg:  # noqa: N802
    return Msg(msgid, **params)
