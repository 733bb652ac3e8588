"""Validation of what delegations type. The same rules apply to autosave and to
the plain form post, so a save behaves identically with or without JavaScript."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from sessions import text as typed_text
from sessions.models import InterventionArea, content_language_choices

from .models import ActionItem, TARequest
from .services import long_fields

# Django's empty choice of a select (the plan page's area, kind, linked action): Django's
# own vi and th catalogues lack it, so the portal's catalogues carry it.
gettext_noop("- Select an option -")


class TypedTextField(forms.CharField):
    """Text as people type it, cleaned at the door by ``sessions.text.clean_typed_text``
    (line ends normalised, control characters removed) before validation, so both
    databases and every export behave the same."""

    def to_python(self, value):
        return typed_text.clean_typed_text(super().to_python(value))


def clean_typed_text(value, *, max_length, label):
    """Refuse text over ``max_length`` characters with a message that says how long it is."""
    value = value or ""
    if len(value) > max_length:
        raise ValidationError(
            _(
                "%(label)s is too long: %(length)s characters, the limit is %(limit)s. "
                "Your text is kept in this browser; shorten it and it will be saved."
            ),
            code="too_long",
            params={
                "label": label,
                # Grouped as the active language writes numbers (12 345, 12.345, 12,345).
                "length": number_format(len(value), force_grouping=True),
                "limit": number_format(max_length, force_grouping=True),
            },
        )
    return value


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


class AnswerForm(UnitForm):
    """The answer to a free-text guidance question."""

    template_name = "summaries/forms/answer.html"

    discussed = forms.BooleanField(
        label=_("We discussed this question"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    text = TypedTextField(
        label=_("Answer"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "class": "form-control",
                "data-mergeable": "",
                "placeholder": _("Your delegation’s answer…"),
            }
        ),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=content_language_choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        text = self.fields["text"].widget.attrs
        # No maxlength: the browser would cut a paste silently (see PlanItemForm).
        text["data-max-length"] = settings.ANSWER_MAX_LENGTH
        if language := self["language"].value():
            text["lang"] = language

    def clean_text(self):
        return clean_typed_text(
            self.cleaned_data.get("text"),
            max_length=settings.ANSWER_MAX_LENGTH,
            label=_("The answer"),
        )

    def answer_data(self):
        """The answer's values for ``services.answer_save``."""
        return {name: self.cleaned_data[name] for name in ("text", "discussed", "language")}


def answer_form_for(question, *, data=None, initial=None, prefix=None, readonly=False):
    """The form for the answer to ``question``: the one place that picks a form class
    by the question's kind (each kind's class renders itself with its ``template_name``)."""
    return AnswerForm(data, initial=initial, prefix=prefix, question=question, readonly=readonly)


class SummaryDetailsForm(UnitForm):
    template_name = "summaries/forms/details.html"

    participants = TypedTextField(
        label=_("Participants"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "class": "form-control",
                "data-mergeable": "",
                "data-max-length": 5000,
            }
        ),
        help_text=_("Names and roles of the people in the discussion."),
    )
    rapporteur = TypedTextField(
        label=_("Rapporteur"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"class": "form-control", "data-max-length": 200}),
    )

    def clean_participants(self):
        return clean_typed_text(
            self.cleaned_data.get("participants"), max_length=5000, label=_("Participants")
        )

    def clean_rapporteur(self):
        return clean_typed_text(
            self.cleaned_data.get("rapporteur"), max_length=200, label=_("Rapporteur")
        )


def form_values(form):
    """A unit's values as the page's controls hold them, by field name (the JSON
    ``values`` of :func:`summaries.views.common.unit_json`); the version is apart."""
    values = {name: form[name].value() for name in form.fields if name != "version"}
    return {name: "" if value is None else value for name, value in values.items()}


class PlanItemForm(forms.ModelForm):
    """Shared by actions and TA requests: typed text cleaned the same way as answers,
    a hidden version for optimistic concurrency, and the long texts the server merges
    marked ``data-mergeable`` for the page's conflict view."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, delegation, **kwargs):
        kwargs.setdefault(
            "auto_id",
            f"id_{self.prefix_key}{kwargs.get('instance') and kwargs['instance'].pk or 'new'}_%s",
        )
        super().__init__(*args, **kwargs)
        self.delegation = delegation
        for name, field in list(self.fields.items()):
            if name == "version":
                continue
            if isinstance(field, forms.CharField) and not isinstance(field, TypedTextField):
                typed = TypedTextField(
                    label=field.label,
                    required=field.required,
                    max_length=field.max_length,
                    widget=field.widget,
                    help_text=field.help_text,
                    strip=False,
                )
                self.fields[name] = field = typed
            # No maxlength attribute: the browser would cut a paste silently. The page
            # counts against data-max-length and the server refuses what is over it.
            limit = field.widget.attrs.pop("maxlength", None)
            if isinstance(field, forms.CharField):
                field.widget.attrs["data-max-length"] = limit or settings.ANSWER_MAX_LENGTH
        if "intervention_area" in self.fields:
            self.fields["intervention_area"].queryset = InterventionArea.objects.order_by("order")
        for name in long_fields(self._meta.model):
            self.fields[name].widget.attrs["data-mergeable"] = ""
        self.fields[self._meta.model.MERGEABLE_FIELD].widget.attrs["rows"] = 3

    # The grid column of a field on the plan page (Bootstrap classes); others take half.
    COLUMNS = {
        "title": "col-12",
        "start_month": "col-6 col-md-3",
        "end_month": "col-6 col-md-3",
        "timeframe_months": "col-6 col-md-3",
        "priority": "col-6 col-md-3",
        "estimated_cost": "col-8 col-md-4",
        "currency": "col-4 col-md-2",
        "action": "col-md-4",
        "status": "col-md-2",
    }

    @property
    def laid_out(self):
        """``(bound field, column classes)`` in ``EDITABLE_FIELDS`` order, for the page."""
        mergeable = self._meta.model.MERGEABLE_FIELD
        return [
            (self[name], "col-12" if name == mergeable else self.COLUMNS.get(name, "col-md-6"))
            for name in self._meta.fields
        ]

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_typed_text(
                    value, max_length=settings.ANSWER_MAX_LENGTH, label=self.fields[name].label
                )
        return cleaned

    def item_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ActionItemForm(PlanItemForm):
    prefix_key = "action"

    class Meta:
        model = ActionItem
        fields = ActionItem.EDITABLE_FIELDS
        widgets = {"resources_needed": forms.Textarea(attrs={"rows": 2})}


class TARequestForm(PlanItemForm):
    prefix_key = "ta"

    class Meta:
        model = TARequest
        fields = TARequest.EDITABLE_FIELDS

    def __init__(self, *args, delegation, **kwargs):
        super().__init__(*args, delegation=delegation, **kwargs)
        self.fields["action"].queryset = ActionItem.objects.live().filter(delegation=delegation)


PLAN_FORMS = {"action": ActionItemForm, "ta": TARequestForm}
