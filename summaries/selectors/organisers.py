"""What organisers and facilitators read: the progress board, the comparison of one
question across delegations, and the tables behind the exports (plan items for
partners, every answer of a session, counts and cost totals). Callers have
checked access with ``delegations.permissions.workshop_for_organiser``."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext as _

from delegations.models import Delegation
from sessions import kinds
from sessions.i18n import content_language_name, localized
from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop

from ..exports import BarChart, ExportTable, ExportWorkbook
from ..models import ActionItem, Answer, Summary, TARequest
from .aggregates import figures_table, question_figures
from .states import work_states

# ``timesince`` (the board's "… ago"): Django 6.1's own vi and th catalogues hold only
# older msgids of these, so the portal's catalogues carry them.
_TIMESINCE_STRINGS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)


@dataclass(frozen=True)
class DelegationFilters:
    """Which delegations an organiser's page lists, from the query string.
    Unknown values are ignored (the page then lists every delegation)."""

    kind: str = ""
    language: str = ""

    @classmethod
    def from_query(cls, query):
        kind = query.get("kind", "")
        language = query.get("language", "")
        return cls(
            kind=kind if kind in Delegation.Kind.values else "",
            language=language if language in dict(settings.CONTENT_LANGUAGES) else "",
        )

    def apply(self, delegations):
        if self.kind:
            delegations = delegations.filter(kind=self.kind)
        if self.language:
            delegations = delegations.filter(language=self.language)
        return delegations

    @property
    def query(self):
        """The filters as a query string ("kind=province&language=vi"), "" when none."""
        params = {"kind": self.kind, "language": self.language}
        return urlencode({key: value for key, value in params.items() if value})


@dataclass(frozen=True)
class BoardCell:
    """One delegation × one session on the board."""

    session: Session
    summary: Summary | None
    state: str  # "not_started", "draft" or "submitted", as on the delegation page
    answered: int
    questions: int
    words: int
    last_saved: dt.datetime | None
    seconds_ago: int | None
    last_saved_by: str = ""  # who saved last, as on the delegation page

    @property
    def saved_ago(self):
        """How long ago the last save was ("3 minutes"), "" within the last minute."""
        if self.last_saved is None or self.seconds_ago < 60:
            return ""
        now = self.last_saved + dt.timedelta(seconds=self.seconds_ago)
        return timesince(self.last_saved, now, depth=1)


@dataclass(frozen=True)
class BoardRow:
    delegation: Delegation
    cells: tuple
    actions: int
    ta_requests: int
    plan_state: str  # "not_started", "draft" or "final"


@dataclass(frozen=True)
class SessionTotals:
    session: Session
    submitted: int
    draft: int
    not_started: int


@dataclass(frozen=True)
class Board:
    workshop: Workshop
    filters: DelegationFilters
    sessions: tuple  # group-work sessions, their questions prefetched
    rows: tuple
    now: dt.datetime

    @property
    def totals(self):
        counts = [
            [row.cells[index].state for row in self.rows] for index in range(len(self.sessions))
        ]
        return tuple(
            SessionTotals(
                session=session,
                submitted=states.count("submitted"),
                draft=states.count("draft"),
                not_started=states.count("not_started"),
            )
            for session, states in zip(self.sessions, counts, strict=True)
        )

    @property
    def final_plans(self):
        return sum(1 for row in self.rows if row.plan_state == "final")


def _count_of(model):
    """Subquery: how many ``model`` rows each delegation has (no join fan-out)."""
    rows = (
        model.objects.live()
        .filter(delegation=OuterRef("pk"))
        .order_by()
        .values("delegation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def progress_board(*, workshop, filters=DelegationFilters(), now=None):
    """Every delegation of ``workshop`` that passes ``filters`` × the workshop's
    group-work sessions (state, answers, words, last save), with its Day 3 plan
    (actions, TA requests, draft or final).

    A fixed number of queries whatever the number of delegations; states, counts and
    last edits come from ``selectors.states.work_states``, as on every other page.
    """
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(workshop=workshop, kind=Session.Kind.GROUP_WORK).prefetch_related(
            "questions"
        )
    )
    delegations = list(
        filters.apply(Delegation.objects.filter(workshop=workshop)).select_related("workshop")
    )
    states = work_states(delegations=delegations, sessions=sessions)

    def cell(delegation, session):
        state = states[(delegation.pk, session.pk)]
        last_saved = state.last_edit_at
        return BoardCell(
            session=session,
            summary=state.summary,
            state=state.state,
            answered=state.answered,
            questions=state.questions,
            words=state.words,
            last_saved=last_saved,
            seconds_ago=max(int((now - last_saved).total_seconds()), 0) if last_saved else None,
            last_saved_by=state.last_edit_by,
        )

    return Board(
        workshop=workshop,
        filters=filters,
        sessions=tuple(sessions),
        rows=tuple(
            BoardRow(
                delegation=delegation,
                cells=tuple(cell(delegation, session) for session in sessions),
                actions=states[(delegation.pk, None)].actions,
                ta_requests=states[(delegation.pk, None)].ta_requests,
                plan_state=states[(delegation.pk, None)].state,
            )
            for delegation in delegations
        ),
        now=now,
    )


@dataclass(frozen=True)
class ComparedAnswer:
    delegation: Delegation
    answer: Answer | None
    text: str  # as written; a structured answer as its readable lines

    @property
    def language(self):
        """The language the answer is written in (the delegation's when not recorded)."""
        return (self.answer.language if self.answer else "") or self.delegation.language


@dataclass(frozen=True)
class Comparison:
    question: GuidanceQuestion
    texts: tuple  # ((language, Localized), ...): the question in each workshop language it has
    entries: tuple  # one ComparedAnswer per delegation, answered or not
    numbers: tuple  # the session's question numbers, for previous / next
    figures: object = None  # a structured question's counts, mixes or timeline (aggregates)

    @property
    def answered(self):
        return sum(1 for entry in self.entries if entry.text)

    def _neighbour(self, step):
        index = self.numbers.index(self.question.number) + step
        return self.numbers[index] if 0 <= index < len(self.numbers) else None

    @property
    def previous_number(self):
        return self._neighbour(-1)

    @property
    def next_number(self):
        return self._neighbour(1)


def question_comparison(*, workshop, session_code, number, filters=DelegationFilters()):
    """Question ``number`` of session ``session_code`` with every delegation's answer
    (delegations that passed ``filters``, in name order) and, for a structured
    question, the figures of the whole room (:mod:`.aggregates`); 404 if there is no
    such question. Five queries (six for a financing mix) whatever the number of
    delegations."""
    question = (
        GuidanceQuestion.objects.filter(
            session__workshop=workshop, session__code=session_code, number=number
        )
        .select_related("session")
        .prefetch_related("options")
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    delegations = list(
        filters.apply(Delegation.objects.filter(workshop=workshop)).select_related("workshop")
    )
    answers = {
        answer.summary.delegation_id: answer
        for answer in Answer.objects.filter(
            question=question, summary__delegation__in=[d.pk for d in delegations]
        ).select_related("summary")
    }
    sources = kinds.financing_sources() if question.kind == GuidanceQuestion.Kind.FINANCING else []
    pairs = [(delegation, answers.get(delegation.pk)) for delegation in delegations]

    def shown(answer):
        if answer is None:
            return ""
        if kinds.is_structured(question):
            shown = kinds.as_text(question, answer.data, sources=sources)
            return "\n".join(part for part in (shown, answer.text.strip()) if part)
        return answer.text.strip()

    fallbacks = (workshop.default_language,)
    return Comparison(
        question=question,
        texts=tuple(
            (code, text)
            for code in workshop.language_codes
            if (text := localized(question, "text", code, fallbacks)).text and text.language == code
        ),
        entries=tuple(ComparedAnswer(d, answer, shown(answer)) for d, answer in pairs),
        numbers=tuple(question.session.questions.values_list("number", flat=True)),
        figures=question_figures(question, pairs, sources=sources),
    )


def _label(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _cell(item, name):
    """A field of a plan item as a partner reads it in a spreadsheet: the choice's
    label, the linked action's title, numbers as numbers."""
    field = item._meta.get_field(name)
    if field.choices:
        return getattr(item, f"get_{name}_display")()
    if field.is_relation:
        related = getattr(item, name)
        return str(related) if related is not None else ""
    return getattr(item, name)


def _item_table(*, workshop, link, model, title, related=()):
    """Rows of ``model`` (actions or TA requests) of ``workshop``: who, the item's
    ``EDITABLE_FIELDS`` (the intervention area first), where it came from. Texts in
    the active language."""
    language = get_language()
    fallbacks = (workshop.default_language,)
    fields = [name for name in model.EDITABLE_FIELDS if name != "intervention_area"]
    items = (
        model.objects.live()
        .filter(delegation__workshop=workshop)
        .select_related(
            "delegation__workshop",
            "intervention_area",
            "source_answer__question__session",
            *related,
        )
        .order_by("delegation__name", "delegation__pk", "order", "pk")
    )
    headers = (
        _("Delegation"),
        _("Delegation kind"),
        _("Delegation language"),
        _label(model, "intervention_area"),
        *(_label(model, name) for name in fields),
        _("Source session"),
        _("Source question"),
        _("Link"),
    )
    rows = []
    for item in items:
        delegation = item.delegation
        area = item.intervention_area
        question = item.source_answer.question if item.source_answer else None
        rows.append(
            (
                delegation.name,
                delegation.get_kind_display(),
                content_language_name(delegation.language),
                localized(area, "name", language, fallbacks).text if area else "",
                *(_cell(item, name) for name in fields),
                question.session.code if question else "",
                question.number if question else None,
                link(delegation),
            )
        )
    return ExportTable(title=title, headers=headers, rows=tuple(rows))


def ta_request_table(*, workshop, link):
    """Every TA request of ``workshop``, one row each, for partners.

    ``link(delegation)`` returns the absolute address of the delegation's page.
    One query whatever the number of requests.
    """
    return _item_table(
        workshop=workshop, link=link, model=TARequest, related=("action",), title=_("TA requests")
    )


def action_table(*, workshop, link):
    """Every action of ``workshop``, one row each, for partners (see :func:`ta_request_table`)."""
    return _item_table(workshop=workshop, link=link, model=ActionItem, title=_("Actions"))


@dataclass(frozen=True)
class ExportOverview:
    ta_requests: int
    actions: int
    by_area: tuple  # ((label, TA requests, actions), ...) every area, then "none" if used
    by_kind: tuple  # ((label, TA requests), ...) every kind of assistance


def export_overview(*, workshop):
    """How many TA requests and actions ``workshop`` has, per intervention area
    (in the active language) and per kind of assistance. Four queries."""
    language = get_language()
    fallbacks = (workshop.default_language,)
    requests = TARequest.objects.live().filter(delegation__workshop=workshop).order_by()
    actions = ActionItem.objects.live().filter(delegation__workshop=workshop).order_by()
    ta_by_area = dict(requests.values_list("intervention_area").annotate(n=Count("pk")))
    actions_by_area = dict(actions.values_list("intervention_area").annotate(n=Count("pk")))
    ta_by_kind = dict(requests.values_list("kind").annotate(n=Count("pk")))
    by_area = [
        (
            localized(area, "name", language, fallbacks).text,
            ta_by_area.get(area.pk, 0),
            actions_by_area.get(area.pk, 0),
        )
        for area in InterventionArea.objects.all()
    ]
    if ta_by_area.get(None) or actions_by_area.get(None):
        by_area.append(
            (_("No intervention area"), ta_by_area.get(None, 0), actions_by_area.get(None, 0))
        )
    return ExportOverview(
        ta_requests=sum(ta_by_area.values()),
        actions=sum(actions_by_area.values()),
        by_area=tuple(by_area),
        by_kind=tuple((label, ta_by_kind.get(value, 0)) for value, label in TARequest.Kind.choices),
    )


# --- the answers of a session, cost totals, workbooks with their summaries -----------


def answer_export_sessions(*, workshop):
    """The sessions of ``workshop`` that have questions, in the workshop's order, each
    with ``answer_count`` (answers with text or a structured value). Drafts included:
    organisers read them."""
    questions = GuidanceQuestion.objects.filter(session=OuterRef("pk"))
    written = (
        Answer.objects.filter(summary__session=OuterRef("pk"))
        .exclude(text="", data={})
        .order_by()
        .values("summary__session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Session.objects.filter(workshop=workshop)
        .filter(Exists(questions))
        .annotate(answer_count=Coalesce(Subquery(written), 0))
    )


@dataclass(frozen=True)
class AnswerColumn:
    """A readable column of an answer in the export: its header, and its value for an
    answer (``None`` when the delegation has no answer row)."""

    header: str
    value: object  # callable(Answer | None) -> cell value


def answer_columns(question, *, sources=()):
    """The columns that show an answer to ``question``, in the active language.

    Every question has the answer as written: the text of a free-text question, the
    rows of a structured one as they read (``sessions.kinds.as_text``, as in the
    PDFs), then any text. A structured question adds its own columns, headed by its
    number so that they never mix with another question's: a choice one per option
    (1 chosen, 0 not, blank without an answer), its note when the question asks for
    one and "other"; a financing mix today and target per source and their totals,
    as numbers (and the currency of amounts); milestones nothing more (the answer
    reads "Month 6: milestone (responsible)" per line). ``sources``: the financing
    sources.
    """
    answer_header = _label(Answer, "text")
    if not kinds.is_structured(question):
        return (AnswerColumn(answer_header, lambda answer: answer.text if answer else ""),)

    def written(answer):
        # The structured answer as its rows read (sessions.kinds), then any text.
        if answer is None:
            return ""
        shown = kinds.as_text(question, answer.data, sources=sources)
        return "\n".join(part for part in (shown, answer.text) if part)

    def header(*labels):
        return f"{question.number}. " + " · ".join(str(label) for label in labels)

    columns = [AnswerColumn(answer_header, written)]
    if question.kind == GuidanceQuestion.Kind.MILESTONES:
        # The answer column reads them already, one per line with its month, as in the
        # PDFs (by month: ``sessions.kinds.display``); a second column would repeat it.
        return tuple(columns)
    if question.kind == GuidanceQuestion.Kind.CHOICE:

        def chosen(code):
            def value(answer):
                if answer is None or not written(answer):
                    return None
                return int(code in kinds.choice_value(answer.data).chosen)

            return value

        def note(code):
            return lambda answer: (
                kinds.choice_value(answer.data).notes.get(code, "") if answer else ""
            )

        for option in kinds.options(question):
            columns.append(AnswerColumn(header(option.label), chosen(option.code)))
            if question.option_note_label:
                columns.append(
                    AnswerColumn(
                        header(option.label, question.option_note_label), note(option.code)
                    )
                )
        if question.allow_other:
            columns.append(
                AnswerColumn(
                    header(_("Other")),
                    lambda answer: kinds.choice_value(answer.data).other if answer else "",
                )
            )
        return tuple(columns)

    def cell(code, column):
        return lambda answer: (
            kinds.financing_value(answer.data).value(code, column) if answer else None
        )

    def total(column):
        return lambda answer: kinds.financing_value(answer.data).total(column) if answer else None

    if question.financing_unit == GuidanceQuestion.FinancingUnit.AMOUNT:
        columns.append(
            AnswerColumn(
                header(_label(ActionItem, "currency")),
                lambda answer: kinds.financing_value(answer.data).currency if answer else "",
            )
        )
    for column in kinds.financing_columns(question):
        for source in sources:
            columns.append(
                AnswerColumn(
                    header(source.name, kinds.column_label(column)), cell(source.code, column)
                )
            )
        columns.append(AnswerColumn(header(_("Total"), kinds.column_label(column)), total(column)))
    return tuple(columns)


@dataclass(frozen=True)
class _AnswersExport:
    table: ExportTable
    per_question: tuple  # (label, discussed by, answered by) per question
    figures: tuple  # (question, figures of the whole room) per structured question


def _answers_export(*, workshop, session, absolute_url):
    """The rows of :func:`answer_table`, the counts per question and the figures of
    each structured question (the compare page's, over every delegation)."""
    if session.workshop_id != workshop.pk:
        raise Http404("No such session.")
    language = get_language()
    fallbacks = (workshop.default_language,)
    zone = zoneinfo.ZoneInfo(workshop.time_zone)
    questions = list(session.questions.order_by("order", "number").prefetch_related("options"))
    delegations = list(
        Delegation.objects.filter(workshop=workshop)
        .select_related("workshop")
        .order_by("name", "pk")
    )
    answers = {
        (answer.summary.delegation_id, answer.question_id): answer
        for answer in Answer.objects.filter(summary__session=session)
        .select_related("summary", "edited_by")
        .order_by()
    }
    financing = any(q.kind == GuidanceQuestion.Kind.FINANCING for q in questions)
    sources = kinds.financing_sources() if financing else []
    columns = {q.pk: answer_columns(q, sources=sources) for q in questions}
    typed = {}
    for question in questions:
        for column in columns[question.pk]:
            typed.setdefault(column.header, None)
    texts = {}
    for question in questions:
        text = localized(question, "text", language, fallbacks)
        shown = f"{text.text} ({content_language_name(text.language)})"
        texts[question.pk] = shown if text.is_fallback else text.text
    per_question = {q.pk: [f"{q.number}. {texts[q.pk]}", 0, 0] for q in questions}

    def edited(answer, written):
        """(local time without seconds, username) of a real edit, else (None, "")."""
        if answer is None or not (written or answer.discussed):
            return None, ""
        at = timezone.localtime(answer.edited_at, zone)
        by = answer.edited_by.get_username() if answer.edited_by else ""
        return at.replace(tzinfo=None, second=0, microsecond=0), by

    headers = (
        _("Delegation"),
        _("Delegation kind"),
        _("Delegation language"),
        _label(Summary, "session"),
        _("Question number"),
        _label(Answer, "question"),
        _label(Answer, "discussed"),
        *typed,
        _("Answer language"),
        f"{_label(Answer, 'edited_at')} ({workshop.time_zone})",
        _label(Answer, "edited_by"),
        _("Link"),
    )
    rows = []
    for delegation in delegations:
        link = absolute_url(Summary(delegation=delegation, session=session).get_absolute_url())
        for question in questions:
            answer = answers.get((delegation.pk, question.pk))
            cells = dict.fromkeys(typed)
            for column in columns[question.pk]:
                cells[column.header] = column.value(answer)
            written = str(columns[question.pk][0].value(answer) or "").strip()
            counts = per_question[question.pk]
            counts[1] += bool(answer and answer.discussed)
            counts[2] += bool(written)
            rows.append(
                (
                    delegation.name,
                    delegation.get_kind_display(),
                    content_language_name(delegation.language),
                    session.code,
                    question.number,
                    texts[question.pk],
                    _("Yes") if answer is not None and answer.discussed else _("No"),
                    *cells.values(),
                    content_language_name(answer.language) if answer and answer.language else "",
                    *edited(answer, written),
                    link,
                )
            )
    table = ExportTable(
        title=_("Answers %(session)s") % {"session": session.code},
        headers=headers,
        rows=tuple(rows),
    )
    figures = tuple(
        (question, figures)
        for question in questions
        if (
            figures := question_figures(
                question,
                [(d, answers.get((d.pk, question.pk))) for d in delegations],
                sources=sources,
            )
        )
        is not None
    )
    return _AnswersExport(
        table=table,
        per_question=tuple(tuple(counts) for counts in per_question.values()),
        figures=figures,
    )


def answer_table(*, workshop, session, absolute_url):
    """Every answer of ``session`` (of ``workshop``, else 404): one row per delegation
    × question, delegations by name, questions in their order, unanswered ones
    included. The question in the active language (a fallback says its language);
    answers as written, with their language, and a structured question's own
    columns (:func:`answer_columns`); the last edit in the workshop's time zone.
    ``absolute_url(path)`` makes the link to the delegation's summary absolute.
    Five queries whatever the number of delegations (with the financing sources).
    """
    return _answers_export(workshop=workshop, session=session, absolute_url=absolute_url).table


def answer_workbook(*, workshop, session, absolute_url):
    """The answers of ``session`` (:func:`answer_table`) and, in XLSX, a sheet of
    answers per question (discussed by, answered by) with its bar chart, then for
    each choice question its counts per option and for each financing mix the mixes
    side by side, each with its chart (the compare page's figures, every delegation)."""
    export = _answers_export(workshop=workshop, session=session, absolute_url=absolute_url)
    title = _("Answers per question")
    summary = ExportTable(
        title=title,
        headers=(_label(Answer, "question"), _("Discussed by"), _("Answered by")),
        rows=export.per_question,
        chart=BarChart(title=title, values=(2, 3)),
    )
    sheets = [
        figures_table(question, figures, session=session) for question, figures in export.figures
    ]
    return ExportWorkbook(
        table=export.table, sheets=(summary, *(sheet for sheet in sheets if sheet is not None))
    )


@dataclass(frozen=True)
class CostTotal:
    """Estimated costs of one intervention area in one currency, across delegations:
    how many live actions and TA requests carry a cost, and their sums (never
    converted between currencies)."""

    area: str
    currency: str
    actions: int
    actions_total: Decimal
    ta_requests: int
    ta_total: Decimal


def cost_totals(*, workshop):
    """Every (intervention area, currency) with a costed action or TA request in
    ``workshop``: areas in their order (in the active language), untagged last,
    currencies alphabetically. Three queries."""
    language = get_language()
    fallbacks = (workshop.default_language,)
    sums = defaultdict(lambda: [0, Decimal(0), 0, Decimal(0)])
    for offset, model in ((0, ActionItem), (2, TARequest)):
        grouped = (
            model.objects.live()
            .filter(delegation__workshop=workshop, estimated_cost__isnull=False)
            .order_by()
            .values_list("intervention_area", "currency")
            .annotate(n=Count("pk"), total=Sum("estimated_cost"))
        )
        for area, currency, n, total in grouped:
            entry = sums[(area, currency)]
            entry[offset] += n
            entry[offset + 1] += total
    areas = {area.pk: area for area in InterventionArea.objects.all()}
    rank = {pk: index for index, pk in enumerate(areas)}

    def label(pk):
        if pk is None:
            return _("No intervention area")
        return localized(areas[pk], "name", language, fallbacks).text

    keys = sorted(sums, key=lambda key: (key[0] is None, rank.get(key[0], 0), key[1]))
    return tuple(CostTotal(label(key[0]), key[1] or "", *sums[key]) for key in keys)


def cost_totals_table(totals):
    """:func:`cost_totals` as a sheet."""
    return ExportTable(
        title=_("Costs by area"),
        headers=(
            _("Intervention area"),
            _label(ActionItem, "currency"),
            _("Actions"),
            _("Actions: total estimated cost"),
            _("TA requests"),
            _("TA requests: total estimated cost"),
        ),
        rows=tuple(
            (t.area, t.currency, t.actions, t.actions_total, t.ta_requests, t.ta_total)
            for t in totals
        ),
    )


def _by_area_table(overview, *, column, title, chart_title):
    label = (_("TA requests"), _("Actions"))[column - 1]
    return ExportTable(
        title=title,
        headers=(_("Intervention area"), label),
        rows=tuple((row[0], row[column]) for row in overview.by_area),
        chart=BarChart(title=chart_title),
    )


def ta_request_workbook(*, workshop, link):
    """The TA requests (:func:`ta_request_table`); in XLSX also the requests per
    intervention area with a chart, and the cost totals by area and currency."""
    overview = export_overview(workshop=workshop)
    return ExportWorkbook(
        table=ta_request_table(workshop=workshop, link=link),
        sheets=(
            _by_area_table(
                overview,
                column=1,
                title=_("TA requests by area"),
                chart_title=_("TA requests per intervention area"),
            ),
            cost_totals_table(cost_totals(workshop=workshop)),
        ),
    )


def action_workbook(*, workshop, link):
    """The actions (:func:`action_table`); in XLSX also the actions per intervention
    area with a chart, and the cost totals by area and currency."""
    overview = export_overview(workshop=workshop)
    return ExportWorkbook(
        table=action_table(workshop=workshop, link=link),
        sheets=(
            _by_area_table(
                overview,
                column=2,
                title=_("Actions by area"),
                chart_title=_("Actions per intervention area"),
            ),
            cost_totals_table(cost_totals(workshop=workshop)),
        ),
    )
