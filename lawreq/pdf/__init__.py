"""PDF documents for lawreq: the EU e-evidence certificates, Budapest/MLA/EIO requests, US provider letters, domestic
order drafts and their cover sheets. Pure: a JSON-able mapping in, PDF bytes out (no Flask, no SQLAlchemy)."""

from __future__ import annotations

from lawreq.pdf.document import document_checksum
from lawreq.pdf.errors import (
    FormError,
    InvalidFieldError,
    MissingFieldsError,
    UnknownFormError,
    UnsupportedLanguageError,
)
from lawreq.pdf.forms import WORDING
from lawreq.pdf.render import FormSpec, form_spec, list_forms, render

__all__ = [
    "FormError",
    "FormSpec",
    "InvalidFieldError",
    "MissingFieldsError",
    "UnknownFormError",
    "UnsupportedLanguageError",
    "WORDING",
    "document_checksum",
    "form_spec",
    "list_forms",
    "render",
]
