"""Validation of what delegations type. The same rules apply to autosave and to
the plain form post, so a save behaves identically with or without JavaScript.

One module per concern (text limits, the units' base, answers, details, plan items);
every name is importable from ``summaries.forms``."""

from django.utils.translation import gettext_noop

from .answers import (
    ANSWER_FORMS,
    AnswerForm,
    ChoiceAnswerForm,
    FinancingAnswerForm,
    MilestonesAnswerForm,
    StructuredAnswerForm,
    answer_form_for,
    answer_initial,
    stored_answer_form,
)
from .details import SummaryDetailsForm, details_initial
from .limits import check_text_limits, grouped
from .plan import PLAN_FORMS, ActionItemForm, PlanItemForm, TARequestForm
from .units import UnitForm, form_values

# Django's empty choice of a select (the plan page's area, kind, linked action): Django's
# own vi and th catalogues lack it, so the portal's catalogues carry it.
gettext_noop("- Select an option -")

__all__ = [
    "ANSWER_FORMS",
    "PLAN_FORMS",
    "ActionItemForm",
    "AnswerForm",
    "ChoiceAnswerForm",
    "FinancingAnswerForm",
    "MilestonesAnswerForm",
    "PlanItemForm",
    "StructuredAnswerForm",
    "SummaryDetailsForm",
    "TARequestForm",
    "UnitForm",
    "answer_form_for",
    "answer_initial",
    "check_text_limits",
    "details_initial",
    "form_values",
    "grouped",
    "stored_answer_form",
]
