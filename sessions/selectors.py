"""Reads of workshop content for facilitators and organisers."""

from dataclasses import dataclass

from django.http import Http404

from delegations.selectors import user_reads_everything
from summaries.selectors import QuestionView

from .i18n import Localized, localized
from .models import Session


@dataclass(frozen=True)
class SessionPreview:
    session: Session
    language: str
    title: Localized
    guidance: Localized
    instructions: Localized
    questions: tuple  # of summaries.selectors.QuestionView, without answers


def session_for_preview(user, workshop, code):
    """The session ``code`` of ``workshop`` (drafts included) for facilitators,
    organisers and superusers; 404 for everyone else, delegation members included."""
    if not user_reads_everything(user):
        raise Http404("No such session.")
    session = Session.objects.filter(workshop=workshop, code=code).first()
    if session is None:
        raise Http404("No such session.")
    return session


def session_preview(*, session, language):
    """What a delegation's page for ``session`` shows in ``language``, with no answers:
    the same texts and fallbacks as ``summaries.selectors.summary_page``."""
    workshop = session.workshop
    fallbacks = (workshop.default_language,)
    others = [code for code in workshop.language_codes if code != language]
    return SessionPreview(
        session=session,
        language=language,
        title=localized(session, "title", language, fallbacks),
        guidance=localized(session, "guidance", language, fallbacks),
        instructions=localized(session, "instructions", language, fallbacks),
        questions=tuple(
            QuestionView(
                question=question,
                text=localized(question, "text", language, fallbacks),
                help_text=localized(question, "help_text", language, fallbacks),
                other_texts=tuple(
                    (code, text)
                    for code in others
                    if (text := localized(question, "text", code, fallbacks)).text
                    and text.language == code
                ),
                answer=None,
            )
            for question in session.questions.all()
        ),
    )
