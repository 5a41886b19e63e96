"""The provider's answer over the API: read the files on file and the outcome per identifier, and record outcomes
(the same service and checks as the request page; uploads stay on the page, where the file is scanned)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from lawreq import db
from lawreq.answers import services
from lawreq.answers.models import OUTCOMES
from lawreq.api.auth import caller
from lawreq.api.blueprint import Operation, operation
from lawreq.api.errors import ApiError
from lawreq.api.requests import ID, ctx, load_request
from lawreq.api.schemas import ID as ID_SCHEMA
from lawreq.api.schemas import SCHEMAS, TIMESTAMP, VERSION, _nullable, _obj, ref
from lawreq.api.serializers import iso
from lawreq.legal_requests.models import LegalRequest
from lawreq.pdf.forms.eu import IMPOSSIBILITY_REASONS

SCHEMAS.update({
    "AnswerFile": _obj({"id": ID_SCHEMA, "filename": {"type": "string"}, "type": {"enum": ["pdf", "csv", "zip", "eml"]},
                        "size": {"type": "integer", "minimum": 0}, "sha256": {"type": "string"},
                        "uploaded_at": TIMESTAMP, "uploaded_by": _nullable({"type": "string"})},
                       ("id", "filename", "type", "size", "sha256", "uploaded_at")),
    "IdentifierOutcome": _obj({"position": {"type": "integer", "minimum": 0, "maximum": 49},
                               "identifier": {"type": "string"}, "outcome": {"enum": list(OUTCOMES)},
                               "reason": _nullable({"enum": list(IMPOSSIBILITY_REASONS)}),
                               "note": _nullable({"type": "string"}), "recorded_at": TIMESTAMP},
                              ("position", "outcome")),
    "Answer": _obj({"request_id": ID_SCHEMA, "state": {"type": "string"},
                    "files": {"type": "array", "items": ref("AnswerFile")},
                    "outcomes": {"type": "array", "items": ref("IdentifierOutcome")}},
                   ("request_id", "state", "files", "outcomes")),
    "OutcomeRecord": _obj({"version": VERSION, "items": {"type": "array", "minItems": 1, "maxItems": 50, "items": _obj({
        "position": {"type": "integer", "minimum": 0, "maximum": 49}, "outcome": {"enum": list(OUTCOMES)},
        "reason": _nullable({"enum": list(IMPOSSIBILITY_REASONS)}),
        "note": _nullable({"type": "string", "maxLength": 2000})}, ("position", "outcome"))}}, ("items",)),
})


def _answer(req: LegalRequest) -> dict[str, Any]:
    files = [{"id": f.id, "filename": f.filename, "type": f.file_type, "size": f.size, "sha256": f.sha256,
              "uploaded_at": iso(f.uploaded_at), "uploaded_by": f.uploaded_by.name if f.uploaded_by else None}
             for f in services.files_of(db.session, req)]
    outcomes = [{"position": o.position, "identifier": o.identifier, "outcome": o.outcome, "reason": o.reason,
                 "note": o.note, "recorded_at": iso(o.recorded_at)}
                for _, o in sorted(services.outcomes_of(db.session, req).items())]
    return {"request_id": req.id, "state": req.state, "files": files, "outcomes": outcomes}


@operation(f"/requests/<{ID}:request_id>/answer", "GET", Operation(
    "The provider's answer on file: files (metadata) and outcome per identifier", "requests",
    scopes=("requests:read",), response="Answer", errors=(401, 403, 404, 429)))
def answer(request_id: int):
    return jsonify(_answer(load_request(request_id)))


@operation(f"/requests/<{ID}:request_id>/answer/outcomes", "PUT", Operation(
    "Record the outcome per identifier (liaison officers; settles the request once every identifier has one)",
    "requests", scopes=("requests:write",), body="OutcomeRecord", response="Answer",
    errors=(401, 403, 404, 409, 422, 429)))
def record_outcomes(request_id: int, body: dict):
    req = load_request(request_id)
    user = caller().user
    if user.role not in ("liaison_officer", "admin"):
        raise ApiError(403, "only the unit's liaison officers record a provider's answer")
    if not services.can_handle(user, req):
        raise ApiError(409, f"{req.reference} is {req.state.replace('_', ' ')}: an answer is recorded after sending")
    if body.get("version") is not None and body["version"] != req.version:
        raise ApiError(409, f"{req.reference} changed since you read it", {"current_version": req.version})
    items = [services.OutcomeInput(i["position"], i["outcome"], i.get("reason"), i.get("note")) for i in body["items"]]
    try:
        services.record_outcomes(db.session, ctx(), req, items)
    except services.OutcomeErrors as exc:
        fields = [{"path": f"items[{k.split('-')[1]}].{k.split('-')[0]}", "message": v} for k, v in exc.errors.items()]
        raise ApiError(422, str(exc), {"fields": fields}) from None
    db.session.commit()
    return jsonify(_answer(req))
