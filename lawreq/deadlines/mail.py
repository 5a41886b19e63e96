"""Reminder e-mail over SMTP: what may leave the controlled system, and how a failure is classified.

A mail carries only the request reference, the deadline kind, its time and a link: anything about the case
stays behind the login (ASVS 14.2.3). The Message-ID is derived from the reminder id, so a resend after a
crash between sending and marking is recognisable as the same message.
"""

from __future__ import annotations

import functools
import hashlib
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.support import NullTranslations, Translations
from babel.units import format_unit
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lawreq.catalogues import TRANSLATIONS
from lawreq.deadlines import mime
from lawreq.core.text import N_

#: RFC 5321 §4.5.2 transparency: a line of the message that starts with "." gets another one.
_DOT_AT_LINE_START = re.compile(rb"^\.", re.MULTILINE)

#: ``Reminder.last_error`` of an e-mail reminder on an instance without SMTP (status ``skipped``, nobody alerted).
SKIPPED_NO_SMTP = "skipped: SMTP not configured"


def email_enabled(config: Mapping[str, Any]) -> bool:
    """Whether this instance sends e-mail at all: only with ``SMTP_HOST`` (the demo and a bare install have none)."""
    return bool(config.get("SMTP_HOST"))


class PermanentDeliveryError(Exception):
    """The server refused the message for good (bad recipient, 5xx): retrying cannot help."""


@dataclass(frozen=True)
class Delivery:
    """Everything one reminder needs for delivery, read while it is claimed so sending needs no database."""

    reminder_id: int
    user_id: int
    email: str
    name: str
    channel: str
    request_id: int
    reference: str
    kind: str
    due_at: datetime
    timezone: str
    offset_seconds: int
    escalation: bool
    #: the recipient's interface language (users.locale); the e-mail is written in it
    locale: str = "en"

    @property
    def message_id(self) -> str:
        return f"<reminder-{self.reminder_id}@lawreq.invalid>"

    @property
    def kind_words(self) -> str:
        return self._t(KIND_WORDS.get(self.kind, self.kind.replace("_", " ")))

    def _t(self, message: str, **params: Any) -> str:
        text = catalogue(self.locale).gettext(message)
        return text % params if params else text

    @property
    def due_local(self) -> datetime:
        return self.due_at.astimezone(ZoneInfo(self.timezone))

    @property
    def when_words(self) -> str:
        """"in 3 days", "now", "overdue by 1 day" — relative to the deadline, as the offset says."""
        offset = timedelta(seconds=self.offset_seconds)
        if not offset:
            return self._t(N_("is due now"))
        amount = abs(offset)
        unit, count = ("duration-day", amount.days) if amount.days else ("duration-hour", amount.seconds // 3600)
        text = format_unit(count, unit, length="long", locale=self.locale)
        return self._t(N_("is due in %(time)s"), time=text) if offset < timedelta(0) else \
            self._t(N_("is overdue by %(time)s"), time=text)

    def summary(self) -> str:
        """One line for an in-app notification."""
        return self._t(N_("%(reference)s: the %(kind)s deadline %(when)s (%(due)s %(zone)s)"), reference=self.reference,
                       kind=self.kind_words, when=self.when_words, due=f"{self.due_local:%Y-%m-%d %H:%M}",
                       zone=self.timezone)


@dataclass(frozen=True)
class Digest:
    """Every reminder one user gets on one channel in one sweep: one message listing them all (a request with
    four clocks due at once makes one mail, not four)."""

    items: tuple[Delivery, ...]

    @property
    def first(self) -> Delivery:
        return self.items[0]

    @property
    def shown(self) -> tuple[Delivery, ...]:
        """The items to list: of several offsets of one deadline claimed together (a scheduler that was down),
        only the latest, so one deadline is one line."""
        latest: dict[tuple[int, str, datetime], Delivery] = {}
        for d in self.items:
            key = (d.request_id, d.kind, d.due_at)
            if key not in latest or d.offset_seconds > latest[key].offset_seconds:
                latest[key] = d
        return tuple(latest.values())

    @property
    def user_id(self) -> int:
        return self.first.user_id

    @property
    def email(self) -> str:
        return self.first.email

    @property
    def name(self) -> str:
        return self.first.name

    @property
    def channel(self) -> str:
        return self.first.channel

    @property
    def reminder_ids(self) -> tuple[int, ...]:
        return tuple(d.reminder_id for d in self.items)

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.reference for d in self.items))

    @property
    def reference(self) -> str:
        return ", ".join(self.references)

    @property
    def request_id(self) -> int | None:
        """The request when every item is about the same one (the in-app notification links to it)."""
        ids = {d.request_id for d in self.items}
        return ids.pop() if len(ids) == 1 else None

    @property
    def escalation(self) -> bool:
        return any(d.escalation for d in self.items)

    @property
    def overdue(self) -> bool:
        return any(d.offset_seconds > 0 for d in self.items)

    @property
    def message_id(self) -> str:
        """Derived from the reminder ids, so a resend of the same group after a crash is recognisable."""
        if len(self.items) == 1:
            return self.first.message_id
        ids = ".".join(str(i) for i in sorted(self.reminder_ids))
        return f"<reminders-{hashlib.sha256(ids.encode()).hexdigest()[:20]}@lawreq.invalid>"

    @property
    def locale(self) -> str:
        """The recipient's language (every item is for the same user)."""
        return self.first.locale

    @property
    def subject(self) -> str:
        shown = self.shown
        t = self.first._t
        if len(shown) == 1:
            d = shown[0]
            subject = N_("Overdue: %(reference)s %(kind)s %(when)s") if self.overdue else \
                N_("Deadline: %(reference)s %(kind)s %(when)s")
            return t(subject, reference=d.reference, kind=d.kind_words, when=d.when_words)
        subject = N_("Overdue: %(num)s deadlines need you (%(references)s)") if self.overdue else \
            N_("Deadline: %(num)s deadlines need you (%(references)s)")
        return t(subject, num=len(shown), references=self.reference)

    def summary(self) -> str:
        """The in-app text: one line per deadline."""
        shown = self.shown
        if len(shown) == 1:
            return shown[0].summary()
        return self.first._t(N_("%(num)s deadlines need you: %(items)s"), num=len(shown),
                             items="; ".join(d.summary() for d in shown))


