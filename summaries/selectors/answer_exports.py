"""The table behind the export of every answer of a session, its readable columns
for each kind of question, and its workbook with the counts and figures per question.
Callers have checked access with ``delegations.permissions.workshop_for_organiser``."""

import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from delegations.models import Delegation
from sessions import kinds
from sessions.i18n import content_language_name, localized
from sessions.models import GuidanceQuestion, Session

from ..exports import BarChart, ExportTable, ExportWorkbook
from ..models import ActionItem, Answer, Summary
from .aggregates import figures_table, question_figures
from .plan_exports import field_label


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
    answer_header = field_label(Answer, "text")
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
                header(field_label(ActionItem, "currency")),
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
        at = timezone.localtime(answer.updated_at, zone)
        by = answer.edited_by.get_username() if answer.edited_by else ""
        return at.replace(tzinfo=None, second=0, microsecond=0), by

    headers = (
        _("Delegation"),
        _("Delegation kind"),
        _("Delegation language"),
        field_label(Summary, "session"),
        _("Question number"),
        field_label(Answer, "question"),
        field_label(Answer, "discussed"),
        *typed,
        _("Answer language"),
        f"{capfirst(_('last edited at'))} ({workshop.time_zone})",
        field_label(Answer, "edited_by"),
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
        headers=(field_label(Answer, "question"), _("Discussed by"), _("Answered by")),
        rows=export.per_question,
        chart=BarChart(title=title, values=(2, 3)),
    )
    sheets = [
        figures_table(question, figures, session=session) for question, figures in export.figures
    ]
    return ExportWorkbook(
        table=export.table, sheets=(summary, *(sheet for sheet in sheets if sheet is not None))
    )
