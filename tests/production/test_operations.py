"""What an operator sees: one access-log line per request with its id, the id in the audit entries it caused,
a health check that notices a stopped scheduler, and Prometheus metrics for admins and scraper networks."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.core.clock import utcnow
from lawreq.ops.models import SchedulerSweep


def test_every_request_is_one_json_line_and_its_id_comes_back(client, caplog):
    with caplog.at_level(logging.INFO, logger="lawreq.access"):
        resp = client.get("/login?q=secret-search", headers={"X-Request-ID": "proxy-given-id-123"})
    assert resp.headers["X-Request-ID"] == "proxy-given-id-123"
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "lawreq.access"]
    assert line["request_id"] == "proxy-given-id-123" and line["method"] == "GET" and line["status"] == 200
    assert line["path"] == "/login" and "secret-search" not in json.dumps(line)  # no query string
    assert {"time", "user_id", "duration_ms"} <= set(line)


def test_a_malformed_incoming_id_is_replaced(client):
    resp = client.get("/login", headers={"X-Request-ID": "<script>x</script> or too long" * 3})
    assert "<" not in resp.headers["X-Request-ID"] and len(resp.headers["X-Request-ID"]) == 32


def test_the_audit_entries_of_a_request_carry_its_id(client, csrf, factory, db_session):
    user = factory.user("investigator", email="rid@test.lawreq")
    token = csrf()
    resp = client.post("/login", data={"csrf_token": token, "email": user.email, "password": "wrong password 1"},
                       headers={"X-Request-ID": "audit-trace-0001"})
    assert resp.headers["X-Request-ID"] == "audit-trace-0001"
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")
                               .order_by(AuditEntry.seq.desc())).first()
    assert entry.request_id == "audit-trace-0001"


def test_the_audit_chain_still_verifies_with_request_ids(client, csrf, factory, db_session, app):
    from lawreq.audit.services import verify_log

    user = factory.user("investigator", email="rid2@test.lawreq")
    client.post("/login", data={"csrf_token": csrf(), "email": user.email, "password": "wrong password 2"})
    _count, broken = verify_log(db_session, app.config["AUDIT_KEY"].encode())
    assert broken is None


def test_health_fails_when_no_scheduler_swept_recently(client, db_session, app):
    db_session.add(SchedulerSweep(worker="host:1", finished_at=utcnow() - timedelta(hours=1), summary="x"))
    db_session.commit()
    resp = client.get("/healthz")
    assert resp.status_code == 503 and "no recent sweep" in resp.get_json()["checks"]["scheduler"]
    db_session.add(SchedulerSweep(worker="host:2", finished_at=utcnow(), summary="x"))
    db_session.commit()
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json()["checks"] == {"database": "ok", "scheduler": "ok"}


def test_metrics_for_a_scraper_network_in_prometheus_text(client, app):
    client.get("/login")
    old = app.config["METRICS_NETWORKS"]
    app.config["METRICS_NETWORKS"] = ["127.0.0.0/8"]
    try:
        resp = client.get("/metrics")
    finally:
        app.config["METRICS_NETWORKS"] = old
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    assert 'lawreq_http_requests_total{endpoint="auth.login",method="GET",status="200"' in text
    assert "lawreq_http_request_duration_seconds_bucket" in text
    for name in ("lawreq_reminders_due ", 'lawreq_reminders{status="sent"}', 'lawreq_reminders{status="failed"}',
                 "lawreq_scheduler_lag_seconds "):
        assert name in text
    assert client.get("/metrics").status_code == 404  # not on the network, not an admin