@dataclass(frozen=True)
class HandoffMail:
    """One workflow message for delivery (a :class:`lawreq.handoffs.models.WorkflowMessage`, read while claimed)."""

    message_row_id: int
    user_id: int
    email: str
    name: str
    channel: str
    request_id: int
    reference: str
    kind: str
    urgent: bool
    subject: str
    body: str

    @property
    def message_id(self) -> str:
        return f"<handoff-{self.message_row_id}@lawreq.invalid>"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    timeout: float
    base_url: str
    templates_dir: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        if not email_enabled(config):
            raise PermanentDeliveryError("SMTP_HOST is not set: e-mail reminders cannot be delivered")
        return cls(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), security=config["SMTP_SECURITY"],
                   user=config.get("SMTP_USER"), password=config.get("SMTP_PASSWORD"), sender=config["SMTP_FROM"],
                   timeout=float(config["SMTP_TIMEOUT"]), base_url=config["BASE_URL"].rstrip("/"),
                   templates_dir=config["TEMPLATES_DIR"])


@dataclass(frozen=True)
class Outgoing:
    """A message ready for the wire: the SMTP envelope and the bytes of the message (CRLF, 7-bit)."""

    envelope_from: str
    recipients: tuple[str, ...]
    data: bytes


def render_message(digest: Digest | Delivery, *, sender: str, base_url: str, templates_dir: str) -> Outgoing:
    """The reminders of one digest as one multipart plain-text + HTML message, in the recipient's language,
    written straight to bytes by :func:`lawreq.deadlines.mime.alternative` (a tenth of the ``email`` package's
    cost; :func:`build_message` parses the same bytes back for whoever wants an object)."""
    if isinstance(digest, Delivery):
        digest = Digest((digest,))
    text, html = _render_bodies(digest, base_url, templates_dir)
    from_header, envelope_from = _sender_header(sender)
    return Outgoing(envelope_from, (digest.email,), mime.alternative(_headers(digest, from_header), text, html))


