"""Errors raised before any byte of PDF is produced, so callers never get a half-rendered document."""

from __future__ import annotations

from collections.abc import Iterable


class FormError(ValueError):
    """Base class: the request cannot be rendered as asked."""


class UnknownFormError(FormError):
    def __init__(self, form_id: str, known: Iterable[str]) -> None:
        self.form_id = form_id
        self.known = tuple(sorted(known))
        super().__init__(f"unknown form {form_id!r}; known forms: {', '.join(self.known)}")


class UnsupportedLanguageError(FormError):
    def __init__(self, form_id: str, lang: str, supported: Iterable[str]) -> None:
        self.form_id = form_id
        self.lang = lang
        self.supported = tuple(supported)
        super().__init__(
            f"form {form_id!r} has no labels in language {lang!r}; available: {', '.join(self.supported)}"
        )


class MissingFieldsError(FormError):
    """Lists every missing mandatory field at once, so the user fixes the request in one pass."""

    def __init__(self, form_id: str, fields: Iterable[str]) -> None:
        self.form_id = form_id
        self.fields = tuple(fields)
        super().__init__(f"form {form_id!r} is missing mandatory field(s): {', '.join(self.fields)}")


class InvalidFieldError(FormError):
    """A field is present but unusable (wrong type or a value the form's legal basis does not allow)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"field {field!r}: {problem}")
