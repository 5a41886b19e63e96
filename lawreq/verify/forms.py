"""The public page's one form: a received PDF or its checksum."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional, Regexp

from lawreq.i18n import lazy_gettext

MAX_PDF = 20 * 1024 * 1024


class VerifyForm(FlaskForm):
    document = FileField(lazy_gettext("The PDF you received"),
                         validators=[Optional(), FileSize(MAX_PDF, message=lazy_gettext("At most 20 MB."))])
    checksum = StringField(lazy_gettext("…or its SHA-256 checksum"),
                           validators=[Optional(), Length(max=80),
                                       Regexp(r"^\s*[0-9a-fA-F]{64}\s*$",
                                              message=lazy_gettext("A SHA-256 is 64 hexadecimal characters."))],
                           render_kw={"autocomplete": "off", "spellcheck": "false"})
    submit = SubmitField(lazy_gettext("Check"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.document.data and not (self.checksum.data or "").strip():
            self.checksum.errors.append(str(lazy_gettext("Choose the PDF file or paste its checksum.")))
            return False
        return valid
