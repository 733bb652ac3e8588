"""Reads of workshop content for facilitators and organisers."""

from django.http import Http404

from delegations.selectors import user_reads_everything
from summaries.selectors import session_page

from .models import Session


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
    """What a delegation's page for ``session`` shows in ``language``, with no answers."""
    return session_page(session=session, language=language)
