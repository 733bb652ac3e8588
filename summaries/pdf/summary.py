"""The session summary PDF: one delegation's answers to one session's questions, as
the delegation would send them (a province's answers to a secretariat, a country's
group-work summary), for any session a member may see.

:func:`summary_document` reads everything once into a frozen
:class:`SummaryDocument`; ``summaries.pdf.render.render_document(doc, "summary")``
turns it into a :class:`~common.pdf.RenderedFile` under the same limits as
the plans, and the cache of ``summaries.pdf.cache`` keeps it.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from sessions import kinds
from sessions.i18n import Localized, localized
from sessions.models import Session

from ..models import Answer, Summary
from .documents import (
    DocumentHeader,
    check_language,
    document_header,
    structured_context,
    structured_display,
)


@dataclass(frozen=True)
class SummaryAnswer:
    """One question of the session and the delegation's answer to it ("" if none)."""

    number: int
    question: Localized
    discussed: bool
    text: str  # as the delegation wrote it
    language: str  # the language the answer is written in ("" if unknown)
    # A structured answer as its rows read (``sessions.kinds.Display``), else None.
    shown: kinds.Display | None = None


@dataclass(frozen=True)
class SummaryDocument(DocumentHeader):
    session_code: str
    session_title: Localized
    session_day: int
    deadline: dt.datetime | None  # aware, in the workshop's time zone
    participants: str
    rapporteur: str
    submitted: bool
    submitted_at: dt.datetime | None  # aware, in the workshop's time zone
    submitted_by: str
    answers: tuple[SummaryAnswer, ...]

    @property
    def is_draft(self):
        return not self.submitted


def summary_document(*, delegation, session, language=None, now=None):
    """Everything the summary PDF of ``delegation`` for ``session`` shows: every
    question of the session in its order, with the delegation's answer (or none).

    ``session`` must be a session of the delegation's workshop that members can see
    (not a draft), and ``language`` (default: the delegation's) one of the workshop's
    languages, else ``ValueError``. Workshop, session and question texts are read in
    that language with a visible fallback; answers are kept as written. The caller
    has checked access (``delegations.permissions``). Three queries.
    """
    return summary_documents([delegation], session=session, language=language, now=now)[
        delegation.pk
    ]


def summary_documents(delegations, *, session, language=None, now=None):
    """:func:`summary_document` of each of ``delegations`` for ``session``, by
    delegation id, in the same three queries however many delegations there are.
    ``language`` (default: each delegation's own) as in :func:`summary_document`."""
    delegations = list(delegations)
    for delegation in delegations:
        workshop = delegation.workshop
        check_language(workshop, language or delegation.language)
        if session.workshop_id != workshop.pk or session.status == Session.Status.DRAFT:
            raise ValueError(
                f"Session {session.code!r} is not a visible session of {workshop.slug!r}."
            )
    summaries = {
        summary.delegation_id: summary
        for summary in Summary.objects.filter(
            delegation__in=[delegation.pk for delegation in delegations], session=session
        )
        .select_related("submitted_by")
        .order_by()  # the model's ordering would join two tables
    }
    answers = {}
    for answer in Answer.objects.filter(summary__in=summaries.values()).order_by():
        answers.setdefault(answer.summary_id, {})[answer.question_id] = answer
    questions = list(session.questions.order_by("order", "number"))
    answered = {question_id for each in answers.values() for question_id in each}
    sources = structured_context(q for q in questions if q.pk in answered)
    documents = {}
    for delegation in delegations:
        summary = summaries.get(delegation.pk)
        documents[delegation.pk] = _summary_document(
            delegation,
            session,
            language or delegation.language,
            summary=summary,
            answers=answers.get(summary.pk, {}) if summary else {},
            questions=questions,
            sources=sources,
            now=now,
        )
    return documents


def _summary_document(delegation, session, language, *, summary, answers, questions, sources, now):
    """One delegation's :class:`SummaryDocument` from its rows (no query)."""
    workshop = delegation.workshop
    fallbacks = (workshop.default_language,)
    zone = zoneinfo.ZoneInfo(workshop.time_zone)
    entries = []
    for question in questions:
        answer = answers.get(question.pk)
        entries.append(
            SummaryAnswer(
                number=question.number,
                question=localized(question, "text", language, fallbacks),
                discussed=bool(answer and answer.discussed),
                text=answer.text.strip() if answer else "",
                language=answer.language if answer else "",
                shown=structured_display(question, answer, language, sources=sources),
            )
        )
    submitted = summary is not None and summary.is_submitted

    def local(moment):
        return timezone.localtime(moment, zone) if moment else None

    return SummaryDocument(
        **document_header(delegation, language, now=now),
        session_code=session.code,
        session_title=localized(session, "title", language, fallbacks),
        session_day=session.day,
        deadline=local(session.deadline),
        participants=summary.participants.strip() if summary else "",
        rapporteur=summary.rapporteur.strip() if summary else "",
        submitted=submitted,
        submitted_at=local(summary.submitted_at) if submitted else None,
        submitted_by=summary.submitted_by.get_username()
        if submitted and summary.submitted_by
        else "",
        answers=tuple(entries),
    )
