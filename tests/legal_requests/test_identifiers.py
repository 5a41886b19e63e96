"""Identifiers are checked against the provider's formats and normalised (deconfliction matches on the result)."""

from __future__ import annotations

import pytest

from lawreq.legal_requests.identifiers import IdentifierError, accepted_types, keys, normalise


def error(kind, raw, **kw) -> IdentifierError:
    with pytest.raises(IdentifierError) as exc:
        normalise(kind, raw, **kw)
    return exc.value


def test_instagram_username_is_normalised_and_display_names_are_refused(rules):
    meta = rules.providers["meta"]
    assert normalise("username", "@Jane.Doe", provider=meta).value == "jane.doe"
    err = error("username", "Jane Doe", provider=meta)
    assert err.field == "value" and "display name" in err.message


def test_numeric_id_follows_the_provider_pattern(rules):
    meta = rules.providers["meta"]
    assert normalise("numeric_id", "1000 0456 7890", provider=meta).value == "100004567890"
    err = error("numeric_id", "1234", provider=meta)
    assert "100004567890123" in err.message  # the provider's example shows what is expected


def test_phone_numbers_must_be_e164(rules):
    assert normalise("phone", "+358 40 123-4567").value == "+358401234567"
    assert normalise("phone", "00358401234567").value == "+358401234567"
    err = error("phone", "040 123 4567")
    assert "E.164" in err.message and "+358401234567" in err.message


def test_provider_specific_phone_format(rules):
    telia = rules.providers["telia-fi"]
    err = error("phone", "+4915112345678", provider=telia)
    assert "Telia" in err.message or telia.name in err.message


def test_type_the_provider_does_not_document_names_what_it_accepts(rules):
    telia = rules.providers["telia-fi"]
    err = error("username", "jane", provider=telia)
    assert err.field == "type" and "IP address" in err.message
    assert "ip" in accepted_types(rules.providers["meta"])


def test_ip_with_port_and_zone_is_stored_in_utc():
    found = normalise("ip", "192.0.2.10", port="51234", timestamp="2026-11-20 14:03:22", zone="Europe/Helsinki")
    assert (found.value, found.port, found.timestamp_utc) == ("192.0.2.10", 51234, "2026-11-20T12:03:22Z")
    inline = normalise("ip", "192.0.2.10:51234", timestamp="2026-11-20T12:03:22Z")
    assert inline.port == 51234 and inline.timestamp_utc == "2026-11-20T12:03:22Z"
    assert normalise("ip", "2001:DB8::0001", timestamp="2026-11-20T12:03:22+00:00").value == "2001:db8::1"


def test_ip_timestamp_without_zone_is_refused():
    err = error("ip", "192.0.2.10", timestamp="2026-11-20 14:03:22")
    assert err.field == "zone" and "time zone" in err.message


def test_ip_without_timestamp_and_with_a_bad_port():
    assert error("ip", "192.0.2.10").field == "timestamp"
    err = error("ip", "192.0.2.10", port="70000", timestamp="2026-11-20T12:00:00Z")
    assert err.field == "port" and "65535" in err.message


def test_private_addresses_cannot_be_traced():
    assert "private" in error("ip", "192.168.1.5", timestamp="2026-11-20T12:00:00Z").message
    assert "IPv4 or IPv6" in error("ip", "999.1.1.1", timestamp="2026-11-20T12:00:00Z").message


def test_email_url_and_keys():
    mail = normalise("email", " Jane.Doe@Example.ORG ")
    assert mail.value == "jane.doe@example.org"
    assert "http" in error("url", "instagram.com/jane").message
    assert keys([mail.to_dict(), {"type": "ip", "value": ""}]) == {"email:jane.doe@example.org"}
