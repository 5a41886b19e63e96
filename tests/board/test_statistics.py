"""Statistics: median and p90 response times and outcome rates, checked against figures worked out by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import pytest

from lawreq.board.charts import BAR_AREA, Series, bar_chart
from lawreq.board.statistics import Outcome, percentile, rows_for_csv, summarise

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("values,p,expected", [
    ([7], 50, 7),
    ([1, 2, 3, 4], 50, 2.5),             # between the two middle values
    ([3, 1, 2], 50, 2),                  # order does not matter
    ([1, 2, 3, 4, 10], 90, 7.6),         # rank 3.6: 4 + 0.6 × (10 − 4)
    ([1, 2, 3, 4, 10], 100, 10),
    ([1, 2, 3, 4, 10], 0, 1),
    ([], 50, None),                      # no data is not zero days
])
def test_percentile_interpolates_between_closest_ranks(values, p, expected):
    result = percentile(values, p)
    assert result == pytest.approx(expected) if expected is not None else result is None


def test_percentile_refuses_a_share_outside_0_to_100():
    with pytest.raises(ValueError, match="between 0 and 100, got 150"):
        percentile([1], 150)


def _sent(provider, state, ack_days=None, data_days=None, **kw):
    return Outcome(provider=provider, route=kw.pop("route", "eu-epoc"), country=kw.pop("country", "IE"),
                   state=state, ack_days=ack_days, data_days=data_days, **kw)


HAND_MADE = [
    _sent("meta", "fulfilled", ack_days=1, data_days=4),
    _sent("meta", "fulfilled", ack_days=2, data_days=6),
    _sent("meta", "partially_fulfilled", ack_days=3, data_days=8),
    _sent("meta", "refused", ack_days=4, refused_by="addressee", reason="wrong_entity"),
    _sent("meta", "acknowledged", ack_days=10),
    _sent("meta", "acknowledged", ack_days=-1),  # receipt typed in before sending: an error, not a figure
    _sent("meta", "refused", refused_by="approver", reason="not proportionate"),  # our own approver said no
    _sent("meta", "withdrawn"),
    _sent("google", "lapsed", route="us-voluntary-disclosure", country="US"),
    _sent("google", "refused", ack_days=0.5, refused_by="addressee", reason="no_data",
          route="us-voluntary-disclosure", country="US"),
]


def test_summary_by_provider_matches_the_figures_worked_out_by_hand():
    meta, google = summarise(HAND_MADE, "provider")
    assert (meta.key, meta.sent, meta.answered, meta.fulfilled, meta.refused) == ("meta", 8, 4, 3, 1)
    assert meta.median_ack_days == pytest.approx(3)          # 1 2 3 4 10
    assert meta.p90_ack_days == pytest.approx(7.6)
    assert meta.median_data_days == pytest.approx(6)         # 4 6 8
    assert meta.p90_data_days == pytest.approx(7.6)          # rank 1.8: 6 + 0.8 × 2
    assert meta.fulfilment_rate == pytest.approx(3 / 4) and meta.refusal_rate == pytest.approx(1 / 4)
    assert meta.refusals_by_reason == {"wrong_entity": 1}    # the approver's refusal is not the provider's
    assert (google.answered, google.refused, google.refusal_rate) == (2, 1, 0.5)
    assert google.median_data_days is None and google.fulfilment_rate == 0


def test_summary_groups_by_route_and_country_too():
    by_route = {s.key: s for s in summarise(HAND_MADE, "route")}
    by_country = {s.key: s for s in summarise(HAND_MADE, "country")}
    assert by_route["us-voluntary-disclosure"].sent == by_country["US"].sent == 2
    assert by_route["eu-epoc"].median_ack_days == by_country["IE"].median_ack_days == pytest.approx(3)
    with pytest.raises(ValueError, match="unknown dimension 'colour'"):
        summarise(HAND_MADE, "colour")


def test_csv_rows_carry_the_same_figures():
    rows = list(rows_for_csv({"provider": summarise(HAND_MADE, "provider")}, lambda r: r.upper()))
    header, meta = rows[0], dict(zip(rows[0], rows[1]))
    assert header[0] == "dimension" and meta["key"] == "meta"
    assert (meta["median_days_to_ack"], meta["p90_days_to_ack"], meta["refusal_rate"]) == ("3.0", "7.6", "0.250")
    assert meta["refusals_by_reason"] == "WRONG_ENTITY: 1"


def test_charts_are_valid_svg_with_a_title_and_escaped_labels():
    svg = bar_chart("ack", "Days to acknowledgement by provider", ["meta", "<b>&co"],
                    [Series("median", (3.0, None)), Series("p90", (7.6, 1.0))], unit="d")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Days to acknowledgement by provider"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>&co" in labels and "n/a" in labels and "7.6 d" in labels
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 3 and max(float(r.get("width")) for r in bars) == pytest.approx(BAR_AREA)


def test_rate_charts_read_fractions_as_percentages():
    root = ET.fromstring(bar_chart("r", "Rates", ["meta"], [Series("refused", (0.25,))], unit="%"))
    assert "25 %" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_chart_with_mismatched_series_is_refused_by_name():
    with pytest.raises(ValueError, match="series 'p90' has 1 values for 2 labels"):
        bar_chart("x", "X", ["a", "b"], [Series("p90", (1.0,))])