def _headers(digest: Digest, from_header: str) -> list[tuple[str, str]]:
    """A reminder's header fields, in order (both builders write these)."""
    return [("Subject", digest.subject), ("From", from_header), ("To", digest.email),
            ("Message-ID", digest.message_id),
            # Which reminder rows this one message delivers (internal ids, nothing about the case): lets an
            # operator, and the production smoke test, check that every reminder arrived exactly once although
            # several share a mail.
            ("X-Lawreq-Reminders", ",".join(str(i) for i in sorted(digest.reminder_ids))),
            ("Date", format_datetime(min(d.due_at for d in digest.items))),
            ("Auto-Submitted", "auto-generated")]


def build_message(digest: Digest | Delivery, *, sender: str, base_url: str, templates_dir: str) -> EmailMessage:
    """The message of :func:`render_message` as an :class:`EmailMessage` (tests, previews); an address that is not
    ASCII (which needs SMTPUTF8) is left to the ``email`` package, as :class:`SmtpSender` does."""
    if isinstance(digest, Delivery):
        digest = Digest((digest,))
    if not _ascii_addresses(sender, digest.email):
        return _build_with_email_package(digest, sender=sender, base_url=base_url, templates_dir=templates_dir)
    raw = render_message(digest, sender=sender, base_url=base_url, templates_dir=templates_dir).data
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _render_bodies(digest: Digest, base_url: str, templates_dir: str) -> tuple[str, str]:
    base = base_url.rstrip("/")
    shown = digest.shown
    context = {"digest": digest, "d": shown[0], "link": f"{base}/requests/{shown[0].request_id}",
               "items": [(d, f"{base}/requests/{d.request_id}") for d in shown], "lang": digest.locale}
    env = _environment(templates_dir, digest.locale)
    return (env.get_template("emails/reminder.txt").render(context),
            env.get_template("emails/reminder.html").render(context))


def _ascii_addresses(sender: str, recipient: str) -> bool:
    return parseaddr(sender)[1].isascii() and recipient.isascii()


@functools.lru_cache(maxsize=16)
def _sender_header(sender: str) -> tuple[str, str]:
    """The From header (a display name that is not ASCII as an encoded word) and the envelope sender address."""
    name, address = parseaddr(sender)
    if sender.isascii() and sender.isprintable():
        return sender, address
    return mime.Encoded(formataddr((name, address), charset="utf-8")), address


def _build_with_email_package(digest: Digest, *, sender: str, base_url: str, templates_dir: str) -> EmailMessage:
    """The same message through the ``email`` package: only for addresses that are not ASCII."""
    text, html = _render_bodies(digest, base_url, templates_dir)
    msg = EmailMessage()
    for name, value in _headers(digest, sender):
        msg[name] = value
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def build_handoff_message(mail: HandoffMail, *, sender: str, base_url: str, templates_dir: str) -> EmailMessage:
    """A workflow hand-off as a multipart message; urgent ones carry the priority headers mail clients show."""
    env = _environment(templates_dir)
    context = {"m": mail, "link": f"{base_url.rstrip('/')}/requests/{mail.request_id}"}
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = sender
    msg["To"] = mail.email
    msg["Message-ID"] = mail.message_id
    msg["Auto-Submitted"] = "auto-generated"
    if mail.urgent:
        msg["Importance"] = "high"
        msg["X-Priority"] = "1"
    msg.set_content(env.get_template("emails/handoff.txt").render(context))
    msg.add_alternative(env.get_template("emails/handoff.html").render(context), subtype="html")
    return msg


