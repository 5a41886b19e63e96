"""Statistics: median and p90 response times and outcome rates, checked against figures worked out by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import pytest

from lawreq.board.charts import BAR_AREA, Series, bar_chart
from lawreq.board.statistics import GroupStats, interpolate, order_statistic_ranks, percentile, rows_for_csv

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


def test_the_rank_and_the_interpolation_are_postgresqls():
    # percentile_cont: rank p × (n − 1), then low + (high − low) × fraction; a whole rank needs no second value
    assert order_statistic_ranks(5, 90) == (3, pytest.approx(0.6))
    assert order_statistic_ranks(4, 50) == (1, 0.5)
    assert order_statistic_ranks(1, 90) == (0, 0)
    assert interpolate(4, 10, 0.6) == pytest.approx(7.6)
    assert interpolate(7, None, 0) == 7 and interpolate(None, None, 0.5) is None


def test_csv_rows_carry_the_same_figures():
    meta = GroupStats(key="meta", sent=9, answered=4, fulfilled=3, refused=1, median_ack_days=3.0,
                      p90_ack_days=7.6, median_data_days=6.0, p90_data_days=None,
                      refusals_by_reason={"wrong_entity": 1})
    rows = list(rows_for_csv({"provider": [meta]}, lambda r: r.upper()))
    header, row = rows[0], dict(zip(rows[0], rows[1]))
    assert header[0] == "dimension" and row["key"] == "meta"
    assert (row["median_days_to_ack"], row["p90_days_to_ack"], row["refusal_rate"]) == ("3.0", "7.6", "0.250")
    assert (row["fulfilment_rate"], row["p90_days_to_data"]) == ("0.750", "")
    assert row["refusals_by_reason"] == "WRONG_ENTITY: 1"


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
