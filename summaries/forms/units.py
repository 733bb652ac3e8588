"""The base of the session page's editable units (an answer, the details): their
values, their hidden version, read-only rendering."""

from django import forms


class UnitForm(forms.Form):
    """A form for one editable unit of the session page (an answer, the details): its
    fields are the unit's values (static/portal/editor/ reads every named control in
    the unit), plus the hidden version the values were based on. ``readonly`` renders
    the controls read-only (a closed or submitted summary, an organiser)."""

    version = forms.IntegerField(
        min_value=0, widget=forms.HiddenInput(attrs={"data-role": "version"})
    )

    def __init__(self, *args, readonly=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.readonly = readonly
        for name, field in self.fields.items():
            if name == "version" or not readonly:
                continue
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.Select)):
                widget.attrs["disabled"] = True
            else:
                widget.attrs["readonly"] = True

    def unit_values(self):
        """The unit's values by field name, as its controls hold them (see
        :func:`form_values`)."""
        values = {name: self[name].value() for name in self.fields if name != "version"}
        return {name: "" if value is None else value for name, value in values.items()}


def form_values(form):
    """A unit's values as the page's controls hold them, by field name (the JSON
    ``values`` of :func:`summaries.views.common.unit_json`); the version is apart."""
    if isinstance(form, UnitForm):
        return form.unit_values()
    values = {name: form[name].value() for name in form.fields if name != "version"}
    return {name: "" if value is None else value for name, value in values.items()}
