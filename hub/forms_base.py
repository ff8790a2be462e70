"""Base form classes every form in the product uses.

Fields describe themselves to screen readers: the hint and, when there is one,
the error message are linked with aria-describedby (Django 5.2 already links the
hint and sets aria-invalid; we add the error), matching templates/includes/field.html.
"""

from django import forms

from hub.errors import DomainError


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


class HubForm(DomainErrorFormMixin, forms.Form):
    bound_field_class = HubBoundField


class HubModelForm(DomainErrorFormMixin, forms.ModelForm):
    bound_field_class = HubBoundField
