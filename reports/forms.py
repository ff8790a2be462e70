"""The report's choices on the page: a period (a term, a school year or dates)
and a breakdown. The API takes the same fields (reports.api.ReportQueryInput);
both resolve the period with reports.periods.period_from."""

from django import forms

from hub.forms_base import HubForm
from hub.models import Term
from reports.figures import DIMENSIONS
from reports.periods import current_school_year

MAX_TERMS = 30  # the most recent terms offered in the menu


def term_choices() -> list[tuple[str, str]]:
    """Recent terms, one per name and dates (a trust's sites share them)."""
    seen, choices = set(), [("", "Choose a term")]
    for term in Term.objects.order_by("-starts_on", "name", "pk")[: MAX_TERMS * 4]:
        key = (term.name, term.starts_on, term.ends_on)
        if key in seen or len(seen) >= MAX_TERMS:
            continue
        seen.add(key)
        choices.append(
            (
                str(term.pk),
                f"{term.name}: {term.starts_on:%-d %b %Y} to {term.ends_on:%-d %b %Y}",
            )
        )
    return choices


def year_choices() -> list[tuple[str, str]]:
    latest = current_school_year().starts_on.year
    years = range(latest, latest - 6, -1)
    return [("", "Choose a school year")] + [
        (str(y), f"September {y} to August {y + 1}") for y in years
    ]


class ReportForm(HubForm):
    term = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Term"
    )
    year = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="School year"
    )
    starts_on = forms.DateField(
        required=False,
        label="First day",
        help_text="Or choose dates.",
    )
    ends_on = forms.DateField(
        required=False,
        label="Last day",
    )
    by = forms.ChoiceField(
        choices=list(DIMENSIONS.items()),
        required=False,
        initial="site",
        label="Break down by",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = term_choices()
        self.fields["year"].choices = year_choices()

    def period_fields(self) -> dict:
        return {
            k: self.cleaned_data.get(k)
            for k in ("term", "year", "starts_on", "ends_on")
        }
