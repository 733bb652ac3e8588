"""The shapes of a structured answer: the question's frame (options, sources,
columns) and the flattened value forms, merges and the history work on."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from ..models import FinancingSource, GuidanceQuestion

Kind = GuidanceQuestion.Kind

PLAN_HORIZON_MONTHS = 24
NOTE_MAX_LENGTH = 2000
SHORT_MAX_LENGTH = 300
MAX_MILESTONES = 50
MAX_AMOUNT = Decimal("1e15")
ROW_KEY = re.compile(r"^[a-z0-9]{1,16}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
SEP = "__"


def is_structured(question):
    return question.kind != Kind.TEXT


def new_row_key(version, index):
    """The key of the ``index``-th blank milestone row offered on an answer at
    ``version``: the same on every drawing of that version, so a row typed but not yet
    saved comes back from the browser's copy after a reload; rows saved at an earlier
    version never share it. Two laptops filling the same blank row at once meet as a
    conflict on its fields (both texts shown), never a silent loss."""
    return f"v{version}n{index}"


# --- the question's frame: which options, sources and columns it offers ---------------


def options(question):
    return list(question.options.all()) if question.kind == Kind.CHOICE else []


def financing_sources():
    return list(FinancingSource.objects.order_by("order", "code"))


def financing_columns(question):
    """The columns a financing mix asks for: ``["today"]``, ``["target"]`` or both."""
    if question.financing_columns == GuidanceQuestion.FinancingColumns.BOTH:
        return ["today", "target"]
    return [question.financing_columns]


def column_label(column):
    return _("Today") if column == "today" else _("Target")


# --- flattening ------------------------------------------------------------------------


def to_fields(question, data, *, sources=None):
    """The flattened value of ``data`` (an answer's ``data``, maybe ``{}``): every
    control the question has, plus any entry ``data`` holds for an option or source
    removed since, so that nothing stored is dropped by a save."""
    data = data or {}
    if question.kind == Kind.CHOICE:
        notes = dict(data.get("notes") or {})
        fields = {"chosen": list(data.get("chosen") or []), "other": data.get("other") or ""}
        codes = [option.code for option in options(question)] if question.option_note_label else []
        for code in [*codes, *(c for c in notes if c not in codes)]:
            fields[f"note{SEP}{code}"] = notes.get(code, "")
        return fields
    if question.kind == Kind.FINANCING:
        rows = data.get("rows") or {}
        codes = [source.code for source in (financing_sources() if sources is None else sources)]
        fields = {"currency": data.get("currency") or ""}
        for code in [*codes, *(c for c in rows if c not in codes)]:
            row = rows.get(code) or {}
            fields[f"today{SEP}{code}"] = row.get("today")
            fields[f"target{SEP}{code}"] = row.get("target")
            fields[f"note{SEP}{code}"] = row.get("note") or ""
        return fields
    if question.kind == Kind.MILESTONES:
        rows = data.get("rows") or []
        fields = {"rows": [row["key"] for row in rows]}
        for row in rows:
            fields[f"milestone{SEP}{row['key']}"] = row.get("milestone") or ""
            fields[f"month{SEP}{row['key']}"] = row.get("month")
            fields[f"responsible{SEP}{row['key']}"] = row.get("responsible") or ""
        return fields
    return {}


def from_fields(question, fields):
    """The ``data`` for a flattened value (the inverse of :func:`to_fields`); empty
    entries are left out, so an untouched answer stays ``{}``-like."""
    if question.kind == Kind.CHOICE:
        order = {option.code: i for i, option in enumerate(options(question))}
        chosen = sorted(
            dict.fromkeys(fields.get("chosen") or []), key=lambda c: (order.get(c, len(order)), c)
        )
        notes = {
            name.split(SEP, 1)[1]: value
            for name, value in fields.items()
            if name.startswith(f"note{SEP}") and value
        }
        data = {"chosen": chosen, "other": fields.get("other") or "", "notes": notes}
        return data if chosen or data["other"] or notes else {}
    if question.kind == Kind.FINANCING:
        rows = {}
        for name, value in fields.items():
            prefix, _sep, code = name.partition(SEP)
            if prefix in ("today", "target", "note") and code:
                row = rows.setdefault(code, {"today": None, "target": None, "note": ""})
                row[prefix] = value if prefix != "note" else (value or "")
        rows = {
            code: row
            for code, row in rows.items()
            if row["today"] is not None or row["target"] is not None or row["note"]
        }
        currency = fields.get("currency") or ""
        return {"currency": currency, "rows": rows} if rows or currency else {}
    if question.kind == Kind.MILESTONES:
        rows = []
        for key in dict.fromkeys(fields.get("rows") or []):
            row = {
                "key": key,
                "milestone": fields.get(f"milestone{SEP}{key}") or "",
                "month": fields.get(f"month{SEP}{key}"),
                "responsible": fields.get(f"responsible{SEP}{key}") or "",
            }
            if row["milestone"] or row["month"] is not None or row["responsible"]:
                rows.append(row)
        return {"rows": rows} if rows else {}
    return {}


def blank_value(name):
    """A flattened field's value when a version lacks it (a row or option added since)."""
    if name in ("chosen", "rows"):
        return []
    if name.partition(SEP)[0] in ("today", "target", "month"):
        return None
    return ""


def long_fields(question, fields):
    """The flattened fields whose edits merge within the text (notes, "other")."""
    if question.kind == Kind.CHOICE:
        return tuple(name for name in fields if name == "other" or name.startswith("note" + SEP))
    if question.kind == Kind.FINANCING:
        return tuple(name for name in fields if name.startswith("note" + SEP))
    return ()


def set_fields(question):
    """The flattened fields that hold a set (checkboxes, rows): a stale save merges
    them element by element, so two laptops ticking different options keep both."""
    return {Kind.CHOICE: ("chosen",), Kind.MILESTONES: ("rows",)}.get(question.kind, ())


def list_fields(question):
    """The flattened fields a form posts as a list (one name, several values)."""
    return set_fields(question)


def repair_merge(question, values, base):
    """After a merge of flattened values: a milestone row one save removed while the
    other edited it is kept (its text is someone's work)."""
    if question.kind != Kind.MILESTONES:
        return values
    rows = list(values.get("rows") or [])
    for name, value in values.items():
        prefix, _sep, key = name.partition(SEP)
        if prefix in ("milestone", "month", "responsible") and key not in rows:
            if value != base.get(name) and value not in ("", None):
                rows.append(key)
    return {**values, "rows": rows}


def milestone_rows(data):
    """The milestone rows of a milestones answer, in the order they were written."""
    return [row for row in (data or {}).get("rows") or [] if row.get("milestone")]


def chosen_options(question, data):
    """``(option, note)`` for each option a choice answer chose, in option order."""
    data = data or {}
    chosen, notes = set(data.get("chosen") or []), data.get("notes") or {}
    return [(o, notes.get(o.code, "")) for o in options(question) if o.code in chosen]


def uses_option(data, code):
    """Whether a choice answer's ``data`` holds option ``code`` (chosen or noted)."""
    data = data or {}
    return code in (data.get("chosen") or []) or bool((data.get("notes") or {}).get(code))


def uses_source(data, code):
    """Whether a financing answer's ``data`` holds a row for source ``code``."""
    return code in ((data or {}).get("rows") or {})
