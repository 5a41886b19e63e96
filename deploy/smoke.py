"""Production smoke test: the installed package, PostgreSQL, gunicorn with 4 workers, two schedulers, real SMTP.

Run it with the Python of a venv where the wheel is installed, from any folder (CI: an empty one outside the
checkout), with ``LAWREQ_SMOKE_PG`` pointing at a PostgreSQL server whose user may create databases:

    LAWREQ_SMOKE_PG=postgresql://postgres@127.0.0.1:5432/postgres  /venv/bin/python deploy/smoke.py

It does what README's production section says, command for command: ``lawreq db upgrade``, ``lawreq units
create``, ``lawreq users create``, ``gunicorn -w 4 'lawreq.wsgi:app'``, ``lawreq scheduler`` twice, then a client
logs in as an investigator, drafts an EPOC, an approver enrols and approves with a TOTP code, a liaison officer
marks it sent, and the reminders of its 10-day deadline arrive by e-mail over STARTTLS (the schedulers run with
``SCHEDULER_CLOCK_OFFSET_SECONDS`` so that they are due now). Then SIGTERM to everything: every process must exit
0, and every e-mail reminder must be ``sent`` in the database and received exactly once. Only the standard library,
lawreq's own dependencies and aiosmtpd are used; nothing from the checkout is imported.
"""

from __future__ import annotations

import datetime as dt
import email
import http.cookiejar
import ipaddress
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pyotp
from sqlalchemy.engine import make_url

PASSWORD = "Smoke-test passphrase " + secrets.token_hex(6)
DAY = 86400


