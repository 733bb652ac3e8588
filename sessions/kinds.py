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

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from common.text import clean_typed_line

from .models import FinancingSource, GuidanceQuestion

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


# --- parsing what a browser sent -------------------------------------------------------


def _text(value, name, limit):
    # Every text of an answer of these kinds is typed in a one-line box.
    value = clean_typed_line(value if isinstance(value, str) else "") or ""
    if len(value) > limit:
        raise ValidationError(
            {
                name: _("%(length)s characters: at most %(limit)s are allowed.")
                % {"length": len(value), "limit": limit}
            },
            code="too_long",
        )
    return value


def _number(value, name, *, unit):
    value = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if not value:
        return None
    text = value.replace("\u00a0", "").replace(" ", "").replace("\u202f", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({name: _("“%(value)s” is not a number.") % {"value": value}})
    if number < 0:
        raise ValidationError({name: _("Enter a number that is not negative.")}, code="negative")
    if unit == GuidanceQuestion.FinancingUnit.PERCENT and number > 100:
        raise ValidationError({name: _("A share is at most 100 %.")}, code="over_100")
    if number >= MAX_AMOUNT:
        raise ValidationError({name: _("This number is too large.")}, code="too_large")
    number = number.quantize(Decimal("0.01"))
    return int(number) if number == number.to_integral_value() else float(number)


def _month(value, name):
    value = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= PLAN_HORIZON_MONTHS:
        raise ValidationError(
            {name: _("Choose a month from 1 to %(months)s.") % {"months": PLAN_HORIZON_MONTHS}},
            code="month",
        )
    return int(value)


def _as_list(value):
    """A list field as posted: one value per control, or the values joined by commas
    in one (autosave's hidden list of ticked options); empty values left out. Codes
    and row keys never hold a comma."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    return [part for v in values for part in v.split(",") if part]


def field_names_posted(question, posted):
    """The flattened field names present in ``posted`` (a dict-like of what a form
    sent, list fields as lists): a save holds only what was sent."""
    return [name for name in posted if _is_field(question, name)]


def _is_field(question, name):
    if question.kind == Kind.CHOICE:
        return name in ("chosen", "other") or name.startswith("note" + SEP)
    if question.kind == Kind.FINANCING:
        return name == "currency" or name.partition(SEP)[0] in ("today", "target", "note")
    if question.kind == Kind.MILESTONES:
        return name == "rows" or name.partition(SEP)[0] in ("milestone", "month", "responsible")
    return False


def parse_fields(question, posted, *, current=None):
    """The flattened value of a save: ``posted`` maps field names to strings (list
    fields to lists of strings), as a form or a JSON save sends them; ``current``
    (the stored ``data``) supplies every field not sent, so a page showing fewer
    controls never erases what it did not show. Raises ``ValidationError`` (a dict
    by field name, translated) for anything that does not fit: nothing is cut or
    silently changed."""
    fields = to_fields(question, current or {})
    if question.kind == Kind.CHOICE:
        known = {option.code for option in options(question)}
        if "chosen" in posted:
            chosen = list(dict.fromkeys(_as_list(posted["chosen"])))
            stored = set(fields.get("chosen") or [])
            unknown = [code for code in chosen if code not in known and code not in stored]
            if unknown:
                raise ValidationError(
                    {"chosen": _("Unknown option: %(codes)s.") % {"codes": ", ".join(unknown)}},
                    code="unknown_option",
                )
            if not question.multiple and len(chosen) > 1:
                raise ValidationError({"chosen": _("Choose only one option.")}, code="one_option")
            order = {option.code: i for i, option in enumerate(options(question))}
            fields["chosen"] = sorted(chosen, key=lambda c: (order.get(c, len(order)), c))
        if "other" in posted:
            other = _text(posted["other"], "other", NOTE_MAX_LENGTH)
            if other and not question.allow_other and not fields.get("other"):
                raise ValidationError(
                    {"other": _("This question offers no “other” option.")}, code="no_other"
                )
            fields["other"] = other
        for name in posted:
            if name.startswith("note" + SEP):
                code = name.split(SEP, 1)[1]
                if name not in fields and code not in known:
                    raise ValidationError(
                        {name: _("Unknown option: %(codes)s.") % {"codes": code}},
                        code="unknown_option",
                    )
                fields[name] = _text(posted[name], name, NOTE_MAX_LENGTH)
        return fields
    if question.kind == Kind.FINANCING:
        for name in posted:
            prefix, _sep, code = name.partition(SEP)
            if name == "currency":
                currency = _text(posted[name], name, 3).strip().upper()
                if currency and not CURRENCY.match(currency):
                    raise ValidationError(
                        {name: _("Use a three-letter currency code, for example USD or XOF.")},
                        code="currency",
                    )
                fields[name] = currency
            elif prefix in ("today", "target", "note") and code:
                if name not in fields:
                    raise ValidationError(
                        {name: _("Unknown financing source: %(code)s.") % {"code": code}},
                        code="unknown_source",
                    )
                if prefix == "note":
                    fields[name] = _text(posted[name], name, NOTE_MAX_LENGTH)
                else:
                    fields[name] = _number(posted[name], name, unit=question.financing_unit)
        return fields
    if question.kind == Kind.MILESTONES:
        if "rows" in posted:
            keys = list(dict.fromkeys(_as_list(posted["rows"])))
            bad = [key for key in keys if not ROW_KEY.match(key)]
            if bad:
                raise ValidationError({"rows": _("Unknown row.")}, code="row_key")
            fields["rows"] = keys
        keys = set(fields.get("rows") or [])
        for name in posted:
            prefix, _sep, key = name.partition(SEP)
            if prefix not in ("milestone", "month", "responsible") or not key:
                continue
            if not ROW_KEY.match(key):
                raise ValidationError({name: _("Unknown row.")}, code="row_key")
            if key not in keys:
                if "rows" in posted:
                    continue  # a row not in the list of rows sent: not part of this save
                # A row typed into on a page that sends only the fields it changed.
                fields["rows"] = [*fields.get("rows", []), key]
                keys.add(key)
            if prefix == "month":
                fields[name] = _month(posted[name], name)
            else:
                fields[name] = _text(posted[name], name, SHORT_MAX_LENGTH)
        if len(fields.get("rows") or []) > MAX_MILESTONES:
            raise ValidationError(
                {"rows": _("At most %(count)s milestones.") % {"count": MAX_MILESTONES}},
                code="too_many_rows",
            )
        # Rows added by this save are blank until filled; blank new rows are dropped.
        for key in fields.get("rows") or []:
            fields.setdefault(f"milestone{SEP}{key}", "")
            fields.setdefault(f"month{SEP}{key}", None)
            fields.setdefault(f"responsible{SEP}{key}", "")
        data = from_fields(question, fields)
        return to_fields(question, data)
    return {}


def normalise(question, data):
    """``data`` checked and cleaned as a save would store it (for workshop files,
    the demo and tests): raises ``ValidationError`` like :func:`parse_fields`."""
    fields = to_fields(question, data)
    posted = {
        name: (value if isinstance(value, list) else "" if value is None else str(value))
        for name, value in fields.items()
    }
    return from_fields(question, parse_fields(question, posted))


def is_empty(question, data):
    # No list of sources needed: the rows ``data`` holds are all that can be filled.
    return not from_fields(question, to_fields(question, data or {}, sources=()))


# --- reading: the financing check and what PDFs and exports print ----------------------


def _total(rows, column):
    values = [row.get(column) for row in rows.values() if row.get(column) is not None]
    return sum(Decimal(str(v)) for v in values) if values else None


def financing_flag(question, data):
    """A translated message when the shares of a column entered do not add up to
    100 %, else ``None``. The answer is saved anyway; the page, the PDF and the
    exports show the message."""
    if question.kind != Kind.FINANCING:
        return None
    if question.financing_unit != GuidanceQuestion.FinancingUnit.PERCENT:
        return None
    rows = (data or {}).get("rows") or {}
    messages = []
    for column in financing_columns(question):
        total = _total(rows, column)
        if total is not None and total != 100:
            messages.append(
                _("The shares in “%(column)s” add up to %(total)s %%, not 100 %%.")
                % {"column": column_label(column), "total": number_format(total.normalize())}
            )
    return " ".join(messages) or None


def format_number(value, unit, currency=""):
    if value is None:
        return ""
    text = number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)
    if unit == GuidanceQuestion.FinancingUnit.PERCENT:
        return f"{text} %"
    return f"{text} {currency}".strip()


@dataclass(frozen=True)
class Display:
    """What a PDF, the preview or an export prints for a structured answer, in the
    active language. ``columns`` are headers, ``rows`` tuples of cells (strings)."""

    kind: str
    columns: tuple = ()
    rows: tuple = ()
    totals: tuple = ()
    flag: str | None = None
    extra: tuple = field(default=())  # (label, text) lines: "other", currency
    typed: tuple = ()  # indices of the columns holding what the delegation typed

    @property
    def lines(self):
        """``rows`` as ``((cell, typed), ...)`` for templates (lang on typed text)."""
        return tuple(
            tuple((cell, index in self.typed) for index, cell in enumerate(row))
            for row in self.rows
        )

    @property
    def empty(self):
        return not self.rows and not self.extra


def display(question, data, *, sources=None):
    """The rows to print for ``data`` (read option labels and source names in the
    active language: callers wrap it in ``translation.override``). ``sources``: the
    financing sources, when the caller has read them once for many answers."""
    data = data or {}
    if question.kind == Kind.CHOICE:
        labels = {option.code: option.label for option in options(question)}
        notes = data.get("notes") or {}
        rows = tuple(
            (labels.get(code, code), notes.get(code, "")) for code in data.get("chosen") or []
        )
        extra = ((_("Other"), data["other"]),) if data.get("other") else ()
        columns = (
            (_("Chosen"), question.option_note_label)
            if question.option_note_label
            else (_("Chosen"),)
        )
        return Display(kind=question.kind, columns=columns, rows=rows, extra=extra, typed=(1,))
    if question.kind == Kind.FINANCING:
        unit, currency = question.financing_unit, data.get("currency") or ""
        stored = data.get("rows") or {}
        sources = financing_sources() if sources is None else sources
        names = {source.code: source.name for source in sources}
        order = [*names, *(code for code in stored if code not in names)]
        columns_used = financing_columns(question)
        rows = tuple(
            (
                names.get(code, code),
                *(format_number(stored[code].get(c), unit, currency) for c in columns_used),
                stored[code].get("note") or "",
            )
            for code in order
            if code in stored
        )
        totals = (
            (
                _("Total"),
                *(format_number(_total(stored, c), unit, currency) for c in columns_used),
                "",
            )
            if rows
            else ()
        )
        header = (_("Source"), *(column_label(c) for c in columns_used), _("Note"))
        return Display(
            kind=question.kind,
            columns=header,
            rows=rows,
            totals=totals,
            flag=financing_flag(question, data),
            typed=(len(header) - 1,),
        )
    if question.kind == Kind.MILESTONES:
        rows = sorted(
            data.get("rows") or [],
            key=lambda row: (row.get("month") is None, row.get("month") or 0),
        )
        return Display(
            kind=question.kind,
            columns=(_("Month"), _("Milestone"), _("Responsible")),
            rows=tuple(
                (
                    str(row["month"]) if row.get("month") else "",
                    row.get("milestone") or "",
                    row.get("responsible") or "",
                )
                for row in rows
            ),
            typed=(1, 2),
        )
    return Display(kind=question.kind)


def as_text(question, data, *, sources=None):
    """One plain text for an export cell or a preview line (active language)."""
    shown = display(question, data, sources=sources)
    lines = []
    for row in shown.rows:
        if question.kind == Kind.CHOICE:
            lines.append(f"{row[0]}: {row[1]}" if len(row) > 1 and row[1] else row[0])
        elif question.kind == Kind.FINANCING:
            cells = [
                f"{header} {cell}"
                for header, cell in zip(shown.columns[1:-1], row[1:-1], strict=True)
                if cell
            ]
            note = f" ({row[-1]})" if row[-1] else ""
            lines.append(f"{row[0]}: {', '.join(cells)}{note}")
        else:
            month = _("Month %(month)s") % {"month": row[0]} if row[0] else _("No month")
            who = f" ({row[2]})" if row[2] else ""
            lines.append(f"{month}: {row[1]}{who}")
    for label, text in shown.extra:
        lines.append(f"{label}: {text}")
    if shown.totals:
        cells = [
            f"{h} {c}" for h, c in zip(shown.columns[1:-1], shown.totals[1:-1], strict=True) if c
        ]
        lines.append(f"{shown.totals[0]}: {', '.join(cells)}")
    if shown.flag:
        lines.append(shown.flag)
    return "\n".join(lines)


# --- reading one answer's values: the organisers' counts, mixes and timelines ----------


@dataclass(frozen=True)
class ChoiceValue:
    chosen: tuple  # option codes, in option order
    other: str
    notes: dict  # {option code: note}


def choice_value(data):
    """What a choice answer's ``data`` holds (``{}`` reads as nothing chosen)."""
    data = data or {}
    return ChoiceValue(
        chosen=tuple(dict.fromkeys(data.get("chosen") or [])),
        other=(data.get("other") or "").strip(),
        notes={code: note for code, note in (data.get("notes") or {}).items() if note},
    )


@dataclass(frozen=True)
class FinancingValue:
    currency: str
    cells: dict  # {(source code, column): number}, only the cells entered
    notes: dict  # {source code: note}

    def value(self, code, column):
        return self.cells.get((code, column))

    def total(self, column):
        """The sum of a column (a ``Decimal``), ``None`` when nothing was entered in it."""
        values = [value for (_code, each), value in self.cells.items() if each == column]
        return sum(Decimal(str(v)) for v in values) if values else None


def financing_value(data):
    """What a financing answer's ``data`` holds (``{}`` reads as nothing entered)."""
    data = data or {}
    rows = data.get("rows") or {}
    return FinancingValue(
        currency=data.get("currency") or "",
        cells={
            (code, column): row[column]
            for code, row in rows.items()
            for column in ("today", "target")
            if row.get(column) is not None
        },
        notes={code: row["note"] for code, row in rows.items() if row.get("note")},
    )


@dataclass(frozen=True)
class MilestoneRow:
    month: int | None
    milestone: str
    responsible: str


def milestones_by_month(data):
    """A milestones answer's rows, by month (rows without a month last), as printed."""
    rows = sorted(
        (data or {}).get("rows") or [],
        key=lambda row: (row.get("month") is None, row.get("month") or 0),
    )
    return tuple(
        MilestoneRow(row.get("month"), row.get("milestone") or "", row.get("responsible") or "")
        for row in rows
    )
