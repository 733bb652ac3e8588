"""The whole room for one structured question, for organisers: counts per option of a
choose-from-a-list question, every delegation's financing mix side by side with the
averages, and the milestones of every delegation on one timeline.

Pure over what the caller loaded: the question (its options prefetched), the
delegations listed (already filtered) with their answers, and the financing sources;
so the figures cost no query of their own, whatever the number of delegations.
Answers are read through ``sessions.kinds``, the one module that knows their shapes.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions import kinds
from sessions.models import GuidanceQuestion

from .. import charts
from ..exports import BarChart, ExportTable

Kind = GuidanceQuestion.Kind
OTHER = ""  # the code of the "other" row of a choice count


@dataclass(frozen=True)
class OptionCount:
    code: str  # OTHER for the delegations' own options
    label: str
    count: int
    delegations: tuple  # names of the delegations that chose it, in list order
    texts: tuple = ()  # for "other": what each wrote, as (delegation name, text)


@dataclass(frozen=True)
class ChoiceCounts:
    """How many of the delegations listed chose each option (every option in its
    order, then "other" when the question offers it or someone wrote one)."""

    options: tuple  # OptionCount, ...
    answered: int  # delegations that chose at least one option or wrote "other"
    delegations: int  # delegations listed

    kind = Kind.CHOICE


def choice_counts(question, entries):
    """``entries``: ``(delegation, answer or None)`` per delegation listed."""
    chosen_by = {option.code: [] for option in kinds.options(question)}
    others = []
    answered = 0
    for delegation, answer in entries:
        value = kinds.choice_value(answer.data if answer else {})
        codes = [code for code in value.chosen if code in chosen_by]
        for code in codes:
            chosen_by[code].append(delegation.name)
        if value.other:
            others.append((delegation.name, value.other))
        answered += bool(codes or value.other)
    counts = [
        OptionCount(
            option.code, option.label, len(chosen_by[option.code]), tuple(chosen_by[option.code])
        )
        for option in kinds.options(question)
    ]
    if question.allow_other or others:
        counts.append(
            OptionCount(
                OTHER,
                _("Other"),
                len(others),
                tuple(name for name, _text in others),
                texts=tuple(others),
            )
        )
    return ChoiceCounts(options=tuple(counts), answered=answered, delegations=len(entries))


@dataclass(frozen=True)
class MixColumn:
    """One column (today or target) of one delegation's financing mix."""

    column: str
    values: tuple  # per source, in the sources' order: the number entered or None
    total: Decimal | None  # None when nothing was entered in this column
    shares: tuple  # per source, its share in % of the bar (0 when not entered)


@dataclass(frozen=True)
class MixLine:
    delegation: object
    currency: str
    columns: tuple  # MixColumn, one per column the question asks for
    flag: str | None  # the "does not add up to 100 %" message, as the page shows it

    @property
    def entered(self):
        return any(column.total is not None for column in self.columns)


@dataclass(frozen=True)
class FinancingMix:
    """Every delegation's mix (one line per delegation listed, entered or not), and
    per column the average share of each source over the delegations that entered
    that column. A share is the figure itself for a question in %, and the part of
    the delegation's own total for amounts (currencies are never added together)."""

    sources: tuple  # (code, name), ...
    columns: tuple  # "today", "target"
    unit: str
    lines: tuple  # MixLine, ...
    averages: tuple  # per column: (column, (average share per source), delegations counted)

    kind = Kind.FINANCING

    @property
    def percent(self):
        return self.unit == GuidanceQuestion.FinancingUnit.PERCENT

    @property
    def entered(self):
        return sum(1 for line in self.lines if line.entered)

    @property
    def scale(self):
        """The end of the bars' axis: 100 %, or more when a delegation's shares add up
        to more (a mix may be saved unbalanced, and is flagged)."""
        largest = max(
            (sum(column.shares) for line in self.lines for column in line.columns), default=0
        )
        return max(100, float(largest))


def _shares(values, total, percent):
    if percent:
        return tuple(float(value or 0) for value in values)
    if not total:
        return tuple(0.0 for _value in values)
    return tuple(float(Decimal(str(value or 0)) * 100 / total) for value in values)


