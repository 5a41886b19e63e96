"""Security headers on every kind of response."""

import pytest

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("path,status", [("/login", 200), ("/home", 302), ("/no/such/page", 404)])
def test_headers_on_pages_redirects_and_errors(client, path, status):
    resp = client.get(path)
    assert resp.status_code == status
    for header, value in REQUIRED.items():
        assert resp.headers[header] == value
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_authenticated_pages_are_not_cached(client, factory, login):
    login(factory.user("investigator"))
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "max-age=31536000" in client.get("/login", base_url="https://lawreq.test").headers["Strict-Transport-Security"]


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    for path in (Path(__file__).resolve().parents[2] / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "style=" not in text and "onclick=" not in text, path
        assert "http://" not in text.replace("http://www.w3.org", "") or "cdn" not in text


def test_error_page_is_generic(client):
    body = client.get("/no/such/page").get_data(as_text=True)
    assert "Traceback" not in body and "nothing here" in body