# --- the processes ----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env: dict[str, str], *args: str) -> str:
    """One ``lawreq`` command; fail the smoke test with its output if it fails."""
    done = subprocess.run([str(BIN / "lawreq"), *args], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        sys.exit(f"FAIL: lawreq {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    print(f"+ lawreq {' '.join(a if a != PASSWORD else '***' for a in args)}\n  {done.stdout.strip()}")
    return done.stdout


def tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost: the mail relay speaks STARTTLS and the scheduler verifies it
    (production refuses SMTP without TLS)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "smtp.pem", folder / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class Inbox:
    """aiosmtpd handler keeping every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio

        await asyncio.sleep(0.3)  # a relay that takes its time, so a SIGTERM lands while a sweep is delivering
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def start_smtp(folder: Path):
    import ssl

    from aiosmtpd.controller import Controller

    cert, key = tls_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True)
    controller.start()
    return controller, inbox, cert


# --- a small browser --------------------------------------------------------------------------------------------
class _Forms(HTMLParser):
    """Every form of a page with the values a browser would submit by default."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": [], "buttons": [], "text": "",
                               "names": set()})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if name:
            form["names"].add(name)
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                form["buttons"].append((name, a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value") or "on"))
            else:
                form["fields"].append((name, a.get("value") or ""))
        elif tag == "button" and name:
            form["buttons"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._chosen = name, False
            form["fields"].append((name, None))  # a browser sends the first option unless one is selected
        elif tag == "option" and self._select:
            last = form["fields"][-1]
            if last[1] is None or ("selected" in a and not self._chosen):
                form["fields"][-1] = (last[0], a.get("value") or "")
                self._chosen = self._chosen or "selected" in a
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"].append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self.forms:
            self.forms[-1]["text"] += data
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)


class _TrustProxyTls(http.cookiejar.DefaultCookiePolicy):
    """The client talks plain HTTP to gunicorn as a TLS-terminating proxy would; the app's cookies are Secure."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar(policy=_TrustProxyTls())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.url = base
        self.html = ""

    def go(self, path: str, data: list[tuple[str, str]] | None = None) -> str:
        url = urllib.parse.urljoin(self.url, path)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers={
            # What the reverse proxy in front of gunicorn adds; the app trusts one hop (ProxyFix).
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7", "Referer": self.url.replace("http:", "https:")})
        try:
            with self.opener.open(req, timeout=60) as resp:
                self.url, self.html = resp.geturl(), resp.read().decode()
                self.status = resp.status
        except urllib.error.HTTPError as exc:
            self.url, self.html, self.status = exc.geturl(), exc.read().decode(), exc.code
        if self.status >= 500:
            sys.exit(f"FAIL: {url} answered {self.status}")
        return self.html

    def form(self, button: str | None = None, action: str | None = None, names: set[str] = frozenset()) -> dict:
        """The first form matching the action, the button and having every field in ``names``."""
        parser = _Forms()
        parser.feed(self.html)
        for form in parser.forms:
            form["action"] = form["action"] or urllib.parse.urlparse(self.url).path
            if action is not None and not form["action"].endswith(action):
                continue
            if not names <= form["names"]:
                continue
            if button is None or button in form["text"] or any(button == v for _n, v in form["buttons"]):
                return form
        sys.exit(f"FAIL: no form {button or action!r} on {self.url} (status {self.status}):\n{self.html[:3000]}")

    def submit(self, button: str | None = None, values: dict | None = None, *, action: str | None = None,
               press: str | None = None, extra: list[tuple[str, str]] = ()) -> str:
        values = values or {}
        form = self.form(button, action, set(values) | ({press} if press else set()))
        fields = [(k, v) for k, v in form["fields"] if k not in values] + list(values.items()) + list(extra)
        if press is None and button is not None:
            press = next((n for n, v in form["buttons"] if v == button), None)
        if press:
            fields.append((press, dict(form["buttons"]).get(press) or "y"))
        return self.go(form["action"] or self.url, fields)

    def login(self, email_: str, totp_secret: str | None = None) -> None:
        self.jar.clear()
        self.go("/login")
        self.submit(action="/login", values={"email": email_, "password": PASSWORD})
        if totp_secret is not None and "/login/totp" in self.url:
            self.submit(values={"code": fresh_code(totp_secret)})
        expect(self, r"/home$|/approvals|/board", f"login of {email_}")


_USED: dict[str, int] = {}


def fresh_code(secret: str) -> str:
    """A TOTP code of a time step not used yet: the app refuses a replayed code, as an authenticator user would
    wait for the next one."""
    totp = pyotp.TOTP(secret)
    while totp.timecode(dt.datetime.now(dt.timezone.utc)) <= _USED.get(secret, -1):
        time.sleep(1)
    _USED[secret] = totp.timecode(dt.datetime.now(dt.timezone.utc))
    return totp.now()


def expect(browser: Browser, url_pattern: str, what: str) -> None:
    if not re.search(url_pattern, urllib.parse.urlparse(browser.url).path):
        flashes = re.findall(r'class="[^"]*(?:flash|error)[^"]*"[^>]*>(.*?)<', browser.html, re.S)
        sys.exit(f"FAIL: {what}: at {browser.url} (status {browser.status}); messages: {flashes}")


# --- the story --------------------------------------------------------------------------------------------------
def draft_request(web: Browser) -> int:
    web.login("investigator@smoke.lawreq")
    web.go("/cases/new")
    web.submit(action="/cases/new", values={"reference": "SMOKE-2026-0001", "offence": "solicitation_of_children",
                                            "max_penalty_years": "4",
                                            "summary": "An adult contacted a 12-year-old through Instagram."})
    expect(web, r"/cases/\d+$", "case created")
    web.submit("New request in this case")
    expect(web, r"/wizard/target$", "wizard opened")
    web.submit(values={"provider": "Instagram", "identifiers-0-kind": "username", "identifiers-0-value": "@smoke.user",
                       "period_start": "2026-10-01", "period_end": "2026-11-01"}, press="save")
    expect(web, r"/wizard/data$", "target saved")
    web.submit(values={"data_categories": "subscriber_data"}, press="save")
    expect(web, r"/wizard/urgency$", "data saved")
    web.submit(press="save")
    expect(web, r"/wizard/route$", "urgency saved")
    web.submit(values={"route": "eu-epoc"}, press="save")
    expect(web, r"/wizard/details$", "route chosen")
    web.submit(values={"facts_summary": "An adult contacted a 12-year-old through Instagram.",
                       "legal_provisions": "Criminal Code (39/1889) chapter 20 section 8b",
                       "necessity_proportionality": "Only the subscriber data can identify the suspect.",
                       "time_range_start": "2026-10-01T00:00", "time_range_end": "2026-11-01T00:00",
                       "language": "en"}, press="save")
    expect(web, r"/wizard/review$", "details saved")
    web.submit("Submit for approval")
    expect(web, r"/requests/\d+$", "submitted")
    return int(web.url.rstrip("/").rsplit("/", 1)[1])


def enrol_second_factor(web: Browser, email_: str) -> str:
    """First login of an approver: enrol a TOTP authenticator (the secret is on the page), keep the secret."""
    web.jar.clear()
    web.go("/login")
    web.submit(action="/login", values={"email": email_, "password": PASSWORD})
    expect(web, r"/login/totp/setup$", "TOTP enrolment offered")
    secret = re.search(r'class="secret"><code>([A-Z2-7]+)</code>', web.html).group(1)
    web.submit(values={"code": fresh_code(secret)})
    return secret


def approve(web: Browser, request_id: int, totp_secret: str) -> None:
    """The approver reads the drawn-up document, steps up with a fresh TOTP code, confirms and signs."""
    web.login("prosecutor@smoke.lawreq", totp_secret)
    web.go(f"/approvals/{request_id}")
    web.submit("Approve and sign", values={"comment": "Necessary and proportionate."})
    if "/sign" not in web.url and "Sign and issue" not in web.html:
        expect(web, r"^$", f"request {request_id} drawn up for signing")
    web.submit("Sign and issue", values={"code": fresh_code(totp_secret), "confirm": "y"})
    web.go(f"/requests/{request_id}")
    if "state state-approved" not in web.html:
        expect(web, r"^$", f"request {request_id} approved")


def mark_sent(web: Browser, request_id: int) -> None:
    web.login("liaison@smoke.lawreq")
    web.go(f"/requests/{request_id}")
    web.submit(action=f"/requests/{request_id}/actions/mark_sent",
               values={"channel": "Meta LEORS", "provider_reference": "LE-SMOKE-1"})
    web.go(f"/requests/{request_id}")
    if "state state-sent" not in web.html:
        expect(web, r"^$", f"request {request_id} marked sent")


def reminder_rows(pg_url: str, request_id: int) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(
            "SELECT r.id, r.status, r.channel, u.email FROM reminders r JOIN deadlines d ON d.id = r.deadline_id "
            "JOIN users u ON u.id = r.user_id WHERE d.request_id = %s ORDER BY r.id", (request_id,)).fetchall()


def check_operations(base: str, access_log: Path) -> None:
    """/healthz sees the database and a recent sweep; /metrics answers the local scraper; every request was
    logged as one JSON line with its request id."""
    import json

    with urllib.request.urlopen(base + "/healthz", timeout=10) as resp:
        health = json.load(resp)
    if health.get("checks") != {"database": "ok", "scheduler": "ok"}:
        sys.exit(f"FAIL: /healthz says {health}")
    with urllib.request.urlopen(base + "/metrics", timeout=10) as resp:
        metrics = resp.read().decode()
    if 'lawreq_reminders{status="sent"}' not in metrics or "lawreq_http_requests_total" not in metrics:
        sys.exit(f"FAIL: /metrics lacks the reminder or request figures:\n{metrics[:2000]}")
    lines = [json.loads(line) for line in access_log.read_text().splitlines() if line.startswith('{"time"')]
    if not lines or not all(line.get("request_id") and line.get("status") for line in lines):
        sys.exit("FAIL: no structured access-log lines in gunicorn's output")
    print(f"+ /healthz ok, /metrics ok, {len(lines)} access-log lines with request ids")


def stop(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    bad = []
    for name, proc in procs.items():
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = "timeout"
        if code != 0:
            bad.append(f"{name} exited {code}")
    if bad:
        sys.exit("FAIL: unclean shutdown after SIGTERM: " + "; ".join(bad))
    print("+ SIGTERM: every process exited 0")


def main() -> int:
    admin_url = make_url(os.environ.get("LAWREQ_SMOKE_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"lawreq_smoke_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    pg = admin_url.set(database=name)
    procs: dict[str, subprocess.Popen] = {}
    folder = Path(tempfile.mkdtemp(prefix="lawreq-smoke-"))
    smtp, inbox, cert = start_smtp(folder)
    try:
        port = free_port()
        env = {**os.environ, "LAWREQ_ENV": "production", "LAWREQ_INSTANCE_PATH": str(folder / "instance"),
               "LAWREQ_DATABASE_URL": pg.set(drivername="postgresql+psycopg").render_as_string(hide_password=False),
               "LAWREQ_SECRET_KEY": secrets.token_urlsafe(48), "LAWREQ_AUDIT_KEY": secrets.token_urlsafe(48),
               "LAWREQ_JWT_SECRET": secrets.token_urlsafe(48), "LAWREQ_BASE_URL": f"https://127.0.0.1:{port}",
               "LAWREQ_SMTP_HOST": "localhost", "LAWREQ_SMTP_PORT": str(smtp.port),
               "LAWREQ_SMTP_SECURITY": "starttls", "LAWREQ_SMTP_FROM": "lawreq@smoke.lawreq",
               "SSL_CERT_FILE": str(cert)}
        run(env, "db", "upgrade")
        run(env, "units", "create", "--code", "FI-SMOKE", "--name", "Smoke test unit", "--country", "FI",
            "--timezone", "Europe/Helsinki")
        for email_, role, authority in (("investigator@smoke.lawreq", "investigator", None),
                                        ("prosecutor@smoke.lawreq", "approver", "prosecutor"),
                                        ("liaison@smoke.lawreq", "liaison_officer", None)):
            run(env, "users", "create", "--email", email_, "--role", role, "--unit", "FI-SMOKE",
                *(["--authority", authority] if authority else []), "--no-force-change", "--password", PASSWORD)
        logs = {}
        def start(label: str, argv: list[str], extra: dict[str, str] | None = None) -> None:
            logs[label] = open(folder / f"{label}.log", "w")  # noqa: SIM115 (closed at the end)
            procs[label] = subprocess.Popen(argv, env={**env, **(extra or {})}, stdout=logs[label],
                                            stderr=subprocess.STDOUT)
        start("gunicorn", [str(BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "20",
                           "lawreq.wsgi:app"])
        web = Browser(f"http://127.0.0.1:{port}")
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("FAIL: gunicorn did not answer:\n" + (folder / "gunicorn.log").read_text())
        print(f"+ gunicorn -w 4 -b 127.0.0.1:{port} lawreq.wsgi:app  (answering)")

        request_id = draft_request(web)
        print(f"+ investigator drafted and submitted request {request_id}")
        secret = enrol_second_factor(Browser(web.base), "prosecutor@smoke.lawreq")
        approve(web, request_id, secret)
        print(f"+ approver enrolled a second factor and approved request {request_id} with a TOTP code")
        mark_sent(web, request_id)
        rows = [r for r in reminder_rows(env["LAWREQ_DATABASE_URL"].replace("+psycopg", ""), request_id)
                if r[2] == "email"]
        if not rows:
            sys.exit("FAIL: marking the request sent scheduled no e-mail reminder")
        print(f"+ liaison officer marked it sent: {len(rows)} e-mail reminders scheduled")

        # The schedulers see the clock 12 days ahead: every reminder of the 10-day deadline is due now.
        for n in (1, 2):
            start(f"scheduler{n}", [str(BIN / "lawreq"), "scheduler"],
                  {"LAWREQ_SCHEDULER_CLOCK_OFFSET_SECONDS": str(12 * DAY), "LAWREQ_SCHEDULER_INTERVAL_SECONDS": "1"})
        # SIGTERM one scheduler while it delivers: it must finish the reminders it claimed and exit 0.
        deadline = time.monotonic() + 60
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        at_signal = len(inbox.messages)
        stop({"scheduler1": procs.pop("scheduler1")})
        print(f"+ scheduler1 stopped by SIGTERM mid-sweep ({at_signal} e-mail(s) had arrived then, "
              f"{len(inbox.messages)} when it had exited)")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            pending = [r for r in reminder_rows(env["LAWREQ_DATABASE_URL"].replace("+psycopg", ""), request_id)
                       if r[2] == "email" and r[1] != "sent"]
            if not pending and len(inbox.messages) >= len(rows):
                break
            time.sleep(0.5)
        check_operations(f"http://127.0.0.1:{port}", folder / "gunicorn.log")
        stop(procs)
        final = [r for r in reminder_rows(env["LAWREQ_DATABASE_URL"].replace("+psycopg", ""), request_id)
                 if r[2] == "email"]
        not_sent = [r for r in final if r[1] != "sent"]
        ids = [m["Message-ID"] for m in inbox.messages]
        dupes = {i for i in ids if ids.count(i) > 1}
        print(f"+ {len(inbox.messages)} reminder e-mails received for {len(final)} e-mail reminders "
              f"(to {', '.join(sorted({m['To'] for m in inbox.messages}))})")
        if not_sent:
            sys.exit(f"FAIL: reminders not sent: {not_sent}")
        if dupes:
            sys.exit(f"FAIL: reminders delivered twice: {sorted(dupes)}")
        if len(ids) != len(final):
            sys.exit(f"FAIL: {len(final)} reminders sent but {len(ids)} e-mails received")
        subjects = sorted({m["Subject"] for m in inbox.messages})
        if not any("SMOKE-" in s or "Deadline" in s or "Overdue" in s for s in subjects):
            sys.exit(f"FAIL: unexpected reminder subjects {subjects}")
        for label, log in logs.items():
            log.close()
            if "Traceback" in (folder / f"{label}.log").read_text():
                sys.exit(f"FAIL: {label} logged a traceback:\n" + (folder / f"{label}.log").read_text()[-3000:])
        print("OK: production smoke test passed")
        return 0
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
        smtp.stop()
        with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if os.environ.get("LAWREQ_SMOKE_KEEP_LOGS"):
            print(f"logs kept in {folder}")


BIN = Path(sys.executable).parent

if __name__ == "__main__":
    sys.exit(main())