def financing_mix(question, entries, sources):
    """``entries`` as for :func:`choice_counts`; ``sources`` the financing sources in
    their order (sources no longer in the list still show when a delegation used one)."""
    percent = question.financing_unit == GuidanceQuestion.FinancingUnit.PERCENT
    columns = tuple(kinds.financing_columns(question))
    values = [
        (delegation, answer, kinds.financing_value(answer.data if answer else {}))
        for delegation, answer in entries
    ]
    codes = [source.code for source in sources]
    names = {source.code: source.name for source in sources}
    for _delegation, _answer, value in values:
        codes += [code for code, _column in value.cells if code not in codes]
    lines = []
    for delegation, answer, value in values:
        mix = []
        for column in columns:
            cells = tuple(value.value(code, column) for code in codes)
            total = value.total(column)
            mix.append(MixColumn(column, cells, total, _shares(cells, total, percent)))
        lines.append(
            MixLine(
                delegation=delegation,
                currency=value.currency,
                columns=tuple(mix),
                flag=kinds.financing_flag(question, answer.data) if answer else None,
            )
        )
    averages = []
    for index, column in enumerate(columns):
        counted = [line.columns[index].shares for line in lines if line.columns[index].total]
        averages.append(
            (
                column,
                tuple(
                    sum(shares[i] for shares in counted) / len(counted) for i in range(len(codes))
                )
                if counted
                else tuple(0.0 for _code in codes),
                len(counted),
            )
        )
    return FinancingMix(
        sources=tuple((code, names.get(code, code)) for code in codes),
        columns=columns,
        unit=question.financing_unit,
        lines=tuple(lines),
        averages=tuple(averages),
    )


@dataclass(frozen=True)
class TimelineEntry:
    delegation: object
    milestone: str
    responsible: str
    language: str  # the language the answer is written in


@dataclass(frozen=True)
class MergedTimeline:
    """Every milestone of the delegations listed, by month: ``months`` holds
    ``(month, entries)`` for each month with a milestone, in order, then
    ``(None, entries)`` for milestones given without a month; entries by delegation
    in list order, then in the delegation's own order."""

    months: tuple
    delegations: int  # delegations that listed at least one milestone

    kind = Kind.MILESTONES

    @property
    def milestones(self):
        return sum(len(entries) for _month, entries in self.months)


def merged_timeline(question, entries):
    """``entries`` as for :func:`choice_counts`."""
    by_month = {}
    listing = 0
    for delegation, answer in entries:
        rows = kinds.milestones_by_month(answer.data if answer else {})
        listing += bool(rows)
        language = (answer.language if answer else "") or delegation.language
        for row in rows:
            by_month.setdefault(row.month, []).append(
                TimelineEntry(delegation, row.milestone, row.responsible, language)
            )
    order = sorted(by_month, key=lambda month: (month is None, month or 0))
    return MergedTimeline(
        months=tuple((month, tuple(by_month[month])) for month in order), delegations=listing
    )


def question_figures(question, entries, *, sources=()):
    """The figures of a structured question (:class:`ChoiceCounts`,
    :class:`FinancingMix` or :class:`MergedTimeline`), ``None`` for free text."""
    if question.kind == Kind.CHOICE:
        return choice_counts(question, entries)
    if question.kind == Kind.FINANCING:
        return financing_mix(question, entries, sources)
    if question.kind == Kind.MILESTONES:
        return merged_timeline(question, entries)
    return None


# --- the figures as a chart ------------------------------------------------------------


def _delegations(count):
    return ngettext("%(count)s delegation", "%(count)s delegations", count) % {"count": count}


def month_label(month):
    return _("Month %(month)s") % {"month": month} if month else _("No month")


def _choice_chart(figures, chart_id):
    return charts.bar_chart_svg(
        chart_id=chart_id,
        title=_("Delegations that chose each option"),
        description=ngettext(
            "%(answered)s of %(counter)s delegation answered.",
            "%(answered)s of %(counter)s delegations answered.",
            figures.delegations,
        )
        % {"answered": figures.answered, "counter": figures.delegations},
        bars=[(row.label, row.count) for row in figures.options],
        width=640,
    )


def _caption(column, text):
    return _("%(column)s: %(text)s") % {"column": kinds.column_label(column), "text": text}


