"""Cases and requests: list (the board's filters), read, create and edit drafts, transitions, history, the PDF.

Every lookup goes through ``queries.request_for``/``case_for`` with the caller (the scope is in the SQL; a miss is
a 404 whether the object is missing or another unit's), and every change through ``legal_requests.services``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy import func, select

from lawreq import db
from lawreq.api import serializers
from lawreq.api.auth import caller
from lawreq.api.blueprint import Operation, operation
from lawreq.api.errors import ApiError
from lawreq.api.schemas import parse_timestamp
from lawreq.audit.services import record
from lawreq.board.queries import SORTS, BoardFilters, conditions
from lawreq.core.clock import utcnow
from lawreq.legal_requests import permissions, services
from lawreq.legal_requests.details import DetailsError
from lawreq.legal_requests.identifiers import IdentifierError, normalise
from lawreq.legal_requests.models import Case, LegalRequest, RequestEvent
from lawreq.legal_requests.queries import case_for, request_for
from lawreq.rules import Facts, FactsError, evaluate, find_route
from lawreq.signing import SigningError
from lawreq.workflow.states import TransitionError

ID = "int(min=1, max=2147483647)"
PER_PAGE = 50


def ctx() -> services.Ctx:
    return services.Ctx(actor=caller().user, audit_key=current_app.config["AUDIT_KEY"].encode(),
                        rules=current_app.extensions["lawreq.rules"],
                        signing=current_app.extensions.get("lawreq.signing"))


def load_request(request_id: int) -> LegalRequest:
    req = request_for(db.session, caller().user, request_id)
    if req is None:
        raise ApiError(404, "no such request (or not yours to see)")
    return req


def load_case(case_id: int) -> Case:
    found = case_for(db.session, caller().user, case_id)
    if found is None:
        raise ApiError(404, "no such case (or not yours to see)")
    return found


def with_etag(body: dict[str, Any], req: LegalRequest, status: int = 200) -> Response:
    resp = jsonify(body)
    resp.status_code = status
    resp.set_etag(str(req.version))
    return resp


@operation("/cases", "GET", Operation("Cases of the caller's units", "cases", scopes=("requests:read",),
                                      query="cases", response="CaseList", errors=(401, 403, 422, 429)))
def cases(args: dict):
    page, per_page = args.get("page", 1), args.get("per_page", PER_PAGE)
    stmt = select(Case).where(permissions.visible_cases(caller().user))
    if "q" in args:
        stmt = stmt.where(func.lower(Case.reference).contains(args["q"].lower(), autoescape=True))
    rows = list(db.session.scalars(stmt.order_by(Case.updated_at.desc(), Case.id.desc())
                                   .offset((page - 1) * per_page).limit(per_page + 1)))
    return jsonify({"items": [serializers.case(c) for c in rows[:per_page]], "page": page, "per_page": per_page,
                    "has_next": len(rows) > per_page})


@operation(f"/cases/<{ID}:case_id>", "GET", Operation("One case", "cases", scopes=("requests:read",),
                                                      response="Case", errors=(401, 403, 404, 429)))
def case(case_id: int):
    return jsonify(serializers.case(load_case(case_id)))


@operation("/requests", "GET", Operation(
    "Requests, with the board's filters and pagination", "requests", scopes=("requests:read",), query="requests",
    response="RequestList", errors=(401, 403, 422, 429)))
def requests_list(args: dict):
    now = utcnow()
    filters = BoardFilters(state=args.get("state", ""), provider=args.get("provider", ""),
                           country=args.get("country", ""), route=args.get("route", ""),
                           overdue=args.get("overdue", False), due_within=args.get("due_within_days"),
                           emergency=args.get("emergency", False), q=args.get("q", ""),
                           sort=args.get("sort", "deadline"), descending=args.get("order") == "desc",
                           page=args.get("page", 1))
    where = conditions(caller().user, filters, now)
    if "case_id" in args:
        where.append(LegalRequest.case_id == args["case_id"])
    column = SORTS[filters.sort][1]
    order = (column.desc() if filters.descending else column.asc()).nulls_last()
    per_page = args.get("per_page", PER_PAGE)
    rows = list(db.session.scalars(select(LegalRequest).where(*where)
                                   .order_by(order, LegalRequest.id.desc() if filters.descending else LegalRequest.id)
                                   .offset((filters.page - 1) * per_page).limit(per_page + 1)))
    cap = 10_000
    counted = select(LegalRequest.id).where(*where).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted)) or 0
    return jsonify({"items": [serializers.request_summary(r, now) for r in rows[:per_page]], "page": filters.page,
                    "per_page": per_page, "has_next": len(rows) > per_page, "total": min(total, cap),
                    "total_capped": total > cap})


@operation(f"/requests/<{ID}:request_id>", "GET", Operation(
    "One request; its ETag is the version to send back in If-Match", "requests", scopes=("requests:read",),
    response="RequestDetail", errors=(401, 403, 404, 429)))
def request_detail(request_id: int):
    req = load_request(request_id)
    return with_etag(_detail(req), req)


@operation(f"/cases/<{ID}:case_id>/requests", "POST", Operation(
    "Start a draft request in a case", "requests", scopes=("requests:write",), body="DraftCreate",
    response="RequestDetail", status=201, errors=(401, 403, 404, 415, 422, 429)))
def create_draft(case_id: int, body: dict):
    found = load_case(case_id)
    facts = body.get("facts") or {}
    identifiers = _identifiers(body.get("identifiers"), facts.get("provider"))
    try:
        req = services.start_request(db.session, ctx(), found, facts=facts, identifiers=identifiers)
        denormalised = {k: facts[k] for k in ("provider", "emergency") if k in facts}
        if denormalised:  # save_draft keeps provider_id and emergency in step with the facts
            services.save_draft(db.session, ctx(), req, expected_version=req.version, facts=denormalised)
    except services.NotPermitted as exc:
        raise ApiError(403, str(exc)) from None
    db.session.commit()
    return with_etag(_detail(req), req, 201)


@operation(f"/requests/<{ID}:request_id>", "PATCH", Operation(
    "Edit a draft (optimistic lock: If-Match or version; 409 if someone saved first)", "requests",
    scopes=("requests:write",), body="DraftUpdate", response="RequestDetail",
    errors=(401, 403, 404, 409, 415, 422, 428, 429)))
def update_draft(request_id: int, body: dict):
    req = load_request(request_id)
    expected = _expected_version(req, body.get("version"))
    if expected is None:
        raise ApiError(428, "send the version you edited: an If-Match header with the ETag, or 'version'")
    facts = body.get("facts")
    provider = (facts or {}).get("provider", req.facts.get("provider"))
    identifiers = _identifiers(body["identifiers"], provider) if "identifiers" in body else None
    route = _route(req, facts or {}, body["route_id"]) if "route_id" in body else None
    try:
        services.save_draft(db.session, ctx(), req, expected_version=expected, facts=facts,
                            details=body.get("details"), identifiers=identifiers, route=route)
    except services.NotPermitted as exc:
        raise ApiError(403, str(exc)) from None
    except services.ConflictError as exc:
        raise ApiError(409, str(exc), {"current_version": req.version}) from None
    except DetailsError as exc:  # nothing was changed: the schema is checked before the draft is touched
        raise ApiError(422, str(exc), {"fields": [{"path": p.path, "message": p.message}
                                                  for p in exc.problems]}) from None
    db.session.commit()
    return with_etag(_detail(req), req)


@operation(f"/requests/<{ID}:request_id>/transitions", "POST", Operation(
    "Take a workflow action (submit, approve, mark_sent, acknowledge, fulfil …). Approve, validate and "
    "refuse_validation (the ex-post validation of Reg. (EU) 2023/1543 Art. 4(5)) need totp_code (a fresh "
    "second-factor code); approve issues the document: its exact bytes are stored (and signed where the unit has a key); "
    "a document that cannot be produced or signed is a 409 and nothing changes", "requests",
    scopes=("requests:write",), body="Transition", response="RequestDetail",
    errors=(401, 403, 404, 409, 415, 422, 429)))
def transition(request_id: int, body: dict):
    req = load_request(request_id)
    data: dict[str, Any] = dict(body.get("data") or {})
    if "received_at" in data:
        data["received_at"] = _timestamp("data.received_at", data["received_at"])
    expected = _expected_version(req, body.get("version"))
    if body["action"] in services.STEP_UP_ACTIONS:  # approving and validating ex post are deliberate acts
        _step_up(body.get("totp_code"))
    try:
        services.transition(db.session, ctx(), req, body["action"], note=body.get("note") or None, data=data,
                            expected_version=expected)
    except SigningError as exc:
        raise ApiError(409, f"nothing was issued: {exc}", {"signing": "unusable"}) from None
    except services.NotPermitted as exc:
        raise ApiError(403, str(exc)) from None
    except services.ConflictError as exc:
        raise ApiError(409, str(exc), {"current_version": req.version}) from None
    except TransitionError as exc:
        raise ApiError(409, str(exc), {"state": req.state}) from None
    except ValueError as exc:  # deadline setup problems name what is missing
        raise ApiError(422, str(exc)) from None
    db.session.commit()
    return with_etag(_detail(req), req)


@operation(f"/requests/<{ID}:request_id>/events", "GET", Operation(
    "The request's history", "requests", scopes=("requests:read",), response="EventList",
    errors=(401, 403, 404, 429)))
def events(request_id: int):
    req = load_request(request_id)
    rows = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id).order_by(RequestEvent.id))
    return jsonify({"items": [serializers.event(e) for e in rows]})


@operation(f"/requests/<{ID}:request_id>/document.pdf", "GET", Operation(
    "The request's form as PDF (audited). Once approved, always the exact stored bytes of the issued document "
    "(signed where the unit has a key); headers X-Content-SHA256, X-Lawreq-Document (issued | withdrawn | "
    "not-issued) and X-Lawreq-Signed (yes | no)", "requests", scopes=("requests:read",), query="document",
    media="application/pdf", errors=(401, 403, 404, 409, 422, 429)))
def document(request_id: int, args: dict):
    from lawreq.legal_requests import issuance
    from lawreq.legal_requests.documents import FormUnavailable
    from lawreq.pdf.errors import FormError, UnsupportedLanguageError

    req = load_request(request_id)
    if req.route_id is None:
        raise ApiError(409, "choose a route first: the document depends on it")
    lang, form = args.get("lang"), args.get("form")
    try:
        filename, pdf, issued = issuance.download(db.session, req, current_app.extensions["lawreq.rules"],
                                                  lang=lang, form=form,
                                                  invariant=current_app.config["PDF_INVARIANT"])
    except FormUnavailable as exc:
        raise ApiError(409, str(exc)) from None
    except issuance.OtherLanguage as exc:
        raise ApiError(409, str(exc), {"issued_language": current_issued_language(req)}) from None
    except UnsupportedLanguageError as exc:
        raise ApiError(422, f"lang: {exc}", {"fields": [{"path": "lang", "message": str(exc)}]}) from None
    except FormError as exc:  # missing or invalid fields: the request is not ready for its form yet
        raise ApiError(409, f"the document cannot be produced yet: {exc}") from None
    digest = hashlib.sha256(pdf).hexdigest()
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=caller().user, action="document.downloaded",
           obj=req, detail={"form": form or req.form_id, "lang": lang, "via": "api", "sha256": digest,
                            "issued_document": issued.id if issued else None})
    db.session.commit()
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-SHA256": digest,
               "X-Lawreq-Document": ("issued" if issued.status == "issued" else issued.status) if issued
               else "not-issued", "X-Lawreq-Signed": "yes" if issued is not None and issued.signed else "no"}
    return Response(pdf, mimetype="application/pdf", headers=headers)


def current_issued_language(req: LegalRequest) -> str | None:
    from lawreq.legal_requests import issuance

    issued = issuance.current(db.session, req)
    return issued.language if issued else None


# --- helpers ---------------------------------------------------------------------------------------------------
def _step_up(code: str | None) -> None:
    """Approving issues and signs: the token is not enough, the approver types a fresh second-factor code."""
    from lawreq.auth import totp
    from lawreq.auth.services import count_failure

    user = caller().user
    path = "totp_code"
    if user.totp_secret is None:
        raise ApiError(403, "approving needs a second factor: enrol one in the web app first")
    if not code:
        raise ApiError(422, f"{path}: approving needs a fresh second-factor code",
                       {"fields": [{"path": path, "message": "required to approve"}]})
    now = utcnow()
    step = totp.verify(user.totp_secret, code, user.totp_last_timecode, now)
    if step is None or (user.locked_until is not None and user.locked_until > now):
        count_failure(db.session, user, now, current_app.config)
        record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=user, action="approval.step_up_failed",
               detail={"via": "api"})
        db.session.commit()
        raise ApiError(403, f"{path}: wrong, already used or too old")
    user.totp_last_timecode, user.failed_logins = step, 0


def _expected_version(req: LegalRequest, version: int | None) -> int | None:
    """If-Match wins over the body's version; a stale or foreign ETag is a conflict (409), as the brief asks."""
    if request.if_match and not request.if_match.star_tag:
        tags = list(request.if_match.as_set())
        if len(tags) != 1 or not (tags[0].isascii() and tags[0].isdigit()) or len(tags[0]) > 10:
            raise ApiError(409, f"If-Match {request.headers.get('If-Match')!r} does not name a version of this "
                                f"request (current: \"{req.version}\")", {"current_version": req.version})
        return int(tags[0])
    return version


