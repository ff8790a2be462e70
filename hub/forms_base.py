"""Base form classes every form in the product uses.

Fields describe themselves to screen readers: the hint and, when there is one,
the error message are linked with aria-describedby (Django 5.2 already links the
hint and sets aria-invalid; we add the error), matching templates/includes/field.html.
"""

from django import forms
from django.forms.utils import pretty_name

from hub.errors import DomainError
from hub.input_limits import clean_text


class HubBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            ids = [i for i in attrs.get("aria-describedby", "").split() if i]
            ids.append(f"{self.auto_id}-error")
            attrs["aria-describedby"] = " ".join(ids)
        return attrs


class DomainErrorFormMixin:
    def add_domain_error(self, exc: DomainError) -> None:
        """Show a service's error on its field (or at the top of the form), and
        each of its details (e.g. every clashing date) at the top."""
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)
        for detail in exc.details:
            if isinstance(detail, dict) and detail.get("message"):
                self.add_error(None, detail["message"])


class TextFieldsMixin:
    """Every text field (a CharField and its kinds: email, slug, URL...) is
    normalised to NFC and refuses control characters, NUL included, naming the
    field; a textarea accepts line breaks and tabs (hub.input_limits). Password
    fields are left exactly as typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                field.to_python = _text_to_python(field, name)


def _text_to_python(field, name):
    to_python = field.to_python
    multiline = isinstance(field.widget, forms.Textarea)

    def clean(value):
        value = to_python(value)
        if not isinstance(value, str):
            return value
        try:
            return clean_text(
                value, multiline=multiline, label=str(field.label or pretty_name(name))
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="control_character") from None

    return clean


class HubForm(TextFieldsMixin, DomainErrorFormMixin, forms.Form):
    bound_field_class = HubBoundField


class HubModelForm(TextFieldsMixin, DomainErrorFormMixin, forms.ModelForm):
    bound_field_class = HubBoundField