def _financing_chart(figures, chart_id):
    def total(line, column):
        if column.total is None:
            return ""
        currency = "" if figures.percent else line.currency
        return kinds.format_number(column.total.normalize(), figures.unit, currency)

    # A column nobody (or this delegation) entered draws no bar.
    average = tuple(
        charts.StackedBar(
            kinds.column_label(column), values, _caption(column, _delegations(counted))
        )
        for column, values, counted in figures.averages
        if counted
    )
    rows = [charts.StackedRow(_("Average"), average)] if average else []
    for line in figures.lines:
        bars = tuple(
            charts.StackedBar(
                kinds.column_label(column.column),
                column.shares,
                _caption(column.column, total(line, column)),
            )
            for column in line.columns
            if column.total is not None
        )
        if bars:
            rows.append(charts.StackedRow(line.delegation.name, bars))
    return charts.stacked_bars_svg(
        chart_id=chart_id,
        title=_("Financing mix, delegation by delegation"),
        description=_(
            "Each bar is one delegation's mix, as shares of its total; the first bars are "
            "the average of the delegations that entered one."
        ),
        legend=[name for _code, name in figures.sources],
        rows=rows,
        scale=figures.scale,
        unit="\u00a0%",
    )


def _timeline_chart(figures, chart_id):
    def line(entry):
        who = f" ({entry.responsible})" if entry.responsible else ""
        return f"{entry.delegation.name}: {entry.milestone}{who}"

    return charts.timeline_svg(
        chart_id=chart_id,
        title=_("Milestones of every delegation, month by month"),
        description=_("Milestones: %(milestones)s; delegations: %(delegations)s.")
        % {"milestones": figures.milestones, "delegations": figures.delegations},
        months=[
            charts.TimelineMonth(month, month_label(month), tuple(line(e) for e in entries))
            for month, entries in figures.months
        ],
        horizon=kinds.PLAN_HORIZON_MONTHS,
    )


def figures_chart(figures, *, chart_id="room-chart"):
    """The chart of :func:`question_figures` (an inline SVG, labels in the active
    language), ``""`` for a free-text question."""
    if figures is None:
        return ""
    draw = {Kind.CHOICE: _choice_chart, Kind.FINANCING: _financing_chart}.get(
        figures.kind, _timeline_chart
    )
    return draw(figures, chart_id)


# --- the figures as a spreadsheet sheet with its native chart ---------------------------


def _choice_table(question, figures, name):
    return ExportTable(
        title=_("Choices %(question)s") % {"question": name},
        headers=(_("Option"), _("Delegations")),
        rows=tuple((row.label, row.count) for row in figures.options),
        chart=BarChart(title=f"{question.number}. {_('Delegations that chose each option')}"),
    )


def _financing_table(question, figures, name):
    """One row per delegation and column (today, target), the average first: each
    source's share in % (the figures of the stacked bars), and the total as entered."""
    rows = [
        (f"{_('Average')} · {kinds.column_label(column)}", *(round(v, 2) for v in values), None, "")
        for column, values, _counted in figures.averages
    ]
    for line in figures.lines:
        if not line.entered:
            continue
        for column in line.columns:
            rows.append(
                (
                    f"{line.delegation.name} · {kinds.column_label(column.column)}",
                    *(round(share, 2) for share in column.shares),
                    column.total,
                    line.currency,
                )
            )
    sources = len(figures.sources)
    return ExportTable(
        title=_("Financing %(question)s") % {"question": name},
        headers=(
            _("Delegation"),
            *(f"{source} (%)" for _code, source in figures.sources),
            _("Total as entered"),
            capfirst(_("currency")),
        ),
        rows=tuple(rows),
        chart=BarChart(
            title=f"{question.number}. {_('Financing mix, delegation by delegation')}",
            values=tuple(range(2, 2 + sources)),
            stacked=True,
        ),
    )


def figures_table(question, figures, *, session):
    """The figures of a choice question (counts per option) or of a financing mix
    (shares per delegation, averages first) as a sheet with its native chart;
    ``None`` for the others (milestones are read in the answers' own cells)."""
    name = f"{session.code}.{question.number}"
    if figures.kind == Kind.CHOICE:
        return _choice_table(question, figures, name)
    if figures.kind == Kind.FINANCING:
        return _financing_table(question, figures, name)
    return None