def _timestamp(path: str, value: str) -> datetime:
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise ApiError(422, f"{path}: {exc}", {"fields": [{"path": path, "message": str(exc)}]}) from None


def _identifiers(raw: list[dict] | None, provider_id: str | None) -> list[dict] | None:
    if raw is None:
        return None
    provider = current_app.extensions["lawreq.rules"].providers.get(provider_id or "")
    out = []
    for i, item in enumerate(raw):
        try:
            ident = normalise(item["type"], item["value"], provider=provider, port=item.get("port"),
                              timestamp=item.get("timestamp"), zone="UTC")
        except IdentifierError as exc:
            path = f"identifiers[{i}].{exc.field}"
            raise ApiError(422, f"{path}: {exc.message}", {"fields": [{"path": path, "message": exc.message}]}) \
                from None
        except OverflowError:
            path = f"identifiers[{i}].timestamp"
            raise ApiError(422, f"{path}: out of range", {"fields": [{"path": path, "message": "out of range"}]}) \
                from None
        out.append(ident.to_dict())
    return out


def _detail(req: LegalRequest) -> dict[str, Any]:
    from lawreq.legal_requests import issuance

    return serializers.request_detail(req, utcnow(), _actions(req), issuance.current(db.session, req))


def _actions(req: LegalRequest) -> list[str]:
    rules = current_app.extensions["lawreq.rules"]
    return [a.name for a in services.available_actions(db.session, caller().user, req, rules)]


def _route(req: LegalRequest, facts: dict[str, Any], route_id: str) -> Any:
    """The chosen route for the draft's facts with this update's merged in (:func:`lawreq.rules.find_route`);
    only an open route may be chosen."""
    ruleset = current_app.extensions["lawreq.rules"]
    try:
        engine_facts = Facts.from_request({**req.facts, **facts}, today=utcnow().date(), rules=ruleset)
    except FactsError as exc:
        raise ApiError(422, f"facts.{exc.fact}: {exc.message}",
                       {"fields": [{"path": f"facts.{exc.fact}", "message": exc.message}]}) from None
    route = find_route(engine_facts, ruleset, route_id)
    if route is None or not route.available:
        known = [r.id for r in evaluate(engine_facts, ruleset) if r.available]
        message = f"route {route_id!r} is not open for these facts (open: {', '.join(known) or 'none'})"
        raise ApiError(422, f"route_id: {message}", {"fields": [{"path": "route_id", "message": message}]})
    return route
