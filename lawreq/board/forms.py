"""The board's filter form: read from the query string (GET, bookmarkable), so no CSRF token and no state.

Unknown values get an error naming the value, not WTForms' generic "Not a valid choice", and the form keeps what
the officer typed.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from wtforms import BooleanField, Form, IntegerField, SelectChoice, SelectField, StringField
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


#: The option lists of the state, provider, country and route filters.
FilterChoices = tuple[list[SelectChoice], list[SelectChoice], list[SelectChoice], list[SelectChoice]]


def filter_choices(rules: Any) -> FilterChoices:
    """The filters' options in the request's locale. They depend on nothing but the rules (loaded once, never
    changed while the process runs) and the locale, which orders the countries by their translated names; the
    state labels stay lazy (translated when shown). Building them costs a few hundred name look-ups and four
    sorts, so the board keeps them per locale (``views._form``) and never changes them once built."""
    return (
        choices([("", _l("Any state")), ("open", _l("Open")), ("closed", _l("Closed")),
                 *((s, STATE_LABELS[s]) for s in STATES)]),
        choices([("", _l("Any provider")), *sorted(
            ((p.id, p.name) for p in rules.providers.values()), key=lambda pair: pair[1].casefold())]),
        choices([("", _l("Any country")), *sorted(
            ((c.code, f"{country_name(c.code)} ({c.code})") for c in rules.countries.values()),
            key=lambda pair: pair[1])]),
        choices([("", _l("Any route")), *sorted(
            ((r.id, r.title) for r in rules.routes), key=lambda pair: pair[1].casefold())]),
    )


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

    def __init__(self, formdata: Any, *, rules: Any, cache: dict[str, FilterChoices] | None = None) -> None:
        """``cache``: the lists built before in this process for the same rules, by locale (see
        :func:`filter_choices`); None builds them afresh."""
        super().__init__(formdata)
        if cache is None:
            built = filter_choices(rules)
        else:
            locale = str(get_locale())
            built = cache.get(locale)
            if built is None:
                built = cache[locale] = filter_choices(rules)
        self.state.choices, self.provider.choices, self.country.choices, self.route.choices = built

    def filters(self) -> BoardFilters:
        """The validated form as filters (call after ``validate()`` returned True)."""
        return BoardFilters(state=self.state.data or "", provider=self.provider.data or "",
                            country=self.country.data or "", route=self.route.data or "",
                            overdue=bool(self.overdue.data), due_within=self.due_within.data,
                            emergency=bool(self.emergency.data), q=(self.q.data or "").strip(),
                            sort=self.sort.data or "deadline", descending=self.dir.data == "desc",
                            page=self.page.data or 1)
