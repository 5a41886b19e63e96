"""CSV cells a spreadsheet would run as formulas are defused; everything else is written as it is."""

from __future__ import annotations

import csv
import io

import pytest

from lawreq.board.csv import safe_cell, stream


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+358401234567", "'+358401234567"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("LR-2026-0001", "LR-2026-0001"), ("a=b", "a=b"), (None, ""), (3, "3"),
])
def test_formula_starts_are_prefixed_with_a_quote(value, expected):
    assert safe_cell(value) == expected


def test_stream_yields_one_parsable_row_at_a_time():
    chunks = list(stream([["ref", "note"], ["LR-1", 'say "hi", =cmd']]))
    assert len(chunks) == 2
    assert list(csv.reader(io.StringIO("".join(chunks)))) == [["ref", "note"], ["LR-1", 'say "hi", =cmd']]
    assert list(csv.reader(io.StringIO("".join(stream([["=cmd"]]))))) == [["'=cmd"]]
