"""The session summary PDF of a delegation, for its members, facilitators and
organisers: sessions members can see only (never a draft)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from delegations import permissions

from ..pdf.summary import render_summary, summary_document
from .common import file_response


@login_required
@require_GET
def summary_pdf(request, workshop, delegation, session):
    access = permissions.delegation_access(request.user, workshop, delegation)
    workshop = access.delegation.workshop
    session = permissions.session_for(request.user, workshop, session, as_member=True)
    language = request.GET.get("lang") or access.delegation.language
    if language not in workshop.language_codes:
        raise Http404("No such document.")
    doc = summary_document(delegation=access.delegation, session=session, language=language)
    return file_response(render_summary(doc))
