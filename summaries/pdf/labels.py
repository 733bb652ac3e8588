"""Labels and formats for the PDFs, evaluated in the language active while rendering.

Field labels are the models' verbose names, so that the PDFs and the plan page say
the same thing and share one translation.
"""

from django.utils import formats, numberformat
from django.utils.text import capfirst

from ..models import ActionItem, TARequest


def _verbose_names(model, names):
    # capfirst keeps lazy strings lazy: they are translated when the PDF is rendered.
    return {name: capfirst(model._meta.get_field(name).verbose_name) for name in names}


ACTION = _verbose_names(
    ActionItem,
    (
        "title",
        "description",
        "intervention_area",
        "milestone",
        "start_month",
        "end_month",
        "responsible",
        "partners",
        "resources_needed",
        "estimated_cost",
        "source_answer",
    ),
)
TA_REQUEST = _verbose_names(
    TARequest,
    (
        "title",
        "intervention_area",
        "need",
        "kind",
        "preferred_provider",
        "timeframe_months",
        "estimated_cost",
        "priority",
        "action",
        "status",
        "source_answer",
    ),
)


def money(amount, currency):
    """``amount`` with two decimals, grouped by thousands in the active language's
    separators (always grouped: some locales, such as vi, do not ask for it)."""
    if amount is None:
        return "—"
    text = numberformat.format(
        amount,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=2,
        grouping=formats.get_format("NUMBER_GROUPING") or 3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{text} {currency}" if currency else text
