"""Every validation message of the wizard's step forms, and that a refused form keeps what the user typed."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from lawreq.legal_requests.approvals import DecisionForm
from lawreq.legal_requests.review import Risk
from lawreq.legal_requests.wizard_forms import (
    DataForm,
    DetailsForm,
    FollowUpForm,
    ReviewForm,
    RouteForm,
    TargetForm,
    UrgencyForm,
)
from lawreq.rules import Facts, evaluate

TODAY = date(2026, 11, 23)
NO_CSRF = {"csrf": False}


@pytest.fixture
def post(app):
    """Build a form from POSTed fields inside a request context (CSRF is tested elsewhere)."""

    def build(form_class, data: dict, **context):
        fields = MultiDict({"version": "1", "save": "x", **data})
        with app.test_request_context(method="POST", data=fields):
            maker = getattr(form_class, "build", None)
            form = form_class(meta=NO_CSRF, **context) if maker is None else maker(meta=NO_CSRF, **context)
            form.ok = form.validate()
            return form

    return build


@pytest.fixture
def target(post, rules):
    def make(data: dict, categories=("subscriber_data",)):
        base = {"provider": "Instagram", "identifiers-0-kind": "username", "identifiers-0-value": "jane.doe"}
        return post(TargetForm, {**base, **data}, rules=rules, zones=["UTC", "Europe/Helsinki"],
                    categories=list(categories), today=TODAY)

    return make


def errors_of(form, index: int = 0) -> dict:
    return {k: v for k, v in form.identifiers[index].form.errors.items() if v}


def test_instagram_finds_meta(target):
    form = target({})
    assert form.ok and form.found.id == "meta" and form.normalised[0].value == "jane.doe"


def test_a_service_name_as_provider_selects_that_service(target):
    form = target({})  # "Instagram"
    assert form.ok and form.service_id == "instagram"
    assert ("whatsapp", "WhatsApp") in [(c.value, c.label) for c in form.service.choices]


def test_the_chosen_service_and_residence_are_kept_and_checked(target):
    chosen = target({"provider": "Meta", "service": "whatsapp", "target_resides_in": "US"})
    assert chosen.ok and chosen.service_id == "whatsapp" and chosen.target_resides_in.data == "US"
    main = target({"provider": "Meta"})
    assert main.ok and main.service_id is None  # the main service (Facebook)
    wrong = target({"provider": "Meta", "service": "gmail"})
    assert not wrong.ok and "Choose one of Meta Platforms's services" in wrong.service.errors[0]
    nowhere = target({"target_resides_in": "XX"})
    assert not nowhere.ok and "Choose a country" in nowhere.target_resides_in.errors[0]


def test_unknown_and_ambiguous_providers(target):
    assert "No provider matches “Myspacebook”" in target({"provider": "Myspacebook"}).provider.errors[0]
    ambiguous = target({"provider": "tel"})
    assert "matches several providers" in ambiguous.provider.errors[0]


def test_identifier_not_matching_the_provider_format_keeps_the_input(target):
    form = target({"identifiers-0-kind": "numeric_id", "identifiers-0-value": "12ab"})
    assert not form.ok
    assert "not a numeric id" in errors_of(form)["value"][0]
    assert form.identifiers[0].form.value.data == "12ab"


def test_phone_must_be_e164(target):
    form = target({"identifiers-0-kind": "phone", "identifiers-0-value": "040 123 4567"})
    assert "E.164" in errors_of(form)["value"][0]


def test_ip_port_must_be_a_port(target):
    form = target({"identifiers-0-kind": "ip", "identifiers-0-value": "192.0.2.10", "identifiers-0-port": "99999",
                   "identifiers-0-timestamp": "2026-11-20 14:03:22", "identifiers-0-zone": "UTC"})
    assert "between 1 and 65535" in errors_of(form)["port"][0]


def test_ip_timestamp_without_zone(target):
    form = target({"identifiers-0-kind": "ip", "identifiers-0-value": "192.0.2.10",
                   "identifiers-0-timestamp": "2026-11-20 14:03:22"})
    assert "Give the time zone" in errors_of(form)["zone"][0]


def test_ip_is_shown_in_utc(target):
    form = target({"identifiers-0-kind": "ip", "identifiers-0-value": "192.0.2.10:443",
                   "identifiers-0-timestamp": "2026-07-01 10:00", "identifiers-0-zone": "Europe/Helsinki"})
    assert form.ok and form.normalised[0].timestamp_utc == "2026-07-01T07:00:00Z"


def test_at_least_one_identifier(target):
    form = target({"identifiers-0-value": ""})
    assert "at least one identifier" in errors_of(form)["value"][0]


def test_period_end_before_start(target):
    form = target({"period_start": "2026-10-01", "period_end": "2026-09-01"})
    assert form.period_end.errors == ["The end of the period is before its start."]


def test_retention_warning_when_the_period_starts_before_known_retention(target):
    reddit = target({"provider": "Reddit", "identifiers-0-value": "u/jane_doe", "period_start": "2026-01-01"}, categories=("identification_data",))
    assert reddit.ok and "before Reddit's known retention of identification data (IP) (P100D" in reddit.warnings[0]
    recent = target({"provider": "Reddit", "identifiers-0-value": "u/jane_doe", "period_start": "2026-11-01"}, categories=("identification_data",))
    assert recent.ok and recent.warnings == []


def test_data_category_required_and_retention_rechecked(post, rules):
    context = dict(rules=rules, provider=rules.providers["reddit"], period_start=date(2026, 1, 1), today=TODAY)
    assert post(DataForm, {}, **context).data_categories.errors == ["Choose at least one data category."]
    form = post(DataForm, {"data_categories": "identification_data"}, **context)
    assert form.ok and "P100D" in form.warnings[0]


def test_emergency_needs_a_stated_threat(post):
    form = post(UrgencyForm, {"emergency": "y", "emergency_justification": "  "})
    assert "imminent threat to life or physical integrity" in form.emergency_justification.errors[0]
    assert post(UrgencyForm, {"emergency_justification": ""}).ok


def _routes(rules, **facts):
    base = {"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
            "offence": "solicitation_of_children", "max_penalty_years": 2.0}
    return evaluate(Facts.from_mapping({**base, **facts}, today=TODAY), rules)


def test_no_route_chosen_and_closed_route(post, rules):
    routes = _routes(rules)
    assert post(RouteForm, {}, routes=routes).route.errors == ["Choose one of the open routes."]
    closed = next(r for r in routes if not r.available)
    assert "not open" in post(RouteForm, {"route": closed.id}, routes=routes).route.errors[0]
    assert post(RouteForm, {"route": "eu-epoc"}, routes=routes).ok


def test_required_route_fields(app, rules):
    epoc = next(r for r in _routes(rules) if r.id == "eu-epoc")
    with app.test_request_context(method="POST", data={"version": "1", "facts_summary": "x"}):
        form = DetailsForm.for_route(epoc, emergency=False, zone="Europe/Helsinki", meta=NO_CSRF)
        assert not form.validate()
        assert form.necessity_proportionality.errors == ["“Necessity and proportionality” is required for this route."]
        assert "emergency_justification" not in form  # applies only in an emergency
        assert form.facts_summary.data == "x"
    preservation = next(r for r in _routes(rules) if r.id == "budapest-29-preservation")
    with app.test_request_context(method="POST", data={"version": "1"}):
        form = DetailsForm.for_route(preservation, emergency=False, zone="UTC", meta=NO_CSRF)
        assert not form.validate() and form.mla_intent.errors[0].startswith("Tick to confirm")


def test_accepting_a_risk_needs_a_reason(app):
    risks = [Risk("time_range_open", "time_range", "Open-ended time range", "…", "details"),
             Risk("rules_changed", "other", "Rules changed", "…", "route", acceptable=False)]
    with app.test_request_context(method="POST", data={"version": "1", "accept_0": "y", "reason_0": ""}):
        form = ReviewForm.for_risks(risks, needs_approval=True, meta=NO_CSRF)
        assert not form.validate() and form.reason_0.errors == ["Give a reason for accepting this risk."]
        assert "accept_1" not in form  # a risk that must be fixed cannot be accepted
    with app.test_request_context(method="POST", data={"version": "1", "accept_0": "y", "reason_0": "known end"}):
        form = ReviewForm.for_risks(risks, needs_approval=False, meta=NO_CSRF)
        assert form.validate() and form.accepted() == {"time_range_open": "known end"}
        assert [r.code for r in form.unresolved()] == ["rules_changed"] and form.save.label.text == "Submit"


@pytest.mark.parametrize("button", ["send_back", "reject"])
def test_return_and_reject_need_a_comment(post, button):
    form = post(DecisionForm, {button: "x", "save": ""})
    assert form.comment.errors == ["Say why: a comment is required to return or reject a request."]
    assert post(DecisionForm, {button: "x", "comment": "Narrow the period."}).ok
    assert post(DecisionForm, {"approve": "x"}).ok


def test_follow_up_from_an_answer_needs_the_new_identifier(post, rules):
    form = post(FollowUpForm, {"kind": "ip", "value": ""}, from_preservation=False, rules=rules, zones=["UTC"])
    assert form.value.errors == ["Give the identifier the answer revealed."]
    form = post(FollowUpForm, {"kind": "ip", "value": "192.0.2.10", "timestamp": "2026-11-20T10:00:00Z",
                               "provider": "Telia"}, from_preservation=False, rules=rules, zones=["UTC"])
    assert form.ok and form.found.id == "telia-fi" and form.identifier.timestamp_utc == "2026-11-20T10:00:00Z"
