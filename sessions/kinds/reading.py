"""Reading a structured answer: the financing check, what PDFs, previews and exports
print, and one answer's values for the organisers' counts, mixes and timelines."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import GuidanceQuestion
from .shapes import Kind, column_label, financing_columns, financing_sources, options

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
