"""Ranking: open routes first; among them, routes that deliver the data before preservation, then the fastest."""

from lawreq.rules import Facts, evaluate
from lawreq.rules.engine import PRESERVATION_KINDS


def test_production_routes_rank_before_preservation_and_closed_last(rules):
    routes = evaluate(Facts.from_mapping({"issuing_country": "FI", "provider": "meta",
                                          "data_categories": ["subscriber_data"],
                                          "offence": "solicitation_of_children", "date": "2026-11-23"}), rules)
    open_routes = [r for r in routes if r.available]
    assert routes[: len(open_routes)] == open_routes
    kinds = [r.kind in PRESERVATION_KINDS for r in open_routes]
    assert kinds == sorted(kinds), "a preservation route ranks above a production route"
    producing = [r for r in open_routes if r.kind not in PRESERVATION_KINDS]
    assert [r.expected_days for r in producing] == sorted(r.expected_days for r in producing)
    assert open_routes[0].id == "eu-epoc"
