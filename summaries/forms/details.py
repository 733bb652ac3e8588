"""The summary's details (participants, rapporteur): their form and its initial values."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sessions.forms import TypedTextField

from .limits import check_text_limits
from .units import UnitForm


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
        one_line=True,
        widget=forms.TextInput(attrs={"class": "form-control", "data-max-length": 200}),
    )

    def clean_participants(self):
        return check_text_limits(
            self.cleaned_data.get("participants"), max_length=5000, label=_("Participants")
        )

    def clean_rapporteur(self):
        return check_text_limits(
            self.cleaned_data.get("rapporteur"), max_length=200, label=_("Rapporteur")
        )


def details_initial(summary):
    """A summary's details (participants, rapporteur) as their form shows them."""
    return {
        "participants": summary.participants,
        "rapporteur": summary.rapporteur,
        "version": summary.version,
    }
