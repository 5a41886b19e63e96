from __future__ import annotations

import copy
import io
import re
from typing import Any

import pypdf
import pytest

from lawreq.pdf.render import example


def pdf_text(pdf: bytes) -> str:
    """All page text with whitespace collapsed, so assertions do not depend on where lines break."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_texts(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture
def request_data() -> dict[str, Any]:
    """A fresh copy of the shipped EPOC example: FI police unit to Meta Platforms Ireland, solicitation case."""
    return copy.deepcopy(example("epoc"))
