"""Reads for the delegation pages. Callers pass objects obtained through
``delegations.permissions`` (``delegation_for``, ``session_for``...), which has
already checked access. The organisers' reads are in ``board``, ``compare``,
``plan_exports`` and ``answer_exports``."""

import dataclasses
from dataclasses import dataclass, field

from delegations.models import Delegation
from sessions.i18n import Localized, localized
from sessions.models import GuidanceQuestion, Session

from ..models import ActionItem, ActionPlan, Answer, Summary, TARequest
from .states import delegation_states, work_states


def content_language(workshop, requested=None, preferred=()):
    """The content language to show: ``requested`` if the workshop runs in it, else
    the first of ``preferred`` it runs in, else the workshop's default language."""
    codes = workshop.language_codes
    for code in (requested, *preferred):
        if code in codes:
            return code
    return codes[0]


@dataclass(frozen=True)
class QuestionView:
    question: GuidanceQuestion
    text: Localized
    help_text: Localized
    other_texts: tuple  # ((language, Localized), ...) in the workshop's other languages
    answer: Answer | None
    language: str = ""  # the page's content language (option labels, source names)

    @property
    def number(self):
        return self.question.number


@dataclass(frozen=True)
class SummaryPage:
    session: Session
    summary: Summary | None  # None on a facilitator's preview
    language: str
    title: Localized
    guidance: Localized
    instructions: Localized
    questions: tuple = field(default_factory=tuple)

    @property
    def answered_count(self):
        return sum(
            1 for q in self.questions if q.answer and (q.answer.text.strip() or q.answer.data)
        )


def session_preview(*, session, language):
    """What a delegation's page for ``session`` shows in ``language``, with no answers
    (a facilitator's preview; the caller checked ``session_for_preview``)."""
    return session_page(session=session, language=language)


def summary_page(*, summary, language):
    """Everything the session page shows, in ``language``, in a fixed number of queries."""
    return session_page(session=summary.session, language=language, summary=summary)


def session_page(*, session, language, summary=None):
    """The session's texts in ``language`` (with visible fallbacks; the question in the
    workshop's other languages too) and, given a saved ``summary``, its answers."""
    workshop = session.workshop
    others = [code for code in workshop.language_codes if code != language]
    answers = {}
    if summary is not None and summary.pk is not None:  # readers may see an unsaved one
        answers = {
            answer.question_id: answer
            for answer in Answer.objects.filter(summary=summary).select_related("edited_by")
        }
    fallbacks = (workshop.default_language,)
    return SummaryPage(
        session=session,
        summary=summary,
        language=language,
        title=localized(session, "title", language, fallbacks),
        guidance=localized(session, "guidance", language, fallbacks),
        instructions=localized(session, "instructions", language, fallbacks),
        questions=tuple(
            _question_view(question, language, others, fallbacks, answers.get(question.pk))
            for question in session.questions.prefetch_related("options")
        ),
    )


def _question_view(question, language, others, fallbacks, answer):
    text = localized(question, "text", language, fallbacks)
    return QuestionView(
        question=question,
        text=text,
        help_text=localized(question, "help_text", language, fallbacks),
        # The question in the workshop's other languages, but not again in the one a
        # missing translation already fell back to.
        other_texts=tuple(
            (code, other)
            for code in others
            if code != text.language
            and (other := localized(question, "text", code, fallbacks)).text
            and other.language == code
        ),
        answer=answer,
        language=language,
    )


def delegation_progress(*, delegation, sessions):
    """One :class:`~summaries.selectors.states.WorkState` per session of ``sessions``."""
    return delegation_states(delegation=delegation, sessions=sessions)


def session_overview(session):
    """For organisers: every delegation of the session's workshop with its state there."""
    delegations = list(Delegation.objects.filter(workshop=session.workshop_id))
    states = work_states(delegations=delegations, sessions=[session])
    return [(delegation, states[(delegation.pk, session.pk)]) for delegation in delegations]


@dataclass(frozen=True)
class PlanItems:
    plan: ActionPlan | None
    actions: tuple
    ta_requests: tuple
    removed: tuple = ()  # ((kind, item), ...): removed items that can be put back

    @property
    def is_final(self):
        return self.plan is not None and self.plan.is_final


def plan_items(*, delegation):
    """The delegation's plan, its live actions and TA requests in order, and the items
    removed (most recent first) while the plan is not final; three queries."""
    related = ("intervention_area", "source_answer__question__session")
    plan = ActionPlan.objects.filter(delegation=delegation).first()
    actions = list(ActionItem.objects.filter(delegation=delegation).select_related(*related))
    ta_requests = list(
        TARequest.objects.filter(delegation=delegation).select_related(*related, "action")
    )
    items = PlanItems(
        plan=plan,
        actions=tuple(item for item in actions if item.removed_at is None),
        ta_requests=tuple(item for item in ta_requests if item.removed_at is None),
    )
    if items.is_final:
        return items
    removed = [("action", item) for item in actions if item.removed_at is not None]
    removed += [("ta", item) for item in ta_requests if item.removed_at is not None]
    removed.sort(key=lambda pair: pair[1].removed_at, reverse=True)
    return dataclasses.replace(items, removed=tuple(removed))
