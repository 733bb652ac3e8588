"""The kinds of answer a guidance question asks for, and the one place their shapes live.

A free-text answer is ``Answer.text`` (its ``data`` stays ``{}``). The other kinds
keep a structured value in ``Answer.data``:

- choice: ``{"chosen": [option codes, in option order], "other": str,
  "notes": {code: str}}``
- financing: ``{"currency": str, "rows": {source_code: {"today": number|None,
  "target": number|None, "note": str}}}``
- milestones: ``{"rows": [{"key": str, "milestone": str, "month": int|None,
  "responsible": str}]}`` (months 1 to 24, the plan's horizon)

Forms, the editing core's three-way merge and the history work on a *flattened*
value: one entry per form control (:func:`to_fields` / :func:`from_fields`):

- choice: ``chosen`` (list), ``other``, ``note__<code>``
- financing: ``currency``, ``today__<source>``, ``target__<source>``, ``note__<source>``
- milestones: ``rows`` (list of row keys), ``milestone__<key>``, ``month__<key>``,
  ``responsible__<key>``

:func:`parse_fields` turns what a browser sent (strings, lists of strings) into that
flattened value, cleaning text at the door (``common.text.clean_typed_line``: every text of these
kinds is typed in a one-line box) and
refusing what does not fit with a translated ``ValidationError`` keyed by the field.
:func:`display` gives the rows the PDFs, the preview and the exports print, and
:func:`financing_flag` the "does not add up to 100 %" message (the answer is saved
anyway). Nothing else in the project knows these shapes.
"""

from .parsing import (  # noqa: F401
    field_names_posted,
    is_empty,
    normalise,
    parse_fields,
)
from .reading import (  # noqa: F401
    ChoiceValue,
    Display,
    FinancingValue,
    MilestoneRow,
    as_text,
    choice_value,
    display,
    financing_flag,
    financing_value,
    format_number,
    milestones_by_month,
)
from .shapes import (  # noqa: F401
    CURRENCY,
    MAX_AMOUNT,
    MAX_MILESTONES,
    NOTE_MAX_LENGTH,
    PLAN_HORIZON_MONTHS,
    ROW_KEY,
    SEP,
    SHORT_MAX_LENGTH,
    Kind,
    blank_value,
    chosen_options,
    column_label,
    financing_columns,
    financing_sources,
    from_fields,
    is_structured,
    list_fields,
    long_fields,
    milestone_rows,
    new_row_key,
    options,
    repair_merge,
    set_fields,
    to_fields,
    uses_option,
    uses_source,
)
