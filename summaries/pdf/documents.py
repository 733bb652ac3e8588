"""What goes into a delegation's PDF documents, read once into frozen data.

:func:`plan_document` is the only reader of the database here; the renderer in
``render.py`` takes its result and never queries, so a document can be built in a
view or a background task and rendered anywhere.
"""

import dataclasses
import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, prefetch_related_objects
from django.utils import timezone, translation

from delegations.models import Delegation
from sessions import kinds
from sessions.i18n import Localized, localized
from sessions.models import GuidanceQuestion, Session

from ..models import PLAN_HORIZON_MONTHS, ActionItem, ActionPlan, Answer, TARequest
from ..selectors.states import plan_state
from .entries import (
    ActionEntry,
    ActionGroup,
    AnswerEntry,
    Area,
    SessionEntry,
    Source,
    TARequestEntry,
)


@dataclass(frozen=True)
class DocumentHeader:
    """What every delegation document says of itself on its first page: the workshop,
    the delegation, its language and when it was made (:func:`document_header`)."""

    language: str
    workshop_title: Localized
    workshop_start: dt.date
    workshop_end: dt.date
    workshop_venue: Localized
    workshop_slug: str
    delegation_slug: str
    delegation_name: str
    delegation_kind: str
    delegation_language: str
    generated_at: dt.datetime  # aware, in the workshop's time zone
    time_zone: str

    @property
    def delegation_kind_label(self):
        if self.delegation_kind in Delegation.Kind:
            return Delegation.Kind(self.delegation_kind).label
        return self.delegation_kind


def document_header(delegation, language, *, now=None):
    """The :class:`DocumentHeader` fields of ``delegation``'s documents in ``language``
    (as keyword arguments of a document)."""
    workshop = delegation.workshop
    fallbacks = (workshop.default_language,)
    return {
        "language": language,
        "workshop_title": localized(workshop, "title", language, fallbacks),
        "workshop_start": workshop.start_date,
        "workshop_end": workshop.end_date,
        "workshop_venue": localized(workshop, "venue", language, fallbacks),
        "workshop_slug": workshop.slug,
        "delegation_slug": delegation.slug,
        "delegation_name": delegation.name,
        "delegation_kind": delegation.kind,
        "delegation_language": delegation.language,
        "generated_at": timezone.localtime(
            now or timezone.now(), zoneinfo.ZoneInfo(workshop.time_zone)
        ),
        "time_zone": workshop.time_zone,
    }


@dataclass(frozen=True)
class PlanDocument(DocumentHeader):
    state: str  # the plan's state, as every page shows it (summaries.selectors.states)
    sessions: tuple[SessionEntry, ...]
    actions: tuple[ActionEntry, ...]
    ta_requests: tuple[TARequestEntry, ...]
    horizon_months: int = PLAN_HORIZON_MONTHS

    @property
    def is_draft(self):
        return self.state != "final"

    @property
    def months(self):
        return tuple(range(1, self.horizon_months + 1))

    @property
    def action_groups(self):
        """Actions grouped by intervention area, in the areas' order, untagged last;
        within a group the plan's order. Costs are summed per currency, never converted."""
        groups = defaultdict(list)
        for action in self.actions:
            groups[action.area.code if action.area else None].append(action)
        result = []
        for actions in groups.values():
            totals = defaultdict(Decimal)
            for action in actions:
                if action.estimated_cost is not None:
                    totals[action.currency] += action.estimated_cost
            result.append(
                ActionGroup(
                    area=actions[0].area, actions=tuple(actions), totals=tuple(totals.items())
                )
            )
        return tuple(
            sorted(
                result,
                key=lambda g: (False, g.area.order, g.area.code) if g.area else (True,),
            )
        )

    @property
    def ta_sessions(self):
        """The summaries the TA requests come from: answers to questions that feed TA
        requests, and answers a TA request was drafted from."""
        sources = {ta.source.answer_id for ta in self.ta_requests if ta.source}
        result = []
        for session in self.sessions:
            answers = tuple(
                answer
                for answer in session.answers
                if answer.feeds == GuidanceQuestion.Feeds.TA_REQUEST or answer.answer_id in sources
            )
            if answers:
                result.append(dataclasses.replace(session, answers=answers))
        return tuple(result)


def structured_display(question, answer, language, *, sources=None):
    """What a PDF prints for a structured ``answer`` (labels in ``language``), or
    ``None`` for free text and for an answer with nothing in it."""
    if answer is None or not kinds.is_structured(question) or kinds.is_empty(question, answer.data):
        return None
    with translation.override(language):
        return kinds.display(question, answer.data, sources=sources)


def structured_context(questions):
    """Read once what the structured answers to ``questions`` print (their options,
    the financing sources): no query for a document without such answers."""
    questions = list(questions)
    prefetch_related_objects(
        [q for q in questions if q.kind == GuidanceQuestion.Kind.CHOICE], "options"
    )
    if any(q.kind == GuidanceQuestion.Kind.FINANCING for q in questions):
        return kinds.financing_sources()
    return None


def _source(answer):
    if answer is None:
        return None
    return Source(
        answer_id=answer.pk,
        session_code=answer.question.session.code,
        question_number=answer.question.number,
    )


