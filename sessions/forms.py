"""The facilitators' forms for workshops and sessions (used by ``sessions/admin.py``):
a workshop's languages as checkboxes, a session's deadline in its workshop's time zone."""

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import clean_typed_line, clean_typed_text

from .models import Session, Workshop


def workshop_zone(workshop):
    """The ``ZoneInfo`` of ``workshop``, or ``None`` if it has none that exists."""
    if workshop is None or not workshop.time_zone:
        return None
    try:
        return zoneinfo.ZoneInfo(workshop.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def split_codes(value):
    if isinstance(value, str):
        return [code.strip() for code in value.split(",") if code.strip()]
    return list(value or [])


class ContentLanguagesField(forms.MultipleChoiceField):
    """The comma-separated ``Workshop.languages`` as one checkbox per content language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", settings.CONTENT_LANGUAGES)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return split_codes(value)

    def has_changed(self, initial, data):
        return set(split_codes(initial)) != set(split_codes(data))


class TypedTextField(forms.CharField):
    """Text as people type it, cleaned at the door (``common.text``) before it is
    validated: a multi-line text by ``clean_typed_text``, a ``one_line`` one by
    ``clean_typed_line``. So both databases, every export and every PDF see the same."""

    def __init__(self, *args, one_line=False, **kwargs):
        self.one_line = one_line
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_typed_line(value) if self.one_line else clean_typed_text(value)

    @classmethod
    def like(cls, field, **changes):
        """A typed-text field in place of the plain ``field`` (one line unless its
        widget is a text area)."""
        options = {
            "label": field.label,
            "required": field.required,
            "max_length": field.max_length,
            "min_length": field.min_length,
            "strip": field.strip,
            "empty_value": field.empty_value,
            "widget": field.widget,
            "help_text": field.help_text,
            "initial": field.initial,
            "disabled": field.disabled,
            "localize": field.localize,
            "one_line": not isinstance(field.widget, forms.Textarea),
        }
        return cls(**{**options, **changes})


class WorkshopAdminForm(forms.ModelForm):
    languages = ContentLanguagesField(
        label=_("languages"),
        help_text=_(
            "The languages the workshop runs in: guidance is written in them and "
            "delegations choose among them."
        ),
    )

    class Meta:
        model = Workshop
        fields = ("languages",)  # the admin adds the fields of its fieldsets

    def clean_languages(self):
        """The ticked languages as ``Workshop.languages`` stores them: those it had
        keep their order, newly ticked ones follow in the list's order."""
        ticked = self.cleaned_data["languages"]
        kept = [code for code in split_codes(self.instance.languages) if code in ticked]
        added = [code for code, _name in settings.CONTENT_LANGUAGES if code in ticked]
        return ",".join(dict.fromkeys([*kept, *added]))


class WorkshopDateTimeField(forms.SplitDateTimeField):
    """A date and time typed, and shown, in ``zone`` (the workshop's time zone)
    rather than in the admin's active time zone; stored aware, as always."""

    zone = None

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value) and self.zone:
            return timezone.make_naive(value, self.zone)
        return super().prepare_value(value)

    def compress(self, data_list):
        # Django's own conversion, in the workshop's zone: it refuses a time that
        # does not exist or is ambiguous there (a daylight-saving change).
        with timezone.override(self.zone):
            return super().compress(data_list)

    def has_changed(self, initial, data):
        with timezone.override(self.zone):
            return super().has_changed(initial, data)


class SessionAdminForm(forms.ModelForm):
    deadline = WorkshopDateTimeField(
        label=_("summary deadline"), required=False, widget=AdminSplitDateTime
    )

    class Meta:
        model = Session
        fields = ("workshop", "deadline")  # the admin adds the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        workshop = self._workshop()
        zone = workshop_zone(workshop)
        field = self.fields["deadline"]
        field.zone = zone
        if zone is None:
            field.help_text = _("In the workshop's time zone.")
        else:
            field.help_text = _("In the workshop's time zone: %(zone)s.") % {"zone": zone.key}

    def _workshop(self):
        """The workshop the deadline belongs to: the one chosen in the form if it was
        posted, else the session's, else the one the add page was opened for."""
        candidates = []
        if self.is_bound:
            candidates.append(self.data.get(self.add_prefix("workshop")))
        if self.instance.workshop_id:
            candidates.append(self.instance.workshop_id)
        candidates.append(self.initial.get("workshop"))
        for pk in candidates:
            if isinstance(pk, Workshop):
                return pk
            if pk and str(pk).isdigit():
                workshop = Workshop.objects.filter(pk=pk).first()
                if workshop is not None:
                    return workshop
        return None
