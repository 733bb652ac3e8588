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


# Every editable field of an item (``EDITABLE_FIELDS``) and where it was drafted from.
FIELD_LABELS = {
    model: _verbose_names(model, (*model.EDITABLE_FIELDS, "source_answer"))
    for model in (ActionItem, TARequest)
}
ACTION = FIELD_LABELS[ActionItem]
TA_REQUEST = FIELD_LABELS[TARequest]


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