def plan_document(*, delegation, language=None, now=None):
    """Everything the action plan and TA request PDFs of ``delegation`` show.

    ``language`` (default: the delegation's document language) must be one of the
    workshop's languages, else ``ValueError``. Workshop and question texts are read
    in that language with a visible fallback; what the delegation wrote is kept as
    written. The caller has checked access (``delegations.permissions``). Five
    queries at most, however many answers and items the delegation has.
    """
    return plan_documents([delegation], language=language, now=now)[delegation.pk]


def plan_documents(delegations, *, language=None, now=None):
    """:func:`plan_document` of each of ``delegations`` (of one workshop), by
    delegation id, in the same five queries at most however many delegations there
    are: a bundle compares every delegation's fingerprints at once. ``language``
    (default: each delegation's own) as in :func:`plan_document`."""
    delegations = list(delegations)
    ids = [delegation.pk for delegation in delegations]
    for delegation in delegations:
        check_language(delegation.workshop, language or delegation.language)
    # Rows of many delegations, each list in its order, grouped below; ordered without
    # the models' "delegation" first, which joins the delegation and its workshop.
    plans = {
        plan.delegation_id: plan
        for plan in ActionPlan.objects.filter(delegation__in=ids)
        .order_by()
        .only("delegation_id", "status")
    }
    answers = list(
        Answer.objects.filter(summary__delegation__in=ids)
        .filter(Q(discussed=True) | ~Q(text="") | ~Q(data={}))
        # What members see is what the PDFs show: no draft session, as in
        # delegations.permissions.sessions_visible_to(as_member=True).
        .exclude(summary__session__status=Session.Status.DRAFT)
        .select_related("summary__session", "question")
        .order_by(
            "summary__session__order",
            "summary__session__day",
            "summary__session__code",
            "question__order",
            "question__number",
        )
    )
    sources = structured_context(answer.question for answer in answers)
    source_related = ("intervention_area", "source_answer__question__session")
    actions = ActionItem.objects.live().filter(delegation__in=ids).select_related(*source_related)
    ta_requests = (
        TARequest.objects.live()
        .filter(delegation__in=ids)
        .select_related(*source_related, "action")
    )
    rows = {pk: {"answers": [], "actions": [], "ta_requests": []} for pk in ids}
    for answer in answers:
        rows[answer.summary.delegation_id]["answers"].append(answer)
    for name, queryset in (("actions", actions), ("ta_requests", ta_requests)):
        for item in queryset.order_by("order", "pk"):
            rows[item.delegation_id][name].append(item)
    return {
        delegation.pk: _plan_document(
            delegation,
            language or delegation.language,
            state=plan_state(
                None,
                plans.get(delegation.pk),
                [
                    (kind, item.updated_at, "")
                    for kind in ("actions", "ta_requests")
                    for item in rows[delegation.pk][kind]
                ],
            ).state,
            sources=sources,
            now=now,
            **rows[delegation.pk],
        )
        for delegation in delegations
    }


def check_language(workshop, language):
    """``ValueError`` unless ``language`` is one of the workshop's."""
    if language not in workshop.language_codes:
        raise ValueError(
            f"{language!r} is not a language of workshop {workshop.slug!r} "
            f"({', '.join(workshop.language_codes)})."
        )


def _plan_document(delegation, language, *, state, answers, actions, ta_requests, sources, now):
    """One delegation's :class:`PlanDocument` from its rows (no query)."""
    workshop = delegation.workshop
    fallbacks = (workshop.default_language,)
    areas = {}

    def area(obj):
        if obj is None:
            return None
        if obj.pk not in areas:
            areas[obj.pk] = Area(
                code=obj.code, name=localized(obj, "name", language, fallbacks), order=obj.order
            )
        return areas[obj.pk]

    sessions = {}
    for answer in answers:
        summary = answer.summary
        entry = sessions.setdefault(summary.pk, (summary, []))
        entry[1].append(
            AnswerEntry(
                answer_id=answer.pk,
                question_number=answer.question.number,
                question_text=localized(answer.question, "text", language, fallbacks),
                feeds=answer.question.feeds,
                discussed=answer.discussed,
                text=answer.text,
                language=answer.language,
                shown=structured_display(answer.question, answer, language, sources=sources),
            )
        )

    def item_values(item):
        values = {name: getattr(item, name) for name in type(item).EDITABLE_FIELDS}
        values["intervention_area"] = area(item.intervention_area)
        if "action" in values:
            values["action"] = item.action.title if item.action else ""
        return values

    action_entries = tuple(
        ActionEntry(
            number=number,
            values=item_values(item),
            language=item.language,
            prefilled=item.prefilled,
            source=_source(item.source_answer),
        )
        for number, item in enumerate(actions, start=1)
    )
    action_numbers = {item.pk: number for number, item in enumerate(actions, start=1)}
    ta_entries = tuple(
        TARequestEntry(
            number=number,
            values=item_values(item),
            language=item.language,
            prefilled=item.prefilled,
            action_number=action_numbers.get(item.action_id),
            source=_source(item.source_answer),
        )
        for number, item in enumerate(ta_requests, start=1)
    )

    return PlanDocument(
        **document_header(delegation, language, now=now),
        state=state,
        sessions=tuple(
            SessionEntry(
                code=summary.session.code,
                title=localized(summary.session, "title", language, fallbacks),
                participants=summary.participants,
                rapporteur=summary.rapporteur,
                submitted=summary.status == summary.Status.SUBMITTED,
                answers=tuple(entries),
            )
            for summary, entries in sessions.values()
        ),
        actions=action_entries,
        ta_requests=ta_entries,
    )
