"""Earlier versions of a delegation's summary: each answer's and the details' history,
and restoring one as the newest version (through the services' versioned write)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from delegations import permissions

from .. import services
from ..live import notify
from ..models import Answer
from ..selectors import history
from .summary import editable_summary, find_summary


@login_required
@require_GET
def answer_history(request, workshop, delegation, session, number):
    access, summary = find_summary(request, workshop, delegation, session, create=False)
    answer = get_object_or_404(
        Answer.objects.select_related("question"), summary__pk=summary.pk, question__number=number
    )
    return render(
        request,
        "summaries/answer_history.html",
        {
            "answer": answer,
            "summary": summary,
            "versions": history.answer_versions(answer),
            "access": access,
            "write": permissions.can_write_summary(summary, access=access),
        },
    )


@login_required
@require_POST
def answer_restore(request, workshop, delegation, session, number):
    summary = editable_summary(request, workshop, delegation, session)
    answer = get_object_or_404(Answer, summary=summary, question__number=number)
    try:
        history_id = int(request.POST.get("history_id", ""))
        services.answer_restore(answer=answer, history_id=history_id, user=request.user)
        notify.after_write(notify.summary_room(summary), user=request.user)
    except (ValueError, answer.history.model.DoesNotExist):
        raise Http404("No such version.") from None
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The earlier version is restored as the newest version."))
    return redirect(summary.get_absolute_url() + f"#question-{number}")


@login_required
@require_GET
def details_history(request, workshop, delegation, session):
    access, summary = find_summary(request, workshop, delegation, session, create=False)
    if summary.pk is None:
        raise Http404("Nothing saved yet.")
    return render(
        request,
        "summaries/details_history.html",
        {
            "summary": summary,
            "workshop": summary.session.workshop,
            "delegation": access.delegation,
            "versions": history.versions(
                summary,
                services.DETAILS_FIELDS,
                language=request.LANGUAGE_CODE,
                long_fields=("participants",),
            ),
            "write": permissions.can_write_summary(summary, access=access),
        },
    )


@login_required
@require_POST
def details_restore(request, workshop, delegation, session):
    summary = editable_summary(request, workshop, delegation, session)
    try:
        notify.after_write(notify.summary_room(summary), user=request.user)
        services.summary_details_restore(
            summary=summary,
            history_id=int(request.POST.get("history_id", "")),
            base_version=int(request.POST.get("version", "")),
            user=request.user,
        )
    except (ValueError, summary.history.model.DoesNotExist):
        raise Http404("No such version.") from None
    except services.StaleEdit:
        messages.error(
            request,
            _(
                "Someone saved the participants or the rapporteur since you opened the "
                "earlier versions; nothing was restored. Look at them again."
            ),
        )
        return redirect(
            "summaries:details_history",
            workshop=summary.session.workshop.slug,
            delegation=summary.delegation.slug,
            session=summary.session.code,
        )
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The earlier version is restored as the newest version."))
    return redirect(summary.get_absolute_url() + "#details")
