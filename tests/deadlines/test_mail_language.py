"""A reminder e-mail is written in its recipient's interface language (users.locale), English by default."""

from __future__ import annotations

from datetime import datetime, timezone

from lawreq.deadlines.mail import Delivery, build_message


def _delivery(locale: str, offset_seconds: int = -3 * 86400) -> Delivery:
    return Delivery(reminder_id=7, user_id=1, email="ermittler@example.test", name="Erik Ermittler", channel="email",
                    request_id=42, reference="DE-CYB-2026-00001", kind="response",
                    due_at=datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc), timezone="Europe/Berlin",
                    offset_seconds=offset_seconds, escalation=False, locale=locale)


def _bodies(msg):
    return [part.get_content() for part in msg.iter_parts()]


def test_a_german_recipient_gets_the_reminder_in_german(app):
    msg = build_message(_delivery("de"), sender="lawreq@example.test", base_url="https://lawreq.example",
                        templates_dir=app.config["TEMPLATES_DIR"])
    text, html = _bodies(msg)
    assert msg["Subject"] == "Frist: DE-CYB-2026-00001 Antwort ist noch 3 Tage offen"
    assert text.startswith("Guten Tag Erik Ermittler,")
    assert "Die Frist „Antwort“ des Ersuchens DE-CYB-2026-00001 ist noch 3 Tage offen." in text
    assert '<html lang="de">' in html and '<a href="https://lawreq.example/requests/42">Ersuchen öffnen</a>' in html


def test_without_a_choice_the_reminder_stays_english(app):
    msg = build_message(_delivery("en", offset_seconds=86400), sender="lawreq@example.test",
                        base_url="https://lawreq.example", templates_dir=app.config["TEMPLATES_DIR"])
    text, _html = _bodies(msg)
    assert msg["Subject"] == "Overdue: DE-CYB-2026-00001 response is overdue by 1 day"
    assert "The response deadline of request DE-CYB-2026-00001 is overdue by 1 day." in text


def test_a_digest_of_several_deadlines_is_one_german_mail_listing_each(app):
    from dataclasses import replace

    from lawreq.deadlines.mail import Digest

    first = _delivery("de")
    second = replace(first, reminder_id=8, request_id=43, reference="DE-CYB-2026-00002", kind="preservation_expiry",
                     offset_seconds=-86400)
    msg = build_message(Digest((first, second)), sender="lawreq@example.test", base_url="https://lawreq.example",
                        templates_dir=app.config["TEMPLATES_DIR"])
    text, html = _bodies(msg)
    assert msg["Subject"] == "Frist: 2 Fristen brauchen Sie (DE-CYB-2026-00001, DE-CYB-2026-00002)"
    assert text.startswith("Guten Tag Erik Ermittler,")
    assert "2 Fristen brauchen Sie:" in text
    assert "- DE-CYB-2026-00001: die Frist „Antwort“ ist noch 3 Tage offen" in text
    assert "Öffnen (Anmeldung erforderlich): https://lawreq.example/requests/43" in text
    assert '<html lang="de">' in html and "<strong>DE-CYB-2026-00002</strong>: die Frist" in html
    assert "Fristen brauchen Sie: " in Digest((first, second)).summary()
