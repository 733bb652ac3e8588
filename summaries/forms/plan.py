"""The plan page's items: actions and TA requests, one form class each on a shared base."""

from django import forms
from django.conf import settings

from sessions.forms import TypedTextField
from sessions.models import InterventionArea

from ..models import ActionItem, TARequest
from ..services import long_fields
from .limits import check_text_limits


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
                self.fields[name] = field = TypedTextField.like(field, strip=False)
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
                cleaned[name] = check_text_limits(
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
