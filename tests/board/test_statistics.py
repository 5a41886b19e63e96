"""Statistics: median and p90 response times and outcome rates, checked against figures worked out by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import pytest

from lawreq.board.charts import BAR_AREA, Series, bar_chart
from lawreq.board.statistics import Cell, percentile, rows_for_csv, summarise

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


IE, US = ("eu-epoc", "IE"), ("us-voluntary-disclosure", "US")

#: Two providers over three cells, as ``queries.statistics_cells`` would hand them over (durations non-negative).
CELLS = [
    # meta on eu-epoc: 2 fulfilled, 1 partially, 1 refused by the provider, 1 by our approver, 1 withdrawn, 2 open
    Cell("meta", *IE, sent=8, fulfilled=3, refusals={("addressee", "wrong_entity"): 1,
                                                     ("approver", "not proportionate"): 1},
         ack_days=[10, 1, 4], data_days=[4, 6, 8]),
    Cell("meta", "eu-epoc-pr", "IE", sent=1, ack_days=[3, 2]),
    Cell("google", *US, sent=3, lapsed=1, refusals={("addressee", "no_data"): 1, (None, ""): 1},
         ack_days=[0.5]),
]


def test_summary_by_provider_matches_the_figures_worked_out_by_hand():
    meta, google = summarise(CELLS, "provider")
    assert (meta.key, meta.sent, meta.answered, meta.fulfilled, meta.refused) == ("meta", 9, 4, 3, 1)
    assert meta.median_ack_days == pytest.approx(3)          # 1 2 3 4 10, from two cells
    assert meta.p90_ack_days == pytest.approx(7.6)
    assert meta.median_data_days == pytest.approx(6)         # 4 6 8
    assert meta.p90_data_days == pytest.approx(7.6)          # rank 1.8: 6 + 0.8 × 2
    assert meta.fulfilment_rate == pytest.approx(3 / 4) and meta.refusal_rate == pytest.approx(1 / 4)
    assert meta.refusals_by_reason == {"wrong_entity": 1}    # the approver's refusal is not the provider's
    # a refusal with no refused_by is the provider's; an empty reason is "other"; ties by name
    assert (google.answered, google.refused, google.fulfilment_rate) == (3, 2, 0)
    assert list(google.refusals_by_reason.items()) == [("no_data", 1), ("other", 1)]
    assert google.median_data_days is None and google.median_ack_days == 0.5


def test_summary_groups_by_route_and_country_too():
    by_route = {s.key: s for s in summarise(CELLS, "route")}
    by_country = {s.key: s for s in summarise(CELLS, "country")}
    assert by_route["us-voluntary-disclosure"].sent == by_country["US"].sent == 3
    assert by_route["eu-epoc"].median_ack_days == pytest.approx(4)
    assert by_country["IE"].median_ack_days == pytest.approx(3)
    with pytest.raises(ValueError, match="unknown dimension 'colour'"):
        summarise(CELLS, "colour")


def test_no_provider_and_an_empty_one_are_one_group():
    (none,) = summarise([Cell(None, *IE, sent=1, ack_days=[1.0]), Cell("", *US, sent=2, ack_days=[3.0])],
                        "provider")
    assert (none.key, none.sent, none.median_ack_days) == ("(none)", 3, 2.0)


def test_csv_rows_carry_the_same_figures():
    rows = list(rows_for_csv({"provider": summarise(CELLS, "provider")}, lambda r: r.upper()))
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
