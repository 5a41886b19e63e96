"""The reminder message written straight to bytes parses, with the ``email`` package, to what the ``email``
package itself would have built; and SmtpSender classifies refusals alike with and without PIPELINING."""

from __future__ import annotations

import smtplib
import socket
from dataclasses import replace
from datetime import datetime, timezone
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from lawreq.deadlines.mail import (Delivery, Digest, PermanentDeliveryError, SmtpSender, SmtpSettings,
                                   _build_with_email_package, render_message)
from lawreq.deadlines.mime import header
from tests.deadlines.test_mail import Capture, _free_port

NAMES = {"de": ("Jörg Größmann", "DE-CYB-2026-ÄÖÜ-1"), "fi": ("Äijä Öhman", "FI-RIKOS-2026-ÅÄÖ-2"),
         "pl": ("Łukasz Żółć", "PL-ŚĆ-2026-ŹŃ-3")}


def _digest(locale: str, items: int = 1) -> Digest:
    name, reference = NAMES.get(locale, ("Erik", "LR-1"))
    first = Delivery(reminder_id=7, user_id=1, email="lo@example.test", name=name, channel="email", request_id=42,
                     reference=reference, kind="response", due_at=datetime(2026, 11, 30, 17, tzinfo=timezone.utc),
                     timezone="Europe/Berlin", offset_seconds=-3 * 86400, escalation=False, locale=locale)
    return Digest(tuple(replace(first, reminder_id=7 + i, request_id=42 + i, reference=f"{reference}-{i}")
                        for i in range(items)) if items > 1 else (first,))


def _both(app, digest, sender="Lawreq Fristen <reminders@lawreq.test>"):
    kw = {"sender": sender, "base_url": "https://lawreq.example", "templates_dir": app.config["TEMPLATES_DIR"]}
    raw = render_message(digest, **kw).data
    return raw, message_from_bytes(raw, policy=policy.default), _build_with_email_package(digest, **kw)


def _text(part) -> str:
    return part.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize("locale", ["en", "de", "fi", "pl"])
@pytest.mark.parametrize("items", [1, 3, 300])
def test_the_bytes_parse_to_the_headers_and_parts_the_email_package_builds(app, locale, items):
    raw, fast, reference = _both(app, _digest(locale, items))
    for name in ("Subject", "From", "To", "Message-ID", "X-Lawreq-Reminders", "Date", "Auto-Submitted"):
        assert str(fast[name]) == str(reference[name]), name
    assert fast.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in fast.iter_parts()] == ["text/plain", "text/html"]
    assert [_text(p) for p in fast.iter_parts()] == [_text(p) for p in reference.iter_parts()]
    assert all(p.get_content_charset() == "utf-8" for p in fast.iter_parts())
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 998 and raw.isascii()
    if items == 300:
        assert fast["X-Lawreq-Reminders"] == ",".join(str(7 + i) for i in range(300))


def test_a_non_ascii_display_name_of_the_sender_survives(app):
    _raw, fast, _ = _both(app, _digest("de"), sender="Fristenüberwachung Łódź <reminders@lawreq.test>")
    assert fast["From"].addresses[0].display_name == "Fristenüberwachung Łódź"
    assert fast["From"].addresses[0].addr_spec == "reminders@lawreq.test"


@pytest.mark.parametrize("value", ["LR-1\r\nBcc: victim@example.test", "a\nb", "=?utf-8?q?x?=", "x" * 2000,
                                   "Frist: Größe " * 40, "  leading", ""])
def test_no_value_can_break_out_of_its_header_and_every_line_stays_short(value):
    raw = header("Subject", value).encode("ascii") + b"\r\n\r\n"
    parsed = message_from_bytes(raw, policy=policy.default)
    assert list(parsed.keys()) == ["Subject"]
    assert parsed["Subject"] == value.replace("\r\n", "").replace("\n", "") or parsed["Subject"] == value
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


class Scripted(Capture):
    """The capturing server, answering the end of DATA as told."""

    def __init__(self) -> None:
        super().__init__()
        self.data_reply = "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply.startswith("250"):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return self.data_reply


class Pipelining(Scripted):
    """Advertising PIPELINING too (aiosmtpd reads pipelined commands in order anyway)."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]


@pytest.fixture(params=[False, True], ids=["lock-step", "pipelining"])
def relay(request):
    handler = Pipelining() if request.param else Scripted()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=controller.port, security="none", user=None,
                                     password=None, sender="Lawreq <reminders@lawreq.test>", timeout=10,
                                     base_url="http://lawreq.test", templates_dir="templates"))
    try:
        yield handler, sender, request.param
    finally:
        sender.close()
        controller.stop()


def test_delivery_refusals_and_recovery_are_classified_alike_with_and_without_pipelining(relay, app):
    handler, sender, pipelining = relay
    sender.settings = replace(sender.settings, templates_dir=app.config["TEMPLATES_DIR"])
    calls: list[str] = []
    ok = _digest("de")
    sender(ok, ready=lambda: calls.append("ready"))
    assert calls == ["ready"] and len(handler.messages) == 1
    assert sender._conn is not None and sender._conn.has_extn("pipelining") == pipelining

    handler.refuse.add("gone@example.test")
    with pytest.raises(PermanentDeliveryError, match="refused"):
        sender(replace(ok, items=tuple(replace(d, email="gone@example.test") for d in ok.items)))
    sender(ok)  # RSET left the session usable: same connection
    assert len(handler.messages) == 2

    handler.data_reply = "451 4.3.0 try later"
    with pytest.raises(smtplib.SMTPDataError) as temporary:
        sender(ok)
    assert not isinstance(temporary.value, PermanentDeliveryError) and temporary.value.smtp_code == 451
    handler.data_reply = "554 5.6.0 rejected"
    with pytest.raises(PermanentDeliveryError, match="554"):
        sender(ok)
    handler.data_reply = "250 OK"
    sender._conn.sock.shutdown(socket.SHUT_RDWR)  # a broken connection: this message fails as temporary, the next one reconnects
    with pytest.raises(OSError):
        sender(ok)
    sender(ok)
    assert len(handler.messages) == 3
