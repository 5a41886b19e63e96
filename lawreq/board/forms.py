"""The board's filter form: read from the query string (GET, bookmarkable), so no CSRF token and no state.

Unknown values get an error naming the value, not WTForms' generic "Not a valid choice", and the form keeps what
the officer typed.
"""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from lawreq.board.queries import MAX_PAGE, SORTS, STATE_GROUPS, BoardFilters
from lawreq.web.choices import choices
from lawreq.workflow.states import STATES
from lawreq.i18n import lazy_gettext as _l
from lawreq.web.formatting import country_name
from lawreq.web.terms import STATE_LABELS


def _known(what: str) -> Any:
    def check(form: Form, field: SelectField) -> None:
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(f"Unknown {what} {field.data!r}: pick one from the list.")
    return check


class BoardFilterForm(Form):
    q = StringField(_l("Search"), validators=[Length(max=100, message=_l("Search: at most 100 characters."))],
                    description=_l("Case reference or an identifier (e-mail, phone, account, IP address)."))
    state = SelectField(_l("State"), validate_choice=False, validators=[_known("state")])
    provider = SelectField(_l("Provider"), validate_choice=False, validators=[_known("provider")])
    country = SelectField(_l("Addressee country"), validate_choice=False, validators=[_known("country")])
    route = SelectField(_l("Route"), validate_choice=False, validators=[_known("route")])
    overdue = BooleanField(_l("Overdue"))
    due_within = IntegerField(_l("Due within (days)"), validators=[
        Optional(), NumberRange(min=1, max=365, message=_l("Due within: a number of days between 1 and 365."))])
    emergency = BooleanField(_l("Emergency only"))
    sort = SelectField(_l("Sort by"), validate_choice=False, validators=[_known("sort order")],
                       choices=choices((k, label) for k, (label, _) in SORTS.items()), default="deadline")
    dir = SelectField(_l("Direction"), validate_choice=False, validators=[_known("direction")],
                      choices=choices([("asc", _l("Ascending")), ("desc", _l("Descending"))]), default="asc")
    page = IntegerField(_l("Page"), validators=[
        Optional(), NumberRange(min=1, max=MAX_PAGE, message=_l("Page: between 1 and %(max)s; narrow the filters to see older requests.", max=MAX_PAGE))])

    def __init__(self, formdata: Any, *, rules: Any) -> None:
        super().__init__(formdata)
        self.state.choices = choices([("", _l("Any state")), ("open", _l("Open")), ("closed", _l("Closed")),
                                      *((s, STATE_LABELS[s]) for s in STATES)])
        self.provider.choices = choices([("", _l("Any provider")), *sorted(
            ((p.id, p.name) for p in rules.providers.values()), key=lambda pair: pair[1].casefold())])
        self.country.choices = choices([("", _l("Any country")), *sorted(
            ((c.code, f"{country_name(c.code)} ({c.code})") for c in rules.countries.values()), key=lambda pair: pair[1])])
        self.route.choices = choices([("", _l("Any route")), *sorted(
            ((r.id, r.title) for r in rules.routes), key=lambda pair: pair[1].casefold())])

    def filters(self) -> BoardFilters:
        """The validated form as filters (call after ``validate()`` returned True)."""
        return BoardFilters(state=self.state.data or "", provider=self.provider.data or "",
                            country=self.country.data or "", route=self.route.data or "",
                            overdue=bool(self.overdue.data), due_within=self.due_within.data,
                            emergency=bool(self.emergency.data), q=(self.q.data or "").strip(),
                            sort=self.sort.data or "deadline", descending=self.dir.data == "desc",
                            page=self.page.data or 1)
