"""Reminder e-mail over SMTP: what may leave the controlled system, and how a failure is classified.

A mail carries only the request reference, the deadline kind, its time and a link: anything about the case
stays behind the login (ASVS 14.2.3). The Message-ID is derived from the reminder id, so a resend after a
crash between sending and marking is recognisable as the same message.
"""

from __future__ import annotations

import functools
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.support import NullTranslations, Translations
from babel.units import format_unit
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lawreq.catalogues import TRANSLATIONS
from lawreq.core.text import N_

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


def build_message(delivery: Delivery, *, sender: str, base_url: str, templates_dir: str) -> EmailMessage:
    """The reminder as a multipart plain-text + HTML message."""
    env = _environment(templates_dir, delivery.locale)
    context = {"d": delivery, "link": f"{base_url.rstrip('/')}/requests/{delivery.request_id}",
               "lang": delivery.locale}
    msg = EmailMessage()
    subject = N_("Overdue: %(reference)s %(kind)s %(when)s") if delivery.offset_seconds > 0 else \
        N_("Deadline: %(reference)s %(kind)s %(when)s")
    msg["Subject"] = delivery._t(subject, reference=delivery.reference, kind=delivery.kind_words,
                                 when=delivery.when_words)
    msg["From"] = sender
    msg["To"] = delivery.email
    msg["Message-ID"] = delivery.message_id
    msg["Date"] = format_datetime(delivery.due_at)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(env.get_template("emails/reminder.txt").render(context))
    msg.add_alternative(env.get_template("emails/reminder.html").render(context), subtype="html")
    return msg


class SmtpSender:
    """Sends one reminder per call; a new connection each time keeps failures independent of each other."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def __call__(self, delivery: Delivery) -> None:
        s = self.settings
        msg = build_message(delivery, sender=s.sender, base_url=s.base_url, templates_dir=s.templates_dir)
        try:
            self._send(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(f"recipient {delivery.email} refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise

    def _send(self, msg: EmailMessage) -> None:
        s = self.settings
        if s.security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with conn:
            if s.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
            if s.user:
                conn.login(s.user, s.password or "")
            conn.send_message(msg)


_ENVIRONMENTS: dict[str, Environment] = {}


def _environment(templates_dir: str, locale: str = "en") -> Environment:
    key = (templates_dir, locale)
    if key not in _ENVIRONMENTS:
        env = Environment(
            loader=FileSystemLoader(str(Path(templates_dir))),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
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