class SmtpSender:
    """Sends reminder digests and hand-offs over one SMTP connection, opened on the first message and reused.

    A sweep delivers hundreds of messages: a connection (and TLS handshake, and login) per message would cap the
    rate at the server's connection setup (about 200 per second to a local relay). After any failure the
    connection is dropped and the next message opens a new one, so one bad exchange never poisons the rest; an
    idle connection is checked with NOOP before reuse, since relays close idle sessions. ``close()`` ends the
    session; the scheduler calls it after each sweep.

    When the server advertises ESMTP PIPELINING (RFC 2920), MAIL, RCPT and DATA go out in one write and their
    replies are read together: one round trip instead of three. Without it (aiosmtpd, for one, does not advertise
    it) every command waits for its reply, as RFC 5321 requires. Either way a refusal is classified as
    ``smtplib.sendmail`` does (:meth:`_envelope`), so :meth:`deliver` treats both alike.

    ``ready``, when the sweep passes it, is called once the first command of this message is on its way and
    before the message can be accepted: the sweep commits there its record of the message before (see
    :class:`lawreq.deadlines.jobs._SentLog`), so that commit overlaps the server's work on this envelope, and
    still no message is accepted while an earlier accepted one is unrecorded.
    """

    #: Seconds a connection may sit unused before it is checked (NOOP) rather than trusted.
    IDLE_CHECK = 10.0
    #: Takes ``ready`` (see above): the reminder sweep may defer its record of a message to the next one.
    overlaps_records = True

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._conn: smtplib.SMTP | None = None
        self._used_at = 0.0

    def __call__(self, digest: Digest | Delivery, *, ready: Callable[[], None] | None = None) -> None:
        s = self.settings
        recipient = digest.email
        if not _ascii_addresses(s.sender, recipient):
            if ready is not None:
                ready()
            self.deliver(build_message(digest, sender=s.sender, base_url=s.base_url, templates_dir=s.templates_dir))
            return
        self.deliver(render_message(digest, sender=s.sender, base_url=s.base_url, templates_dir=s.templates_dir),
                     ready=ready)

    def handoff(self, mail: HandoffMail) -> None:
        """Send one workflow hand-off (the sender the hand-off sweep uses)."""
        s = self.settings
        self.deliver(build_handoff_message(mail, sender=s.sender, base_url=s.base_url,
                                           templates_dir=s.templates_dir))

    def deliver(self, msg: EmailMessage | Outgoing, *, ready: Callable[[], None] | None = None) -> None:
        """Send, classifying a refusal that retrying cannot fix as :class:`PermanentDeliveryError`."""
        to = msg["To"] if isinstance(msg, EmailMessage) else ", ".join(msg.recipients)
        try:
            if isinstance(msg, EmailMessage):
                self._connection().send_message(msg)
            else:
                self._send(self._connection(), msg, ready)
            self._used_at = time.monotonic()
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            raise PermanentDeliveryError(f"recipient {to} refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise
        except BaseException:
            self.close(quit=False)
            raise

    def _send(self, conn: smtplib.SMTP, msg: Outgoing, ready: Callable[[], None] | None) -> None:
        """One mail transaction, raising what ``smtplib.SMTP.sendmail`` raises, after the same RSET or close."""
        conn.ehlo_or_helo_if_needed()
        size = f" SIZE={len(msg.data)}" if conn.does_esmtp and conn.has_extn("size") else ""
        mail = f"MAIL FROM:{smtplib.quoteaddr(msg.envelope_from)}{size}\r\n"
        rcpts = [f"RCPT TO:{smtplib.quoteaddr(r)}\r\n" for r in msg.recipients]
        pipelining = conn.does_esmtp and conn.has_extn("pipelining")
        conn.send((mail + "".join(rcpts) + "DATA\r\n") if pipelining else mail)
        if ready is not None:
            ready()
        code, resp = conn.getreply()
        if code != 250:
            if pipelining and code != 421:
                self._drain(conn, len(rcpts))
            self._abort(conn, code)
            raise smtplib.SMTPSenderRefused(code, resp, msg.envelope_from)
        refused: dict[str, tuple[int, bytes]] = {}
        for recipient, command in zip(msg.recipients, rcpts, strict=True):
            if not pipelining:
                conn.send(command)
            code, resp = conn.getreply()
            if code not in (250, 251):
                refused[recipient] = (code, resp)
            if code == 421:
                conn.close()
                raise smtplib.SMTPRecipientsRefused(refused)
        if not pipelining:
            if len(refused) == len(rcpts):
                _rset(conn)
                raise smtplib.SMTPRecipientsRefused(refused)
            conn.send("DATA\r\n")
        code, resp = conn.getreply()
        if pipelining and len(refused) == len(rcpts):  # the server answered DATA too (RFC 2920 §3.1): 554 or 503
            if code == 354:
                conn.send(b".\r\n")
                conn.getreply()
            _rset(conn)
            raise smtplib.SMTPRecipientsRefused(refused)
        if code != 354:
            raise smtplib.SMTPDataError(code, resp)
        conn.send(_DOT_AT_LINE_START.sub(b"..", msg.data) + b".\r\n")  # data ends in CRLF (mime.alternative)
        code, resp = conn.getreply()
        if code != 250:
            self._abort(conn, code)
            raise smtplib.SMTPDataError(code, resp)

    @staticmethod
    def _drain(conn: smtplib.SMTP, rcpts: int) -> None:
        """Read the replies to the pipelined RCPTs and DATA after a refused MAIL, so RSET gets its own reply."""
        for _ in range(rcpts + 1):
            code, _resp = conn.getreply()
            if code == 354:  # a server that took DATA without a sender: end the empty message
                conn.send(b".\r\n")
                conn.getreply()

    @staticmethod
    def _abort(conn: smtplib.SMTP, code: int) -> None:
        """As ``sendmail``: the server is going away (421), so close; else RSET the failed transaction."""
        if code == 421:
            conn.close()
        else:
            _rset(conn)

    def close(self, *, quit: bool = True) -> None:
        """End the SMTP session (QUIT unless the connection is already broken)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if quit:
                conn.quit()
            else:
                conn.close()
        except (smtplib.SMTPException, OSError):
            conn.close()

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reset(self) -> None:
        """After a refused message the session stays usable once RSET clears the transaction; else drop it."""
        if self._conn is None:
            return
        try:
            self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self.close(quit=False)

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None and time.monotonic() - self._used_at > self.IDLE_CHECK:
            try:
                if self._conn.noop()[0] != 250:
                    self.close(quit=False)
            except (smtplib.SMTPException, OSError):
                self.close(quit=False)
        if self._conn is None:
            self._conn = self._open()
            self._used_at = time.monotonic()
        return self._conn

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
            if s.user:
                conn.login(s.user, s.password or "")
        except BaseException:
            conn.close()
            raise
        return conn


def _rset(conn: smtplib.SMTP) -> None:
    """RSET, ignoring a server that has gone meanwhile (``smtplib``'s own ``_rset``): the refusal that led here is
    what the caller must see."""
    try:
        conn.rset()
    except smtplib.SMTPServerDisconnected:
        pass


_ENVIRONMENTS: dict[str, Environment] = {}


def _environment(templates_dir: str, locale: str = "en") -> Environment:
    key = (templates_dir, locale)
    if key not in _ENVIRONMENTS:
        env = Environment(
            loader=FileSystemLoader(str(Path(templates_dir))),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            keep_trailing_newline=True, extensions=["jinja2.ext.i18n"],
            # a sweep renders two templates per message: no stat() of the files each time (a changed mail template
            # is picked up when the scheduler restarts)
            auto_reload=False)
        env.install_gettext_translations(catalogue(locale), newstyle=True)
        _ENVIRONMENTS[key] = env
    return _ENVIRONMENTS[key]


#: Deadline kinds in words (the same messages the interface uses, lawreq/web/terms.py).
KIND_WORDS = {"response": N_("response"), "preservation_expiry": N_("end of preservation"),
              "preservation_extension": N_("extension of preservation"), "review_window": N_("review window"),
              "ex_post_validation": N_("ex-post validation"), "recognition": N_("recognition"),
              "provisional_measures": N_("provisional measures"), "execution": N_("execution"),
              "acknowledgement": N_("acknowledgement")}


@functools.cache
def catalogue(locale: str) -> Translations:
    """The compiled interface catalogue of ``locale`` (English: the messages themselves)."""
    found = Translations.load(str(TRANSLATIONS), [locale or "en"], domain="messages")
    return found if isinstance(found, Translations) else NullTranslations()
