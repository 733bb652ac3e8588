"""Validation of what delegations type. The same rules apply to autosave and to
the plain form post, so a save behaves identically with or without JavaScript."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sessions.models import content_language_choices


class TypedTextField(forms.CharField):
    """Text as people type it: line ends normalised, NUL characters dropped.

    PostgreSQL refuses NUL and SQLite would keep it; nobody types one on purpose
    (it comes with pasted text), so it is removed on both, before validation.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


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
            params={"label": label, "length": f"{len(value):,}", "limit": f"{max_length:,}"},
        )
    return value


class AnswerForm(forms.Form):
    discussed = forms.BooleanField(label=_("We discussed this question"), required=False)
    text = TypedTextField(label=_("Answer"), required=False, strip=False, widget=forms.Textarea)
    language = forms.ChoiceField(label=_("Written in"), choices=content_language_choices)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean_text(self):
        return clean_typed_text(
            self.cleaned_data.get("text"),
            max_length=settings.ANSWER_MAX_LENGTH,
            label=_("The answer"),
        )


class SummaryDetailsForm(forms.Form):
    participants = TypedTextField(
        label=_("Participants"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names and roles of the people in the discussion."),
    )
    rapporteur = TypedTextField(label=_("Rapporteur"), required=False, max_length=200)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean_participants(self):
        return clean_typed_text(
            self.cleaned_data.get("participants"), max_length=5000, label=_("Participants")
        )

    def clean_rapporteur(self):
        return clean_typed_text(
            self.cleaned_data.get("rapporteur"), max_length=200, label=_("Rapporteur")
        )
