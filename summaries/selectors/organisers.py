"""What organisers and facilitators read: the progress board, the comparison of one
question across delegations, and the tables behind the partner exports. Callers have
checked access with ``delegations.permissions.workshop_for_organiser``."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from delegations.models import Delegation
from sessions.i18n import content_language_name, localized
from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop

from ..exports import ExportTable
from ..models import ActionItem, Answer, Summary, TARequest
from .states import work_states


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

    @property
    def text(self):
        return self.answer.text.strip() if self.answer else ""

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
    (delegations that passed ``filters``, in name order); 404 if there is no such question."""
    question = (
        GuidanceQuestion.objects.filter(
            session__workshop=workshop, session__code=session_code, number=number
        )
        .select_related("session")
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
    fallbacks = (workshop.default_language,)
    return Comparison(
        question=question,
        texts=tuple(
            (code, text)
            for code in workshop.language_codes
            if (text := localized(question, "text", code, fallbacks)).text and text.language == code
        ),
        entries=tuple(ComparedAnswer(d, answers.get(d.pk)) for d in delegations),
        numbers=tuple(question.session.questions.values_list("number", flat=True)),
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
